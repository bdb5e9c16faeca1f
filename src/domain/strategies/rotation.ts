import { z } from 'zod';
import type { CrossSection, CrossSectionLogic, FeatureRequest } from './strategy.ts';
import { defineStrategy } from '../define.ts';

/** `roc(60)`, `momentum(20)`, `sma(volume, 20)`, `rsi`: an indicator call as filters write it. */
const CALL = /^\s*([a-z][a-z0-9_]*)\s*(?:\(([^()]*)\))?\s*$/;
const NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Reads `rank_by` into a feature request with positional arguments (the feature hub maps
 * them onto the indicator's params); undefined when it is not a call.
 */
export function rankFeature(text: string): FeatureRequest | undefined {
  const m = CALL.exec(text);
  if (m === null) return undefined;
  const args: (number | string)[] = [];
  const inner = m[2]?.trim() ?? '';
  if (inner !== '') {
    for (const raw of inner.split(',')) {
      const a = raw.trim();
      const n = Number(a);
      if (a !== '' && Number.isFinite(n)) args.push(n);
      else if (NAME.test(a)) args.push(a);
      else return undefined;
    }
  }
  return { indicator: m[1]!, params: {}, args, param: 'rank_by' };
}

const params = z
  .strictObject({
    rank_by: z
      .string()
      .refine((s) => rankFeature(s) !== undefined, {
        message: "expected an indicator call such as 'roc(60)' or 'momentum(20)'",
      })
      .default('roc(60)')
      .describe(
        'The feature symbols are ranked by, highest first: any indicator, as a call (roc(60), momentum(20), rsi(14)).',
      ),
    top_n: z.number().int().positive().default(1).describe('How many of the best-ranked symbols to hold.'),
    weights: z
      .enum(['equal', 'score'])
      .default('equal')
      .describe(
        'equal: each held symbol gets gross_exposure / top_n; score: shares proportional to the (positive) scores.',
      ),
    rebalance: z
      .strictObject({
        every: z
          .union([z.number().int().positive(), z.literal('session')])
          .describe("Rebalance every K complete timestamps, or at the first one of each session ('session')."),
      })
      .default({ every: 20 })
      .describe('When to rebalance.'),
    gross_exposure: z
      .number()
      .positive()
      .max(10)
      .default(1)
      .describe('Sum of the target weights, as a fraction of equity (1 = fully invested).'),
    max_weight: z
      .number()
      .positive()
      .max(10)
      .default(1)
      .describe("Cap on one symbol's weight, as a fraction of equity; what the cap cuts stays in cash."),
  })
  .describe('Cross-sectional rotation parameters.');

/** The params of a `rotation` strategy, as parsed. */
type RotationParams = z.infer<typeof params>;

/**
 * The target weights of one rebalance: symbols ranked by score, highest first (equal
 * scores by symbol, A before B, so runs are deterministic), the best `top_n` held:
 * `equal` weights them 1/top_n, `score` by their positive scores (a chosen symbol with a
 * score ≤ 0 gets nothing; none positive: all cash). Weights are then scaled to
 * `gross_exposure` and each is capped at `max_weight` (the cut stays cash).
 *
 * `symbols` are sorted, so the index order is the symbol order.
 */
export function rotationWeights(
  scores: Float64Array,
  p: Pick<RotationParams, 'top_n' | 'weights' | 'gross_exposure' | 'max_weight'>,
): Float64Array {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const held = order.slice(0, Math.min(p.top_n, order.length));
  const weights = new Float64Array(scores.length);
  if (p.weights === 'equal') {
    for (const i of held) weights[i] = 1 / held.length;
  } else {
    let sum = 0;
    for (const i of held) sum += Math.max(scores[i]!, 0);
    if (sum > 0) for (const i of held) weights[i] = Math.max(scores[i]!, 0) / sum;
  }
  for (let i = 0; i < weights.length; i++) weights[i] = Math.min(weights[i]! * p.gross_exposure, p.max_weight);
  return weights;
}

/**
 * `rotation(rank_by='roc(60)', top_n=1, weights=equal, rebalance={every: 20},
 * gross_exposure=1, max_weight=1)`: cross-sectional rotation over every symbol of the
 * data, one book with shared cash. At a timestamp on which every symbol has a bar, once
 * every symbol's `rank_by` is ready, it ranks them and holds the best `top_n`
 * (see {@link rotationWeights}); it rebalances then and every K such timestamps after
 * (or at the first one of each session). Orders fill at each symbol's next open. See
 * docs/portfolios.md.
 */
export const rotation = defineStrategy({
  name: 'rotation',
  description:
    'Ranks all symbols by a feature and holds the top N with shared cash, rebalancing every K bars or per session.',
  params,
  defaultGrid: { rank_by: ['roc(20)', 'roc(60)', 'roc(120)'], weights: ['equal', 'score'] },
  features: (p) => [rankFeature(p.rank_by)!],
  crossSection: (p): CrossSectionLogic => {
    const every = p.rebalance.every;
    // Complete timestamps with every score ready, counted from the first.
    let ready = 0;
    let lastSession = Number.NaN;
    return (section: CrossSection) => {
      const scores = section.features[0]!;
      for (const s of scores) if (Number.isNaN(s)) return null;
      const due = every === 'session' ? section.session !== lastSession : ready % every === 0;
      ready++;
      lastSession = section.session;
      return due ? rotationWeights(scores, p) : null;
    };
  },
});
