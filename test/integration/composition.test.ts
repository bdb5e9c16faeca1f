import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rsi } from '../../src/domain/indicators/rsi.ts';
import type { StrategyDecision } from '../../src/domain/strategies/strategy.ts';
import type { PhaseOutcome } from '../../src/sequencer/run-phase.ts';
import { loadSpyBars } from '../helpers/spy.ts';
import { runConfig } from '../helpers/run.ts';
import { runStrategy } from '../domain/strategies/run-strategy.ts';
import { runClassifier } from '../domain/classifiers/run-classifier.ts';
import { readSignalStore } from '../../src/signals/read-store.ts';

/**
 * test/fixtures/configs/spy-composite.yaml run through the engine (signal_generation),
 * against the same composites computed here from their members' logic run directly,
 * bar by bar, with the combination rules, filters, regime choice and the container's
 * signal rule written out again.
 */
const FIXTURE = 'test/fixtures/configs/spy-composite.yaml';
const bars = loadSpyBars();
const FLAT: StrategyDecision = { direction: 0, strength: 0 };
type Decisions = (StrategyDecision | null)[];
interface Row {
  seq: number;
  direction: number;
  strength: number;
}

/** The regime in force at every bar: the last label so far, '' before the first. */
function regimes(name: string, params: Record<string, unknown>): string[] {
  let current = '';
  return runClassifier(name, params, bars).map((l) => (current = l ?? current));
}

/** A member's decisions with an entry filter: entries wait for the filter, exits pass. */
function gate(ds: Decisions, pass: (t: number, d: StrategyDecision) => boolean): Decisions {
  let held = 0;
  return ds.map((d, t) => {
    if (d === null || d.direction === held) return d;
    if (d.direction !== 0 && !pass(t, d)) {
      held = 0;
      return FLAT;
    }
    held = d.direction;
    return d;
  });
}

/** The container: a row when the direction changes; a filter blocks entries into flat. */
function signals(ds: Decisions, pass?: (t: number, d: StrategyDecision) => boolean): Row[] {
  const rows: Row[] = [];
  let held = 0;
  ds.forEach((d, t) => {
    if (d === null || d.direction === held) return;
    let { direction, strength } = d;
    if (pass !== undefined && direction !== 0 && !pass(t, d)) {
      direction = 0;
      strength = 0;
      if (held === 0) return;
    }
    held = direction;
    rows.push({ seq: t, direction, strength });
  });
  return rows;
}

const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);
const decision = (score: number): StrategyDecision => ({
  direction: sign(score),
  strength: score === 0 ? 0 : Math.sign(score) * Math.max(Math.abs(score), 0.001),
});

const rounded = (rows: readonly Row[]) => rows.map((r) => ({ ...r, strength: Math.round(r.strength * 1e9) / 1e9 }));

describe('composite strategies on SPY 5m equal their members run directly', () => {
  let outcome: PhaseOutcome;
  let dir: string;
  const trend = regimes('trend_regime', { period: 14, adx_threshold: 20, ma: 'ema', ma_period: 50, slope_bars: 5 });
  const vol = regimes('volatility_regime', { period: 14, lookback: 100, low_pct: 25, high_pct: 75 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-composite-'));
    outcome = await runConfig(FIXTURE, { phaseDir: dir });
    expect(outcome.status).toBe('completed');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const engine = (id: string): Row[] =>
    outcome
      .signals!.filter((s) => s.strategy_id === id)
      .map(({ seq, direction, strength }) => ({ seq, direction, strength }));

  it('weighted vote: sma_crossover ×2, rsi_threshold, macd_crossover gated on the volatility regime', () => {
    const sma = runStrategy('sma_crossover', { fast_period: 10, slow_period: 30 }, bars);
    const rsi = runStrategy('rsi_threshold', { period: 14 }, bars);
    const macd = gate(runStrategy('macd_crossover', {}, bars), (t) => vol[t] !== 'high');
    const combined = bars.map((_, t) => {
      const ds = [sma[t]!, rsi[t]!, macd[t]!];
      if (ds.every((d) => d === null)) return null;
      const s = (2 * (ds[0]?.direction ?? 0) + (ds[1]?.direction ?? 0) + (ds[2]?.direction ?? 0)) / 4;
      return decision(s >= 0.5 || s <= -0.5 ? s : 0);
    });
    const expected = signals(combined);
    expect(expected.length).toBeGreaterThan(200);
    expect(rounded(engine('vote'))).toEqual(rounded(expected));
  });

  it('regime switch on the trend regime: ema_crossover up, donchian_breakout down, flat when ranging', () => {
    const up = runStrategy('ema_crossover', { fast_period: 12, slow_period: 26 }, bars);
    const down = runStrategy('donchian_breakout', {}, bars);
    const chosen = bars.map((_, t) =>
      trend[t] === '' ? null : trend[t] === 'trending_up' ? up[t]! : trend[t] === 'trending_down' ? down[t]! : FLAT,
    );
    const expected = signals(chosen);
    expect(expected.length).toBeGreaterThan(200);
    // Both members trade: longs in up-trends and (donchian) shorts in down-trends.
    expect(expected.some((r) => r.direction === 1 && trend[r.seq] === 'trending_up')).toBe(true);
    expect(expected.some((r) => r.direction === -1 && trend[r.seq] === 'trending_down')).toBe(true);
    expect(rounded(engine('switch'))).toEqual(rounded(expected));
  });

  it('nesting: majority of sma_crossover, a regime switch on volatility and adx_trend, filtered by trend regime and RSI', () => {
    const sma = runStrategy('sma_crossover', { fast_period: 5, slow_period: 20 }, bars);
    const low = runStrategy('rsi_threshold', {}, bars);
    const other = runStrategy('momentum_sign', {}, bars);
    const inner = bars.map((_, t) =>
      vol[t] === '' ? null : vol[t] === 'low' ? low[t]! : vol[t] === 'high' ? FLAT : other[t]!,
    );
    const adx = runStrategy('adx_trend', {}, bars);
    const combined = bars.map((_, t) => {
      const ds = [sma[t]!, inner[t]!, adx[t]!];
      if (ds.every((d) => d === null)) return null;
      const longs = ds.filter((d) => d?.direction === 1).length;
      const shorts = ds.filter((d) => d?.direction === -1).length;
      return decision(2 * longs > 3 || 2 * shorts > 3 ? (longs - shorts) / 3 : 0);
    });
    const rsi = new Rsi(14);
    const rsiAt = bars.map((b) => {
      rsi.update(b);
      return rsi.value();
    });
    const expected = signals(combined, (t) => trend[t] !== 'ranging' && rsiAt[t]! < 70);
    expect(expected.length).toBeGreaterThan(100);
    expect(rounded(engine('nested'))).toEqual(rounded(expected));
  });

  it('stores every regime change, and only changes, in signals/regimes.parquet', async () => {
    const rows = (await readSignalStore(join(dir, 'signals'))).regimes;
    const changes = (labels: string[], id: string) =>
      labels.flatMap((l, t) =>
        l !== '' && l !== (labels[t - 1] ?? '') ? [{ seq: t, classifier: id, regime: l }] : [],
      );
    for (const [id, labels] of [
      ['trend', trend],
      ['vol', vol],
    ] as const) {
      const expected = changes(labels, id);
      expect(expected.length).toBeGreaterThan(50);
      expect(
        rows.filter((r) => r.classifier === id).map(({ seq, classifier, regime }) => ({ seq, classifier, regime })),
      ).toEqual(expected);
      expect(outcome.containers.get(`classifier_${id}`)!['regime_changes']).toBe(expected.length);
    }
    expect(rows[0]!.ts).toBe(bars[rows[0]!.seq]!.ts);
    expect(rows.every((r) => r.bar_index === r.seq)).toBe(true);
    expect(outcome.containers.get('signals')!['regime_rows']).toBe(rows.length);
    expect(outcome.files).toContain('signals/regimes.parquet');
  });

  it('a backtest of the same config trades every composite', async () => {
    const bt = await runConfig(FIXTURE, { sets: ['topology=backtest'] });
    expect(bt.status).toBe('completed');
    expect(bt.books.map((b) => [b.key, b.type])).toEqual([
      ['vote', 'ensemble'],
      ['switch', 'regime_switch'],
      ['nested', 'ensemble'],
    ]);
    for (const b of bt.books) expect(b.metrics.trade_count, b.key).toBeGreaterThan(20);
  });
});
