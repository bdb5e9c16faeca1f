import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { DecisionBuffer } from '../strategies/decision.ts';
import type { StrategyDefinition, StrategyLogic } from '../strategies/strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from '../strategies/per-bar-columns.ts';
import { layoutMembers, MemberRunner, withMembers, type Member } from './member.ts';

/** How an ensemble turns its members' directions into one. */
export const ENSEMBLE_RULES = ['weighted_vote', 'majority', 'unanimous'] as const;
export type EnsembleRule = (typeof ENSEMBLE_RULES)[number];

/** The ensemble's own parameters (its members are given beside them). */
export const ensembleParams = z.strictObject({
  rule: z.enum(ENSEMBLE_RULES).default('weighted_vote'),
  threshold: z.number().gt(0).max(1).default(0.5),
});
export type EnsembleParams = z.infer<typeof ensembleParams>;

/** A member with its vote weight (only `weighted_vote` reads the weights). */
export interface WeightedMember {
  readonly member: Member;
  readonly weight: number;
}

/**
 * Combines members' directions (each −1, 0 or 1; a member still warming up counts 0) into
 * one signed score in [−1, 1], 0 meaning flat:
 *
 * - `weighted_vote`: s = Σ wᵢ·dᵢ / Σ wᵢ. Long if s ≥ threshold, short if s ≤ −threshold,
 *   else flat; the result is s (so |s| is the strength). Directions vote, not strengths:
 *   a member's conviction does not change its vote.
 * - `majority`: long if more than half of all members are long, short if more than half
 *   are short, else flat; the result is (#long − #short) / n.
 * - `unanimous`: long (1) if every member is long, short (−1) if every member is short,
 *   else flat.
 *
 * `threshold` only applies to weighted_vote; weights only to weighted_vote.
 */
export function combineVotes(
  rule: EnsembleRule,
  threshold: number,
  directions: ArrayLike<number>,
  weights: ArrayLike<number>,
): number {
  const n = directions.length;
  if (rule === 'weighted_vote') {
    let sum = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      sum += w * directions[i]!;
      total += w;
    }
    const s = total > 0 ? sum / total : 0;
    return s >= threshold || s <= -threshold ? (s > 1 ? 1 : s < -1 ? -1 : s) : 0;
  }
  let longs = 0;
  let shorts = 0;
  for (let i = 0; i < n; i++) {
    const d = directions[i]!;
    if (d > 0) longs++;
    else if (d < 0) shorts++;
  }
  if (rule === 'majority') return 2 * longs > n || 2 * shorts > n ? (longs - shorts) / n : 0;
  return n > 0 && longs === n ? 1 : n > 0 && shorts === n ? -1 : 0;
}

/**
 * An ensemble as one strategy definition: its features are its members' features
 * concatenated (the hub deduplicates equal ones), and its logic runs every member on
 * every bar and combines their directions with {@link combineVotes}. Strength is the
 * combined score (at least MIN_STRENGTH in magnitude when not flat). Silent (null) while
 * every member is silent; once one has an opinion, members still warming up count as flat.
 */
export function ensembleStrategy(params: EnsembleParams, members: readonly WeightedMember[]): StrategyDefinition {
  const { features, offsets } = layoutMembers(members.map((m) => m.member));
  const weights = Float64Array.from(members, (m) => m.weight);
  const { rule, threshold } = params;
  // defineStrategy with per-bar columns: the fused path runs the same logic (the
  // members' own, and the regimes it reads from its context) bar after bar over a chunk.
  return withMembers(
    defineStrategy(
      withPerBarColumns({
        name: 'ensemble',
        description: `${rule} of ${members.length} members`,
        params: z.record(z.string(), z.unknown()),
        features: () => features,
        create: (): StrategyLogic => {
          const runners = members.map((m, i) => new MemberRunner(m.member, offsets[i]!));
          const directions = new Float64Array(runners.length);
          const out = new DecisionBuffer();
          return (values, bar, context) => {
            let any = false;
            for (let i = 0; i < runners.length; i++) {
              const d = runners[i]!.step(values, bar, context);
              if (d === null) directions[i] = 0;
              else {
                any = true;
                directions[i] = d.direction;
              }
            }
            if (!any) return null;
            const score = combineVotes(rule, threshold, directions, weights);
            return out.set(Math.sign(score) as Direction, score);
          };
        },
      }),
    ),
    members.map((m) => m.member),
  );
}
