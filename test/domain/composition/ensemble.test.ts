import { describe, expect, it } from 'vitest';
import { combineVotes, ensembleParams, ensembleStrategy } from '../../../src/domain/composition/ensemble.ts';
import { regimeSwitchStrategy } from '../../../src/domain/composition/regime-switch.ts';
import { MIN_STRENGTH } from '../../../src/domain/strategies/decision.ts';
import { dirs, member, play } from './scripted.ts';

const ones = (n: number) => Array.from({ length: n }, () => 1);

describe('combineVotes', () => {
  it.each([
    // directions, weights, threshold, score
    [[1, 1, -1], ones(3), 0.3, 1 / 3],
    [[1, 1, -1], ones(3), 0.5, 0],
    [[1, -1, -1], [3, 1, 1], 0.2, 0.2],
    [[1, -1, -1], [3, 1, 1], 0.25, 0],
    [[-1, -1, 0], ones(3), 0.5, -2 / 3],
    [[-1, 1], [1, 1], 0.5, 0],
    [[1, 1], [1, 1], 1, 1],
    [[0, 0], [1, 1], 0.5, 0],
  ])('weighted_vote %j × %j, threshold %f → %f', (d, w, threshold, score) => {
    expect(combineVotes('weighted_vote', threshold, d, w)).toBeCloseTo(score, 12);
  });

  it.each([
    [[1, 1, -1], 1 / 3],
    [[-1, -1, 1], -1 / 3],
    [[1, 0, -1], 0],
    [[1, 1, 0, 0], 0], // half is not a majority
    [[1, 1, 1, 0], 0.75],
    [[-1, -1, -1, 1, 0], -0.4],
    [[0, 0, 0], 0],
  ])('majority %j → %f (weights ignored)', (d, score) => {
    expect(combineVotes('majority', 0.5, d, [5, ...ones(d.length - 1)])).toBeCloseTo(score, 12);
  });

  it.each([
    [[1, 1, 1], 1],
    [[-1, -1], -1],
    [[1, 1, 0], 0],
    [[1, -1, 1], 0],
    [[0, 0], 0],
  ])('unanimous %j → %f', (d, score) => {
    expect(combineVotes('unanimous', 0.5, d, ones(d.length))).toBe(score);
  });
});

describe('ensemble', () => {
  const params = (p: Record<string, unknown>) => ensembleParams.parse(p);

  it('counts warming members as flat, is silent only while every member is, and uses the score as strength', () => {
    const def = ensembleStrategy(params({ rule: 'weighted_vote', threshold: 0.5 }), [
      { member: member([null, null, 1, 1, 1, -1, -1]), weight: 2 },
      { member: member([null, 1, 1, 0, -1, -1, -1]), weight: 1 },
      { member: member([null, null, null, 1, -1, -1, 0]), weight: 1 },
    ]);
    const d = play(def, 7);
    // bar 1: (0·2 + 1 + 0)/4 = 0.25 → flat; bar 2: (2 + 1)/4 = .75 → long; bar 3: (2 + 0 + 1)/4 = .75;
    // bar 4: (2 − 1 − 1)/4 = 0 → flat; bar 5: −1 → short; bar 6: (−2 − 1 + 0)/4 = −.75 → short.
    expect(dirs(d)).toEqual([null, 0, 1, 1, 0, -1, -1]);
    expect(d.map((x) => x?.strength)).toEqual([undefined, 0, 0.75, 0.75, 0, -1, -0.75]);
  });

  it('majority and unanimous over the same members', () => {
    const members = [member([1, 1, -1, 1]), member([1, -1, -1, 0]), member([0, 1, -1, 1])];
    const majority = play(
      ensembleStrategy(
        params({ rule: 'majority' }),
        members.map((m) => ({ member: m, weight: 1 })),
      ),
      4,
    );
    expect(dirs(majority)).toEqual([1, 1, -1, 1]);
    expect(majority.map((x) => x!.strength)).toEqual([2 / 3, 1 / 3, -1, 2 / 3]);
    const unanimous = play(
      ensembleStrategy(
        params({ rule: 'unanimous' }),
        members.map((m) => ({ member: m, weight: 1 })),
      ),
      4,
    );
    expect(dirs(unanimous)).toEqual([0, 0, -1, 0]);
  });

  it('strength never drops below MIN_STRENGTH when not flat', () => {
    const many = Array.from({ length: 2001 }, (_, i) => ({ member: member([i <= 1000 ? 1 : -1]), weight: 1 }));
    const [d] = play(ensembleStrategy(params({ rule: 'majority' }), many), 1);
    expect(d!.direction).toBe(1);
    expect(d!.strength).toBe(MIN_STRENGTH);
  });

  it("concatenates members' features and hands each member its own slice", () => {
    const reader = (k: number) => ({
      definition: {
        name: 'reader',
        description: '',
        params: ensembleParams,
        features: () => Array.from({ length: k }, (_, i) => ({ indicator: 'sma', params: { period: 10 + i } })),
        create: () => (f: ArrayLike<number>) => ({
          direction: Math.sign(f[k - 1]!) as -1 | 0 | 1,
          strength: Math.sign(f[k - 1]!),
        }),
      },
      params: {},
      filter: undefined,
    });
    const def = ensembleStrategy(params({ rule: 'unanimous' }), [
      { member: reader(2), weight: 1 },
      { member: reader(1), weight: 1 },
    ]);
    expect(def.features({}).map((f) => f.params['period'])).toEqual([10, 11, 10]);
    // Member 0 reads f[1], member 1 reads f[2].
    expect(
      dirs(
        play(
          def,
          3,
          [],
          [
            [-5, 1, 1],
            [5, 1, -1],
            [5, -1, -1],
          ],
        ),
      ),
    ).toEqual([1, 0, -1]);
  });

  it('nests: a regime_switch member inside an ensemble reads the regimes', () => {
    const inner = regimeSwitchStrategy(
      'trend',
      new Map([
        ['up', member([1, 1, 1, 1])],
        ['down', member([-1, -1, -1, -1])],
      ]),
      'flat',
    );
    const def = ensembleStrategy(params({ rule: 'unanimous' }), [
      { member: { definition: inner, params: {}, filter: undefined }, weight: 1 },
      { member: member([1, 1, -1, -1]), weight: 1 },
    ]);
    const regimes = [{ trend: '' }, { trend: 'up' }, { trend: 'down' }, { trend: 'other' }];
    // bar 0: inner silent (no regime yet) → flat vote, other long → not unanimous.
    expect(dirs(play(def, 4, regimes))).toEqual([0, 1, -1, 0]);
  });
});
