import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { regimeSwitchStrategy, type RegimeEntry } from '../../../src/domain/composition/regime-switch.ts';
import { MemberRunner, type EntryFilter, type Member } from '../../../src/domain/composition/member.ts';
import { bar } from '../strategies/run-strategy.ts';
import { dirs, member, play } from './scripted.ts';

describe('regime_switch', () => {
  it('follows the member of the current regime, every member running every bar', () => {
    const upCalls = { n: 0 };
    const downCalls = { n: 0 };
    const def = regimeSwitchStrategy(
      'trend',
      new Map<string, RegimeEntry>([
        ['up', member([null, 1, 1, 0, 1, 1], upCalls)],
        ['down', member([-1, -1, 0, -1, -1, 1], downCalls)],
        ['calm', 'flat'],
      ]),
      member([1, 1, 1, 1, -1, -1]),
    );
    const regimes = [
      { trend: '' },
      { trend: 'up' },
      { trend: 'down' },
      { trend: 'calm' },
      { trend: 'other' },
      { trend: 'down' },
    ];
    expect(dirs(play(def, 6, regimes))).toEqual([null, 1, 0, 0, -1, 1]);
    expect([upCalls.n, downCalls.n]).toEqual([6, 6]);
  });

  it("is silent while the chosen member warms up or the classifier has no label yet; 'flat' otherwise by default", () => {
    const def = regimeSwitchStrategy('vol', new Map([['high', member([null, null, -1, -1])]]), 'flat');
    expect(dirs(play(def, 4, [{ vol: 'high' }, { vol: '' }, { vol: 'low' }, { vol: 'high' }]))).toEqual([
      null,
      null,
      0,
      -1,
    ]);
    // No context at all (a caller without classifiers): silent.
    expect(dirs(play(def, 1))).toEqual([null]);
  });
});

describe('member filters', () => {
  // A filter that passes only while `ok` (a regime name here) is 'yes', reading close too.
  const filter: EntryFilter = {
    text: "gate == 'yes' and close > 0",
    test: (s) => s['gate'] === 'yes' && (s['close'] as number) > 0,
    features: [],
  };
  const gated = (script: (-1 | 0 | 1 | null)[]): Member => ({ ...member(script), filter });

  it('gate entries like the container does: blocked entries wait, exits always pass', () => {
    const runner = new MemberRunner(gated([1, 1, 1, 0, -1, -1, 1]), 0);
    const gates = ['no', 'no', 'yes', 'no', 'no', 'yes', 'no'];
    const out = gates.map((g, t) => runner.step([], bar(t, 100), { regimes: { gate: g } })?.direction ?? null);
    // bar 0–1: wants long, blocked; bar 2: passes; bar 3: exit passes while blocked;
    // bar 4: wants short, blocked; bar 5: passes; bar 6: reversal to long blocked → flat.
    expect(out).toEqual([0, 0, 1, 0, 0, -1, 0]);
  });

  it("reads its own features after the member's", () => {
    const def = {
      name: 'reader',
      description: '',
      params: z.record(z.string(), z.unknown()),
      features: () => [{ indicator: 'sma', params: { period: 3 } }],
      create: () => () => ({ direction: 1 as const, strength: 1 }),
    };
    const m: Member = {
      definition: def,
      params: {},
      filter: {
        text: 'rsi(14) < 70',
        test: (s) => (s['__feature_0'] as number) < 70,
        features: [{ name: '__feature_0', request: { indicator: 'rsi', params: { period: 14 } } }],
      },
    };
    const runner = new MemberRunner(m, 1);
    expect(runner.width).toBe(2);
    // features of the composite: [other member's, sma, rsi]
    expect(runner.step([0, 1, 80], bar(0, 1), { regimes: {} })!.direction).toBe(0);
    expect(runner.step([0, 1, 60], bar(1, 1), { regimes: {} })!.direction).toBe(1);
  });
});
