import { z } from 'zod';
import type { CamelCaseKeys } from '../case-keys.ts';

/**
 * A strategy entry. `params` are checked against the strategy's own schema in a second
 * pass (after grid expansion), so that errors point at the parameter that is wrong.
 * A parameter's value may be a scalar, a list, or `range(start, stop, step)`.
 */
export const StrategyEntrySchema = z
  .object({
    type: z
      .string()
      .min(1)
      .describe("Strategy kind from the catalogue (`sluice list strategies`), e.g. 'sma_crossover'."),
    id: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, _ . - only')
      .optional()
      .describe('Id of the strategy (and its portfolio); default the type, suffixed when repeated.'),
    params: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Parameters; each may be a value, a list of values, or range(start, stop, step).'),
    grid: z
      .enum(['default'])
      .optional()
      .describe(
        "'default': start from the strategy's default optimization grid (see docs/strategies.md); params given here override it.",
      ),
    filter: z
      .string()
      .min(1)
      .optional()
      .describe(
        "An expression the signal must pass, else the strategy is flat, e.g. 'signal > 0 and volume > sma(volume, 20) * 1.2 and rsi(14) < 70'. Names: signal, strength, open, high, low, close, volume; indicator calls add features to the hub; `sma(50)@1h` computes one on higher bars (a multiple of data.timeframe up to 1d) cut from the data inside the run. Earlier bars: prev(x, n) (not x[n]), crosses_above(a, b), crosses_below(a, b), bars_since(cond), highest(x, n), lowest(x, n).",
      ),
    constraint: z
      .string()
      .min(1)
      .optional()
      .describe(
        "An expression over the parameters that every grid combination must satisfy, e.g. 'slow_period > fast_period * 2'; others are skipped.",
      ),
    members: z
      .array(z.record(z.string(), z.unknown()))
      .min(1)
      .optional()
      .describe(
        'type ensemble: the member strategies, each a strategy entry (type, params, grid, constraint, filter; or a nested ensemble / regime_switch) plus weight (default 1). Grids in members multiply into the ensemble.',
      ),
    classifier: z
      .string()
      .min(1)
      .optional()
      .describe('type regime_switch: id of the classifier (under classifiers:) whose regime picks the member.'),
    regimes: z
      .record(z.string(), z.union([z.literal('flat'), z.record(z.string(), z.unknown())]))
      .optional()
      .describe("type regime_switch: regime label → the strategy entry followed in that regime, or 'flat'."),
    otherwise: z
      .union([z.literal('flat'), z.record(z.string(), z.unknown())])
      .optional()
      .describe(
        "type regime_switch: what to follow in a regime that regimes does not name (and no other): 'flat' (default) or a strategy entry.",
      ),
  })
  .strict();

/** A member of an ensemble: a strategy entry without an id, with a vote weight. */
export const MemberEntrySchema = StrategyEntrySchema.omit({ id: true }).extend({
  weight: z.number().positive().default(1).describe('Vote weight in a weighted_vote ensemble.'),
});

/** What a regime_switch follows in one regime: a strategy entry without an id. */
export const RegimeEntrySchema = StrategyEntrySchema.omit({ id: true });

export const StrategiesSchema = z.array(StrategyEntrySchema).min(1, 'at least one strategy is needed');

export type StrategyEntry = CamelCaseKeys<z.infer<typeof StrategyEntrySchema>>;
