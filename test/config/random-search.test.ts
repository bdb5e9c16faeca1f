import { describe, expect, it } from 'vitest';
import { expandGrid, MAX_GRID_COMBINATIONS } from '../../src/config/grid.ts';
import { axesSize, combinationAt, gridAxes, sampleGrid } from '../../src/config/random-search.ts';
import { catchConfigError } from './catch-config-error.ts';

const SMALL = { fast: [5, 10, 20], slow: 'range(30, 70, 10)', ma: 'ema', opts: { band: 2 }, on: [true, false] };

/** 8 parameters of 1,000 values each: 10^24 combinations, far beyond 2^53. */
const HUGE = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`p${i}`, 'range(0, 1, 0.001)']));

const key = (c: Record<string, unknown>) => JSON.stringify(c);

describe('gridAxes / combinationAt', () => {
  it('decodes every index to the combination expandGrid puts there', () => {
    const axes = gridAxes(SMALL);
    const all = expandGrid(SMALL, { path: [] });
    expect(axesSize(axes)).toBe(BigInt(all.length));
    expect(all.length).toBe(3 * 4 * 2);
    all.forEach((combo, i) => expect(combinationAt(axes, BigInt(i))).toEqual(combo));
  });

  it('keeps the spec key order in each combination', () => {
    expect(Object.keys(combinationAt(gridAxes(SMALL), 5n))).toEqual(['fast', 'slow', 'ma', 'opts', 'on']);
  });

  it('has one empty combination for an empty spec', () => {
    expect(axesSize(gridAxes({}))).toBe(1n);
    expect(combinationAt(gridAxes({}), 0n)).toEqual({});
  });

  it('refuses an index outside the grid', () => {
    expect(() => combinationAt(gridAxes(SMALL), 24n)).toThrow(/outside the grid of 24/);
    expect(() => combinationAt(gridAxes(SMALL), -1n)).toThrow(RangeError);
  });

  it('reports every bad parameter at once, with its path', () => {
    const err = catchConfigError(() =>
      gridAxes({ a: 'range(5, 1, 1)', b: [], c: 3 }, { path: ['strategies', 0, 'params'] }),
    );
    expect(err.issues.map((i) => i.path)).toEqual([
      ['strategies', 0, 'params', 'a'],
      ['strategies', 0, 'params', 'b'],
    ]);
  });

  it('is not held to MAX_GRID_COMBINATIONS', () => {
    expect(axesSize(gridAxes(HUGE))).toBe(10n ** 24n);
    expect(10n ** 24n > BigInt(MAX_GRID_COMBINATIONS)).toBe(true);
  });
});

describe('sampleGrid', () => {
  it('draws distinct combinations of the grid', () => {
    const r = sampleGrid(SMALL, { samples: 10, seed: 1 });
    expect(r.combos).toHaveLength(10);
    expect(new Set(r.combos.map(key)).size).toBe(10);
    const all = new Set(expandGrid(SMALL, { path: [] }).map(key));
    for (const c of r.combos) expect(all.has(key(c))).toBe(true);
    r.combos.forEach((c, i) => expect(combinationAt(gridAxes(SMALL), r.indices[i]!)).toEqual(c));
    expect(r).toMatchObject({ space: 24n, drawn: 10, rejected: 0, stopped: 'samples' });
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const a = sampleGrid(SMALL, { samples: 8, seed: 99 });
    expect(sampleGrid(SMALL, { samples: 8, seed: 99 })).toEqual(a);
    expect(sampleGrid(SMALL, { samples: 8, seed: 100 }).indices).not.toEqual(a.indices);
  });

  it('returns the same combinations first when asked for more (a search can be extended)', () => {
    const few = sampleGrid(HUGE, { samples: 5, seed: 3 });
    const more = sampleGrid(HUGE, { samples: 20, seed: 3 });
    expect(more.combos.slice(0, 5)).toEqual(few.combos);
  });

  it('returns every combination exactly once when samples exceed the grid', () => {
    const r = sampleGrid(SMALL, { samples: 100, seed: 5 });
    expect(r.combos).toHaveLength(24);
    expect(new Set(r.indices).size).toBe(24);
    expect([...r.indices].sort((x, y) => (x < y ? -1 : 1))).toEqual(Array.from({ length: 24 }, (_, i) => BigInt(i)));
    expect(r).toMatchObject({ drawn: 24, stopped: 'exhausted' });
    // A shuffled order, not the grid order.
    expect(r.indices).not.toEqual([...r.indices].sort((x, y) => (x < y ? -1 : 1)));
  });

  it('keeps only combinations the constraint accepts and counts the others', () => {
    const rule = (c: Record<string, unknown>) => (c['slow'] as number) > (c['fast'] as number) * 3;
    const seen: Record<string, unknown>[] = [];
    const r = sampleGrid(SMALL, { samples: 100, seed: 2 }, (c) => {
      seen.push(c);
      return rule(c);
    });
    const expected = expandGrid(SMALL, { path: [] }).filter(rule);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(24);
    expect(r.combos).toHaveLength(expected.length);
    expect(r.combos.every(rule)).toBe(true);
    expect(r).toMatchObject({ drawn: 24, rejected: 24 - expected.length, stopped: 'exhausted' });
    // Called once per draw, in draw order: the accepted ones are those it approved.
    expect(seen).toHaveLength(24);
    expect(seen.filter(rule)).toEqual(r.combos);
  });

  it('samples a grid of 10^24 without expanding it', () => {
    const r = sampleGrid(HUGE, { samples: 200, seed: 11 });
    expect(r.combos).toHaveLength(200);
    expect(r.space).toBe(10n ** 24n);
    expect(new Set(r.indices).size).toBe(200);
    expect(r.indices.some((i) => i > 2n ** 53n)).toBe(true);
    r.combos.forEach((c, i) => expect(combinationAt(gridAxes(HUGE), r.indices[i]!)).toEqual(c));
    for (const v of Object.values(r.combos[0]!)) expect(Number.isInteger(Math.round((v as number) * 1000))).toBe(true);
  });

  it('gives up after max_draws when the constraint rejects (almost) everything', () => {
    const r = sampleGrid(HUGE, { samples: 5, seed: 1, max_draws: 1000 }, () => false);
    expect(r).toMatchObject({ combos: [], drawn: 1000, rejected: 1000, stopped: 'max_draws' });
    const d = sampleGrid(HUGE, { samples: 5, seed: 1 }, () => false);
    expect(d.drawn).toBe(100_000);
  });

  it('draws each combination with equal probability', () => {
    // First draw over 2,400 seeds on a 12-combination grid: 200 expected per combination.
    const spec = { a: [1, 2, 3, 4], b: [1, 2, 3] };
    const counts = new Array<number>(12).fill(0);
    for (let seed = 0; seed < 2400; seed++) counts[Number(sampleGrid(spec, { samples: 1, seed }).indices[0])]!++;
    const chi = counts.reduce((s, c) => s + (c - 200) ** 2 / 200, 0);
    // 99.9th percentile of chi-square with 11 degrees of freedom is 31.3.
    expect(chi).toBeLessThan(31.3);
  });

  it('validates its options', () => {
    expect(() => sampleGrid(SMALL, { samples: 0, seed: 1 })).toThrow(/samples must be a whole number >= 1/);
    expect(() => sampleGrid(SMALL, { samples: 1.5, seed: 1 })).toThrow(/samples/);
    expect(() => sampleGrid(SMALL, { samples: 1, seed: -2 })).toThrow(/seed/);
    expect(() => sampleGrid(SMALL, { samples: 1, seed: 1, max_draws: 0 })).toThrow(/max_draws/);
    catchConfigError(() => sampleGrid({ a: 'range(1, 1)' }, { samples: 1, seed: 1 }));
  });
});
