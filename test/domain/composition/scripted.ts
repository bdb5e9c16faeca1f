import { z } from 'zod';
import { fixedDecision } from '../../../src/domain/strategies/decision.ts';
import type { StrategyDecision, StrategyDefinition, StrategyLogic } from '../../../src/domain/strategies/strategy.ts';
import type { Member } from '../../../src/domain/composition/member.ts';
import type { Direction } from '../../../src/events/index.ts';
import { bar } from '../strategies/run-strategy.ts';

/**
 * A strategy that plays a script: on its n-th call it returns direction script[n]
 * (null: warming up). `calls` counts calls per logic instance, so tests can see that a
 * composite runs every member on every bar.
 */
export function scripted(script: readonly (Direction | null)[], calls: { n: number } = { n: 0 }): StrategyDefinition {
  return {
    name: 'scripted',
    description: 'plays a script',
    params: z.record(z.string(), z.unknown()),
    features: () => [],
    create: (): StrategyLogic => {
      let i = 0;
      return () => {
        calls.n++;
        const d = script[i++];
        return d === null || d === undefined ? null : fixedDecision(d);
      };
    },
  };
}

/** A member from a scripted strategy. */
export function member(script: readonly (Direction | null)[], calls?: { n: number }): Member {
  return { definition: scripted(script, calls), params: {}, filter: undefined };
}

/** Runs a composite definition's logic over `bars` bars with the regimes each bar; copies decisions. */
export function play(
  def: StrategyDefinition,
  bars: number,
  regimes: (Record<string, string> | undefined)[] = [],
  features: readonly (readonly number[])[] = [],
): (StrategyDecision | null)[] {
  const logic = def.create!({});
  const out: (StrategyDecision | null)[] = [];
  for (let t = 0; t < bars; t++) {
    const r = regimes[t];
    const d = logic(features[t] ?? [], bar(t, 100), r === undefined ? undefined : { regimes: r });
    out.push(d === null ? null : { direction: d.direction, strength: d.strength });
  }
  return out;
}

/** Directions only. */
export const dirs = (ds: readonly (StrategyDecision | null)[]): (number | null)[] =>
  ds.map((d) => (d === null ? null : d.direction));
