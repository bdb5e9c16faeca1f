import { describe, expect, it } from 'vitest';
import { rankFeature, rotation, rotationWeights } from '../../../src/domain/strategies/rotation.ts';
import { defineStrategy, DefinitionError } from '../../../src/domain/define.ts';
import { resolveFeature } from '../../../src/domain/indicators/feature-key.ts';
import { z } from 'zod';

const base = { top_n: 2, weights: 'equal' as const, gross_exposure: 1, max_weight: 1 };

describe('rotationWeights', () => {
  it('holds the best top_n at equal weight; equal scores go to the first symbol', () => {
    expect([...rotationWeights(Float64Array.of(3, 7, 7, 1), base)]).toEqual([0, 0.5, 0.5, 0]);
    expect([...rotationWeights(Float64Array.of(5, 5, 5), { ...base, top_n: 1 })]).toEqual([1, 0, 0]);
    expect([...rotationWeights(Float64Array.of(-2, -1, -3), { ...base, top_n: 1 })]).toEqual([0, 1, 0]);
  });

  it('score weights are in proportion to the positive scores; none positive is all cash', () => {
    expect([...rotationWeights(Float64Array.of(30, 10, 1), { ...base, weights: 'score' })]).toEqual([0.75, 0.25, 0]);
    expect([...rotationWeights(Float64Array.of(4, -1, -2), { ...base, weights: 'score' })]).toEqual([1, 0, 0]);
    expect([...rotationWeights(Float64Array.of(-4, -1, -2), { ...base, weights: 'score' })]).toEqual([0, 0, 0]);
  });

  it('scales to gross_exposure, then caps each symbol at max_weight (the cut stays cash)', () => {
    expect([
      ...rotationWeights(Float64Array.of(30, 10, 1), {
        ...base,
        weights: 'score',
        gross_exposure: 0.8,
        max_weight: 0.5,
      }),
    ]).toEqual([0.5, 0.2, 0]);
    expect(
      [...rotationWeights(Float64Array.of(1, 2, 3), { ...base, top_n: 3, gross_exposure: 1.5 })].map(
        (w) => +w.toFixed(12),
      ),
    ).toEqual([0.5, 0.5, 0.5]);
  });
});

describe('rotation schedule', () => {
  const section = (scores: number[], session = 0, ts = 0) => ({
    ts,
    session,
    symbols: ['A', 'B'],
    features: [Float64Array.from(scores)],
  });

  it('waits for every score, rebalances at the first complete one, then every K', () => {
    const logic = rotation.crossSection!(rotation.params.parse({ top_n: 1, rebalance: { every: 3 } }));
    const out = [
      [NaN, 1],
      [2, 1],
      [1, 2],
      [1, 2],
      [1, 2],
      [1, 2],
    ].map((s) => logic(section(s)));
    expect(out.map((w) => (w === null ? null : [...w]))).toEqual([null, [1, 0], null, null, [0, 1], null]);
  });

  it('every: session rebalances at the first complete timestamp of each session', () => {
    const logic = rotation.crossSection!(rotation.params.parse({ top_n: 1, rebalance: { every: 'session' } }));
    const out = [0, 0, 1, 1, 1, 2].map((day, i) => logic(section([i, 0], day)));
    expect(out.map((w) => w !== null)).toEqual([true, false, true, false, false, true]);
  });
});

describe('rank_by', () => {
  it('is an indicator call whose arguments map onto the params as a filter call does', () => {
    const req = rankFeature('roc(60)')!;
    expect(resolveFeature(req).featureKey).toBe('roc(period=60;close)');
    expect(resolveFeature(rankFeature('sma(volume, 20)')!).featureKey).toBe('sma(period=20;volume)');
    expect(rankFeature('roc(60')).toBeUndefined();
    expect(rotation.params.safeParse({ rank_by: 'roc(60' }).success).toBe(false);
    expect(() => resolveFeature(rankFeature('rocc(60)')!)).toThrow(/unknown indicator 'rocc'.*did you mean 'roc'/);
  });
});

describe('defineStrategy', () => {
  it('takes create or crossSection, exactly one', () => {
    const common = { name: 'x', description: 'x', params: z.strictObject({}), features: () => [] };
    expect(() => defineStrategy(common)).toThrow(DefinitionError);
    expect(() => defineStrategy({ ...common, create: () => () => null, crossSection: () => () => null })).toThrow(
      /exactly one/,
    );
    expect(defineStrategy({ ...common, crossSection: () => () => null }).name).toBe('x');
  });
});
