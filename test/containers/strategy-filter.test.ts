import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWorkflowSource } from '../../src/data/workflow-source.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { Rsi } from '../../src/domain/indicators/rsi.ts';
import { loadSpyBars } from '../helpers/spy.ts';
import { runConfig } from '../helpers/run.ts';

const CONFIG = 'test/fixtures/configs/spy-small.yaml';

describe('strategy filters', () => {
  it('gates entries: a position opens only on a bar where the filter holds, and exits are never filtered', async () => {
    const filter = 'signal > 0 and rsi(14) < 60 and volume > sma(volume, 20)';
    const outcome = await runConfig(CONFIG, { sets: ['topology=signal_generation', `strategies[0].filter=${filter}`] });
    expect(outcome.status).toBe('completed');
    const signals = outcome.signals!;
    // RSI(14) and SMA(volume, 20) computed here, independently of the hub.
    const bars = loadSpyBars();
    const rsi = new Rsi(14);
    const rsiAt: number[] = [];
    for (const b of bars) {
      rsi.update(b);
      rsiAt.push(rsi.value());
    }
    const volSma = (i: number) => (i < 19 ? NaN : bars.slice(i - 19, i + 1).reduce((s, b) => s + b.volume, 0) / 20);
    const longs = signals.filter((s) => s.direction === 1);
    expect(longs.length).toBeGreaterThan(50);
    for (const s of longs) {
      expect(rsiAt[s.seq]!).toBeLessThan(60);
      expect(bars[s.seq]!.volume).toBeGreaterThan(volSma(s.seq));
    }
    // signal > 0: a short signal never passes, so the strategy only goes long or flat.
    expect(signals.every((s) => s.direction >= 0)).toBe(true);
    // At most one entry per stretch the unfiltered strategy is long, so fewer entries ...
    const plain = await runConfig(CONFIG, { sets: ['topology=signal_generation'] });
    expect(longs.length).toBeLessThan(plain.signals!.filter((s) => s.direction === 1).length);
    // ... and no churn: every exit falls on a bar where the strategy itself changed its mind.
    const rawChanges = new Set(plain.signals!.map((s) => s.seq));
    const exits = signals.filter((s) => s.direction === 0);
    expect(exits.length).toBeGreaterThan(50);
    for (const s of exits) expect(rawChanges.has(s.seq), `exit at bar ${s.seq}`).toBe(true);
    // The features the filter calls are computed by the shared hub.
    const features = outcome.containers.get('features')!['features'] as string[];
    expect(features).toEqual(expect.arrayContaining(['rsi(period=14;close)', 'sma(period=20;volume)']));
    expect(outcome.containers.get('strategy_sma_crossover')!['filter']).toBe(filter);
  });

  it('locates an unknown indicator in a filter with a did-you-mean', async () => {
    await expect(
      loadWorkflow(CONFIG, { sets: ['strategies[0].filter=signal > 0 and rsii(14) < 70'] }),
    ).rejects.toSatisfy((err: unknown) => {
      const issue = (err as ConfigError).issues[0]!;
      return (
        issue.message === "unknown function 'rsii'" &&
        issue.hint === "did you mean 'rsi'?" &&
        issue.path.join('.') === 'strategies.0.filter'
      );
    });
  });

  it('explains bad indicator arguments', async () => {
    const err = await loadWorkflow(CONFIG, { sets: ['strategies[0].filter=rsi(-3) < 70'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0]!.message).toMatch(/^rsi\(-3\): .*period/);
  });

  it('crosses_above / crosses_below as the entry gate give exactly the signals of trigger: cross', async () => {
    // sma_crossover (state) wants a side from its first bar; a filter passing only on a
    // cross bar lets it enter only there, and every later change of side is a cross too.
    const filter = 'crosses_above(sma(5), sma(20)) or crosses_below(sma(5), sma(20))';
    const filtered = await runConfig(CONFIG, {
      sets: ['topology=signal_generation', `strategies[0].filter=${filter}`],
    });
    const cross = await runConfig(CONFIG, {
      sets: ['topology=signal_generation', 'strategies[0].params.trigger=cross'],
    });
    const state = await runConfig(CONFIG, { sets: ['topology=signal_generation'] });
    const strip = (o: typeof filtered) => o.signals!.map((s) => [s.seq, s.direction]);
    expect(strip(cross).length).toBeGreaterThan(100);
    expect(strip(filtered)).toEqual(strip(cross));
    expect(strip(state)[0]).not.toEqual(strip(cross)[0]);
  });

  it('a lagged filter reads the previous bars of its own symbol: close > prev(close, 1) and close > highest(prev(high, 1), 3)', async () => {
    const filter = 'close > prev(close, 1) and close > highest(prev(high, 1), 3)';
    const outcome = await runConfig(CONFIG, { sets: ['topology=signal_generation', `strategies[0].filter=${filter}`] });
    const bars = loadSpyBars();
    const entries = outcome.signals!.filter((s) => s.direction !== 0);
    expect(entries.length).toBeGreaterThan(50);
    for (const s of entries) {
      const i = s.seq;
      expect(bars[i]!.close).toBeGreaterThan(bars[i - 1]!.close);
      expect(bars[i]!.close).toBeGreaterThan(Math.max(bars[i - 1]!.high, bars[i - 2]!.high, bars[i - 3]!.high));
    }
  });

  it('refuses close[1] with the way to write a lagged value', async () => {
    const err = await loadWorkflow(CONFIG, { sets: ['strategies[0].filter=close[1] > close'] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    const issue = (err as ConfigError).issues[0]!;
    expect(issue.message).toBe('indexing (close[1]) is not allowed: write a lagged value as prev(close, 1)');
    expect(issue.hint).toMatch(/^series functions: prev\(x, n\), crosses_above/);
  });

  it('keeps highest(high, 20) an indicator of the hub; highest of an expression is a series function', async () => {
    const loaded = await loadWorkflow(CONFIG, {
      sets: ['strategies[0].filter=close > highest(high, 20) or close > highest(close - open, 5)'],
    });
    const f = loaded.wf.strategies[0]!.filter!;
    expect(f.features.map((x) => x.request.indicator)).toEqual(['highest']);
    expect(f.stateful).toBe(true);
    expect(f.lookback).toBe(4);
    // With one argument it is the indicator on its default input, as before.
    const one = (await loadWorkflow(CONFIG, { sets: ['strategies[0].filter=close >= highest(20)'] })).wf.strategies[0]!
      .filter!;
    expect(one.features.map((x) => x.request)).toEqual([{ indicator: 'highest', params: { period: 20 } }]);
    expect(one.stateful).toBe(false);
  });

  it('examples/spy-event-cross.yaml: every entry is within 5 bars of a cross above and breaks the 5 prior highs (checked independently)', async () => {
    const outcome = await runConfig('examples/spy-event-cross.yaml', { sets: ['topology=signal_generation'] });
    expect(outcome.status).toBe('completed');
    const bars = loadSpyBars();
    const sma = (i: number, p: number) =>
      i < p - 1 ? NaN : bars.slice(i - p + 1, i + 1).reduce((a, b) => a + b.close, 0) / p;
    // Bars where SMA(10) crosses above SMA(30), against the last non-zero difference.
    const crossUp: boolean[] = [];
    let last = 0;
    for (let i = 0; i < bars.length; i++) {
      const d = sma(i, 10) - sma(i, 30);
      const sign = d > 0 ? 1 : d < 0 ? -1 : 0;
      crossUp.push(sign === 1 && last === -1);
      if (sign !== 0) last = sign;
    }
    const longs = outcome.signals!.filter((s) => s.direction === 1);
    expect(longs.length).toBeGreaterThan(50);
    for (const s of longs) {
      const i = s.seq;
      expect(crossUp.slice(i - 5, i + 1).some(Boolean), `bar ${i}`).toBe(true);
      expect(bars[i]!.close).toBeGreaterThan(Math.max(...bars.slice(i - 5, i).map((b) => b.high)));
    }
  });

  it('a composite member with a series filter sees every bar too: prev() is the previous bar, also in an ensemble', async () => {
    const member =
      "{ type: sma_crossover, params: { fast_period: 5, slow_period: 20 }, filter: 'close > prev(close, 1) and prev(close, 1) > prev(close, 2)' }";
    const outcome = await runConfig(CONFIG, {
      sets: ['topology=signal_generation', `strategies[0]={ type: ensemble, members: [ ${member} ] }`],
    });
    expect(outcome.status).toBe('completed');
    const bars = loadSpyBars();
    const entries = outcome.signals!.filter((s) => s.direction !== 0);
    expect(entries.length).toBeGreaterThan(50);
    for (const s of entries) {
      const i = s.seq;
      expect(bars[i]!.close, `bar ${i}`).toBeGreaterThan(bars[i - 1]!.close);
      expect(bars[i - 1]!.close, `bar ${i}`).toBeGreaterThan(bars[i - 2]!.close);
    }
  });

  it("keeps a series filter per symbol: with two symbols, prev(close, 1) is the previous bar of the signal's own symbol", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-filter-'));
    try {
      // SPY's first 1,500 bars, and a second symbol on every third timestamp at a fifth of the price.
      const lines = readFileSync('examples/data/SPY_5m.csv', 'utf8').trim().split('\n').slice(0, 1501);
      const other = [
        lines[0]!,
        ...lines
          .slice(1)
          .filter((_, i) => i % 3 === 1)
          .map((l) => {
            const [ts, ...v] = l.split(',');
            return [ts, ...v.map((x, j) => (j < 4 ? (Number(x) / 5).toFixed(4) : x))].join(',');
          }),
      ];
      writeFileSync(join(dir, 'SPY.csv'), `${lines.join('\n')}\n`);
      writeFileSync(join(dir, 'AAA.csv'), `${other.join('\n')}\n`);
      const file = join(dir, 'two.yaml');
      writeFileSync(
        file,
        `name: two\ntopology: signal_generation\ndata:\n  timeframe: 5m\n  sources:\n    - { symbol: SPY, path: SPY.csv }\n    - { symbol: AAA, path: AAA.csv }\nstrategies:\n  - type: sma_crossover\n    params: { fast_period: 5, slow_period: 20 }\n    filter: "close > prev(close, 1)"\n`,
      );
      const outcome = await runConfig(file, { source: (wf) => openWorkflowSource(wf) });
      expect(outcome.status).toBe('completed');
      const closes = (rows: string[]) => rows.slice(1).map((l) => Number(l.split(',')[4]));
      const bySymbol: Record<string, number[]> = { SPY: closes(lines), AAA: closes(other) };
      const entries = outcome.signals!.filter((r) => r.direction !== 0);
      expect(new Set(entries.map((r) => r.symbol))).toEqual(new Set(['SPY', 'AAA']));
      for (const r of entries) {
        const c = bySymbol[r.symbol]!;
        expect(c[r.bar_index]!, `${r.symbol} bar ${r.bar_index}`).toBeGreaterThan(c[r.bar_index - 1]!);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
