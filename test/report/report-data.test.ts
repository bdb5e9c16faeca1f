import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../src/domain/metrics/performance.ts';
import { minMaxDownsample, mergeCandles, onTimeGrid, snapToCandle, type Point } from '../../src/report/downsample.ts';
import { drawdownSeries, monthlyReturns } from '../../src/report/equity-analysis.ts';
import { equityFromTrades, pointValueOf, type TradeRow } from '../../src/report/equity-from-trades.ts';
import { METRIC_INFO } from '../../src/report/metric-definitions.ts';
import { readPhaseBars } from '../../src/report/read-bars.ts';
import { forEachNdjson, readResultsFile } from '../../src/report/read-results.ts';
import { PhaseSummarySchema } from '../../src/results/schema/phase-summary.ts';
import { chartLibraryPath, renderHtml, scriptSafeJson } from '../../src/report/render-html.ts';
import { readEquityFile } from '../../src/report/backtest-section.ts';
import { sweepSection } from '../../src/report/sweep-section.ts';
import { signalSection } from '../../src/report/signal-section.ts';
import { readRun } from '../../src/report/read-results.ts';
import { AggregateResultsSchema } from '../../src/results/schema/aggregate-results.ts';
import { runWithReport } from './make-results.ts';

describe('downsampling for display', () => {
  const wave: Point[] = Array.from({ length: 10_000 }, (_, i) => [
    i,
    Math.sin(i / 50) * 100 + (i === 7_777 ? -500 : 0) + (i === 1_234 ? 400 : 0),
  ]);

  it('keeps every bucket’s extremes, the ends, time order, and the size bound', () => {
    const out = minMaxDownsample(wave, 1000);
    expect(out.length).toBeLessThanOrEqual(1000);
    expect(out.length).toBeGreaterThan(900);
    expect(out[0]).toEqual(wave[0]);
    expect(out[out.length - 1]).toEqual(wave[9_999]);
    for (let i = 1; i < out.length; i++) expect(out[i]![0]).toBeGreaterThan(out[i - 1]![0]);
    // The single-bar spikes survive however far the series is thinned.
    expect(out).toContainEqual(wave[7_777]);
    expect(out).toContainEqual(wave[1_234]);
    expect(minMaxDownsample(wave.slice(0, 50), 100)).toEqual(wave.slice(0, 50));
  });

  it('merges candles keeping the highest high and lowest low', () => {
    const bars = Array.from(
      { length: 10 },
      (_, i) => [i, 10 + i, 12 + i + (i === 3 ? 50 : 0), 9 + i - (i === 8 ? 30 : 0), 11 + i] as const,
    );
    const merged = mergeCandles(bars, 2);
    expect(merged).toEqual([
      [0, 10, 65, 9, 15],
      [5, 15, 21, -13, 20],
    ]);
    expect(snapToCandle([0, 5], 7)).toBe(5);
    expect(snapToCandle([0, 5], 4.9)).toBe(0);
  });

  it('puts overlaid series on one shared time grid, extremes kept', () => {
    const a: Point[] = Array.from({ length: 1000 }, (_, i) => [i, i === 500 ? -9 : 1]);
    const b: Point[] = Array.from({ length: 100 }, (_, i) => [900 + i, 2]);
    const [ga, gb] = onTimeGrid([a, b], 10);
    expect(ga!.some(([, v]) => v === -9)).toBe(true);
    const times = new Set(ga!.map(([t]) => t));
    expect(gb!.every(([t]) => times.has(t))).toBe(true);
  });

  it('starts and ends every overlaid series on its exact first and last points', () => {
    // The last bar is neither its bucket's minimum nor its maximum: a bucket min/max at the
    // end would draw another return than the table's (issue 19, item 10).
    const a: Point[] = Array.from({ length: 5000 }, (_, i) => [1000 + i * 300, -0.05 + 0.01 * Math.sin(i / 3)]);
    a.push([1000 + 5000 * 300, -0.0563]);
    const b: Point[] = Array.from({ length: 3000 }, (_, i) => [200_000 + i * 300, 0.02 * Math.cos(i / 7)]);
    b.unshift([199_700, 0.0123]);
    const grids = onTimeGrid([a, b], 100);
    for (const [k, src] of [a, b].entries()) {
      const g = grids[k]!;
      expect(g[0]).toEqual(src[0]);
      expect(g[g.length - 1]).toEqual(src[src.length - 1]);
      for (let i = 1; i < g.length; i++) expect(g[i]![0]).toBeGreaterThan(g[i - 1]![0]);
      expect(g.length).toBeLessThanOrEqual(2 * 100 + 4);
      // Extremes still kept.
      expect(Math.min(...g.map(([, v]) => v))).toBe(Math.min(...src.map(([, v]) => v)));
      expect(Math.max(...g.map(([, v]) => v))).toBe(Math.max(...src.map(([, v]) => v)));
    }
  });
});

describe('equity analysis', () => {
  it('measures drawdown from the running peak, the initial equity the first peak', () => {
    const dd = drawdownSeries({ ts: [0, 1000, 2000, 3000], equity: [90, 120, 60, 130] }, 100);
    [-0.1, 0, -0.5, 0].forEach((v, i) => expect(dd[i]![1]).toBeCloseTo(v, 12));
    expect(dd.map(([t]) => t)).toEqual([0, 1, 2, 3]);
  });

  it('compounds month-end equity into monthly and yearly returns', () => {
    const ts = ['2024-11-05', '2024-11-29', '2024-12-31', '2025-01-15'].map((d) => Date.parse(d));
    const years = monthlyReturns({ ts, equity: [101, 110, 99, 108.9] }, 100);
    expect(years.map((y) => y.year)).toEqual([2024, 2025]);
    expect(years[0]!.months[10]).toBeCloseTo(0.1, 12);
    expect(years[0]!.months[11]).toBeCloseTo(-0.1, 12);
    expect(years[0]!.total).toBeCloseTo(-0.01, 12);
    expect(years[1]!.months[0]).toBeCloseTo(0.1, 12);
    expect(years[1]!.months[1]).toBeNull();
  });
});

describe('equity recomputed from trades', () => {
  it('marks an open future at its multiplier, read back from the trades (equal to the engine’s when flat)', async () => {
    const { dir } = await runWithReport('examples/futures-sma-cross.yaml', [
      '--storage',
      'disk',
      '--set',
      'portfolio.close_at_end=true',
    ]);
    const phase = join(dir, 'backtest');
    const stored = (await readEquityFile(join(phase, 'equity.ndjson'), 'sma_crossover'))!;
    const trades: TradeRow[] = [];
    await forEachNdjson(join(phase, 'trades.ndjson'), (r) => {
      const t = {
        symbol: String(r['symbol']),
        direction: r['direction'] === 'short' ? ('short' as const) : ('long' as const),
        quantity: Number(r['quantity']),
        entryTs: Date.parse(String(r['entry_time'])),
        entryPrice: Number(r['entry_price']),
        exitTs: Date.parse(String(r['exit_time'])),
        pnl: Number(r['pnl']),
      };
      trades.push({
        ...t,
        pointValue: pointValueOf({ ...t, exitPrice: Number(r['exit_price']), grossPnl: Number(r['gross_pnl']) }),
      });
    });
    expect(trades.map((t) => t.pointValue)).toEqual(trades.map(() => 10));
    const bars = await readPhaseBars(readResultsFile(join(phase, 'phase_summary.json'), PhaseSummarySchema)!, 'skip');
    if (!bars.ok) throw new Error(bars.reason);
    const curve = equityFromTrades(trades, bars.symbols, 10_000);
    expect(curve.ts).toEqual(stored.ts);
    // Open: above the engine's by the entry commission (2) only; flat: equal.
    for (let i = 0; i < curve.ts.length; i++)
      expect(curve.equity[i]! - stored.equity[i]!).toBeCloseTo(
        trades.some((tr) => tr.entryTs <= curve.ts[i]! && curve.ts[i]! < tr.exitTs) ? 2 : 0,
        6,
      );
  });

  it('matches the engine’s equity file to within the open trades’ entry commissions, exactly when flat', async () => {
    const { dir } = await runWithReport('examples/spy-sma-crossover.yaml', [
      '--storage',
      'disk',
      '--set',
      'data.end=2024-07-01',
    ]);
    const phase = join(dir, 'backtest');
    const summary = readResultsFile(join(phase, 'phase_summary.json'), PhaseSummarySchema)!;
    const stored = (await readEquityFile(join(phase, 'equity.ndjson'), 'sma_crossover'))!;
    const trades: TradeRow[] = [];
    let maxCommission = 0;
    await forEachNdjson(join(phase, 'trades.ndjson'), (r) => {
      trades.push({
        symbol: String(r['symbol']),
        direction: r['direction'] === 'short' ? 'short' : 'long',
        quantity: Number(r['quantity']),
        entryTs: Date.parse(String(r['entry_time'])),
        entryPrice: Number(r['entry_price']),
        exitTs: Date.parse(String(r['exit_time'])),
        pnl: Number(r['pnl']),
      });
      maxCommission = Math.max(maxCommission, Number(r['commission']));
    });
    const bars = await readPhaseBars(summary, 'skip');
    if (!bars.ok) throw new Error(bars.reason);
    const curve = equityFromTrades(trades, bars.symbols, 100_000);
    expect(curve.ts).toEqual(stored.ts);
    const open = (t: number) => trades.some((tr) => tr.entryTs <= t && t < tr.exitTs);
    let flatBars = 0;
    for (let i = 0; i < curve.ts.length; i++) {
      const diff = curve.equity[i]! - stored.equity[i]!;
      if (open(curve.ts[i]!)) {
        expect(diff).toBeGreaterThanOrEqual(-1e-6);
        expect(diff).toBeLessThanOrEqual(maxCommission);
      } else {
        flatBars++;
        expect(Math.abs(diff)).toBeLessThan(1e-6);
      }
    }
    expect(flatBars).toBeGreaterThan(100);
    // The report also wrote itself (`--report`), from the equity file this time.
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).not.toContain('Equity recomputed');
  });
});

describe('the HTML page', () => {
  it('defines every metric, each a name docs/metrics.md defines', () => {
    const doc = readFileSync('docs/metrics.md', 'utf8');
    for (const m of METRIC_NAMES) {
      expect(METRIC_INFO[m].definition.length).toBeGreaterThan(5);
      expect(doc).toContain(`\`${m}\``);
    }
  });

  it('escapes data so nothing in it can close the script element', () => {
    const json = scriptSafeJson({ name: '</script><script>alert(1)</script>', line: '\u2028' });
    expect(json).not.toContain('<');
    expect(JSON.parse(json)).toEqual({ name: '</script><script>alert(1)</script>', line: '\u2028' });
    const html = renderHtml({ title: '<b>x</b>', subtitle: '</script>', metrics: {}, sections: [], notes: [] });
    expect(html).toContain('&#60;b&#62;x&#60;/b&#62;');
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  it('inlines the installed chart library and loads nothing from the network', () => {
    const html = renderHtml({ title: 't', subtitle: '', metrics: {}, sections: [], notes: [] });
    expect(html).toContain(readFileSync(chartLibraryPath(), 'utf8').slice(0, 2000));
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import/);
  });
});

describe('sweep heatmap scale', () => {
  const aggregate = (metric: string, values: readonly number[]) =>
    AggregateResultsSchema.parse({
      phase: 'sweep',
      status: 'completed',
      primary_metric: metric,
      ranking: values.map((_, i) => `s${i}`),
      iterations: values.map((v, i) => ({
        strategy_id: `s${i}`,
        type: 'sma_crossover',
        params: { a: i % 2, b: Math.floor(i / 2) },
        metrics: { [metric]: v, initial_equity: 1000 },
      })),
    });

  it('centres the colours on the metric’s neutral value, so an all-negative Sharpe grid is not drawn as good (issue 19, item 11)', () => {
    expect(sweepSection('s', aggregate('sharpe_ratio', [-3, -2, -1, -0.5]), {}).neutral).toBe(0);
    expect(sweepSection('s', aggregate('total_return', [0.1, -0.1]), {}).neutral).toBe(0);
    expect(sweepSection('s', aggregate('profit_factor', [0.8, 1.3]), {}).neutral).toBe(1);
    expect(sweepSection('s', aggregate('final_equity', [900, 1100]), {}).neutral).toBe(1000);
    // No neutral value: coloured relative to the grid, and the page says so.
    expect(sweepSection('s', aggregate('max_drawdown', [0.1, 0.2]), {}).neutral).toBeNull();
    expect(sweepSection('s', aggregate('trade_count', [3, 9]), {}).neutral).toBeNull();
  });
});

describe('signal section data', () => {
  it('counts each strategy’s entries and time in the market as the backtest of the same signals does (issue 19, item 9)', async () => {
    // Long only with next-open fills: every long signal is one trade held while the signal
    // is long, so the signal run's long entries and share of bars long are the backtest's
    // trade count and exposure (exactly: over the whole year the book ends flat).
    const args: string[] = [];
    const signals = await runWithReport('examples/spy-sma-crossover.yaml', [
      ...args,
      '--set',
      'topology=signal_generation',
    ]);
    const backtest = await runWithReport('examples/spy-sma-crossover.yaml', args);
    const metrics = readResultsFile(join(backtest.dir, 'backtest', 'phase_summary.json'), PhaseSummarySchema)!.best!
      .metrics as Record<string, number>;
    const run = readRun(signals.dir);
    const section = await signalSection(
      'signals',
      run.phases[0]!,
      join(signals.dir, 'signal_generation', 'signals'),
      signals.dir,
    );
    expect(section.empty).toBeNull();
    expect(section.store?.href).toBe('signal_generation/signals/');
    const [row] = section.strategies.rows;
    const cell = (label: string) => row![section.strategies.columns.findIndex((c) => c.label === label)];
    expect(cell('Long entries')).toBe(metrics['trade_count']);
    expect(cell('Time long')).toBeCloseTo(metrics['exposure']!, 12);
    expect(section.lanes[0]!.periods.filter((p) => p[2] > 0)).toHaveLength(metrics['trade_count']!);
    // Positions alternate and never overlap.
    const periods = section.lanes[0]!.periods;
    for (let i = 1; i < periods.length; i++) expect(periods[i]![0]).toBeGreaterThanOrEqual(periods[i - 1]![1]);
  });
});
