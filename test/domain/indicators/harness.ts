import { expect } from 'vitest';
import type { BarInput, Indicator, PriceInput } from '../../../src/domain/indicators/indicator.ts';
import { getIndicator } from '../../../src/domain/registry.ts';

/** An indicator built through the catalogue, as the feature hub builds it. */
export interface Built {
  readonly indicator: Indicator;
  /** `definition.warmup(params)`: bars needed before the first value. */
  readonly warmup: number;
  readonly outputs: readonly string[];
}

/** Parses `params` through the catalogue schema and creates the indicator. */
export function build(name: string, params: Record<string, number | string>, input: PriceInput = 'close'): Built {
  const def = getIndicator(name);
  const p = def.params.parse(params);
  return { indicator: def.create(p, input), warmup: def.warmup(p), outputs: def.outputs };
}

/** Per-bar values of every output and the `ready` flag, after each update. */
export interface Run {
  readonly values: number[][];
  readonly ready: boolean[];
}

/** Feeds every bar and records every output after each one. */
export function run(ind: Indicator, bars: readonly BarInput[], outputs: number): Run {
  const values: number[][] = Array.from({ length: outputs }, () => []);
  const ready: boolean[] = [];
  for (const bar of bars) {
    ind.update(bar);
    for (let o = 0; o < outputs; o++) values[o]!.push(ind.value(o));
    ready.push(ind.ready);
  }
  return { values, ready };
}

/** Index of the first non-NaN entry, -1 when none. */
export function firstValue(xs: readonly number[]): number {
  return xs.findIndex((x) => !Number.isNaN(x));
}

/** |a - e| <= tol * max(1, |e|): relative for large values, absolute near 0. */
export function close(a: number, e: number, tol: number): boolean {
  return Math.abs(a - e) <= tol * Math.max(1, Math.abs(e));
}

/**
 * Asserts, bar by bar, that the run is not ready and all NaN before `first`, ready from
 * `first` on, and that every output matches `expected[output][t]` within `tol`
 * (see `close`). Reports the first mismatch only, to keep failures readable.
 */
export function expectSeries(actual: Run, expected: readonly (readonly number[])[], first: number, tol = 1e-9): void {
  const n = actual.ready.length;
  for (let t = 0; t < n; t++) {
    const ready = actual.ready[t]!;
    if (ready !== t >= first) expect.fail(`bar ${t}: ready=${ready}, expected ready from bar ${first}`);
    for (let o = 0; o < expected.length; o++) {
      const a = actual.values[o]![t]!;
      const e = expected[o]![t]!;
      if (t < first) {
        if (!Number.isNaN(a)) expect.fail(`bar ${t} output ${o}: ${a} before warm-up (first value at ${first})`);
      } else if (Number.isNaN(a) || !close(a, e, tol)) {
        expect.fail(`bar ${t} output ${o}: got ${a}, expected ${e}`);
      }
    }
  }
}

/**
 * No look-ahead: a fresh indicator fed bars 0..t gives, at t, exactly the values the
 * full-series run gave at t.
 */
export function expectNoLookAhead(
  make: () => Indicator,
  full: Run,
  bars: readonly BarInput[],
  at: readonly number[],
): void {
  for (const t of at) {
    const ind = make();
    for (let i = 0; i <= t; i++) ind.update(bars[i]!);
    for (let o = 0; o < full.values.length; o++) {
      expect(ind.value(o), `bar ${t} output ${o}`).toBe(full.values[o]![t]);
    }
  }
}

/** Bars from a list of closes (open = high = low = close), for price-only examples. */
export function closes(xs: readonly number[]): BarInput[] {
  return xs.map((c) => ({ open: c, high: c, low: c, close: c, volume: 0 }));
}
