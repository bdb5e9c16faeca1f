import { z } from 'zod';
import { FLAT } from '../strategies/decision.ts';
import type { StrategyDecision, StrategyDefinition, StrategyLogic } from '../strategies/strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from '../strategies/per-bar-columns.ts';
import { layoutMembers, MemberRunner, withMembers, type Member } from './member.ts';

/** What a regime maps to: a member strategy, or 'flat' (no position in that regime). */
export type RegimeEntry = Member | 'flat';

/**
 * A conditional strategy as one strategy definition: on each bar it follows the member
 * mapped to the current regime of `classifier` (read from the logic's context), or
 * `otherwise` for a regime the map does not name.
 *
 * Every member runs on every bar, whichever regime is current, so a member taking over
 * after a regime change has warm state (its indicators and its own hold/exit memory).
 * Silent (null) until the classifier has given its first label, and while the chosen
 * member is itself silent (warming up): the container then keeps its current direction.
 * The features are the members' concatenated, in the order regimes, then otherwise.
 */
export function regimeSwitchStrategy(
  classifier: string,
  regimes: ReadonlyMap<string, RegimeEntry>,
  otherwise: RegimeEntry,
): StrategyDefinition {
  const entries = [...regimes.values(), otherwise];
  const members = entries.filter((e): e is Member => e !== 'flat');
  const { features, offsets } = layoutMembers(members);
  // Per entry: the index of its member runner, or -1 for flat.
  const runnerOf: number[] = [];
  let next = 0;
  for (const e of entries) runnerOf.push(e === 'flat' ? -1 : next++);
  const entryOf: Record<string, number> = Object.create(null) as Record<string, number>;
  [...regimes.keys()].forEach((label, i) => (entryOf[label] = i));
  const otherwiseEntry = entries.length - 1;
  // defineStrategy with per-bar columns: the fused path runs the same logic (the
  // members' own, and the regimes it reads from its context) bar after bar over a chunk.
  return withMembers(
    defineStrategy(
      withPerBarColumns({
        name: 'regime_switch',
        description: `by the regime of '${classifier}'`,
        params: z.record(z.string(), z.unknown()),
        features: () => features,
        create: (): StrategyLogic => {
          const runners = members.map((m, i) => new MemberRunner(m, offsets[i]!));
          const decisions: (StrategyDecision | null)[] = runners.map(() => null);
          return (values, bar, context) => {
            for (let i = 0; i < runners.length; i++) decisions[i] = runners[i]!.step(values, bar, context);
            const label = context?.regimes[classifier];
            if (label === undefined || label === '') return null;
            const runner = runnerOf[entryOf[label] ?? otherwiseEntry]!;
            return runner < 0 ? FLAT : decisions[runner]!;
          };
        },
      }),
    ),
    members,
  );
}
