import { z } from 'zod';

/** A window bound: a fraction of the data's bars (0..1) or an ISO 8601 timestamp. */
const Bound = z.union([z.number().min(0).max(1), z.string().min(1)]);

/** A size in bars (an integer) or a calendar duration ('30d', '2w', '3M', '1y', '6h'). */
const Size = z.union([
  z.number().int().positive(),
  z.string().regex(/^[1-9][0-9]*[hdwMy]$/, "a bar count or a duration like '30d', '2w', '3M', '1y'"),
]);

const common = {
  window: z
    .object({
      from: Bound.optional().describe(
        'First bar: a fraction of the bars (0.7 = after the first 70 %) or an ISO timestamp (without a zone: UTC).',
      ),
      to: Bound.optional().describe(
        'Bar to stop before: a fraction of the bars or an ISO timestamp (without a zone: UTC).',
      ),
    })
    .strict()
    .optional()
    .describe('Restrict the phase to part of the data, e.g. { to: 0.7 } for the first 70 %.'),
  warmup: z
    .union([z.literal('auto'), z.number().int().min(0)])
    .default('auto')
    .describe(
      "Bars before a window's start read only to warm up indicators (books trade from the start). auto: twice the longest feature warm-up (a higher-timeframe feature's in data bars: (its warm-up + 1) × its timeframe / data.timeframe).",
    ),
};

const searchSchema = z
  .discriminatedUnion('method', [
    z.object({ method: z.literal('grid') }).strict(),
    z
      .object({
        method: z.literal('random'),
        samples: z.number().int().positive().describe('Combinations drawn (fewer if the space is smaller).'),
        seed: z
          .number()
          .int()
          .min(0)
          .default(1)
          .describe('Seed of the draw: the same seed draws the same combinations.'),
      })
      .strict(),
  ])
  .default({ method: 'grid' })
  .describe('grid: every combination; random: a seeded sample of the same space.');

const sweepOptions = {
  search: searchSchema,
  shard_size: z
    .number()
    .int()
    .positive()
    .default(250)
    .describe(
      'Combinations per graph: each shard shares one data pass and one feature hub, and its results are committed to the resume store when it ends.',
    ),
  resume: z
    .boolean()
    .default(true)
    .describe(
      'Reuse combination results stored by earlier runs (keyed by data, strategy, parameters, trading config and engine version).',
    ),
};

/**
 * The settings schema of a sequence kind: its `type`, the `window` and `warmup` every kind
 * takes, then its own settings (`params`). Built-in kinds and plugin kinds
 * (`defineSequence`) are both made with it.
 */
export function sequenceSettingsSchema<T extends string, P extends z.ZodRawShape>(type: T, params: P) {
  return z.object({ type: z.literal(type), ...common, ...params }).strict();
}

/**
 * A sequence nested in another one's steps (`test_sequence:` of a walk-forward): a pattern
 * name or inline settings, resolved with the outer sequence when the config is loaded.
 */
const InnerSequenceRef = z.union([z.string().min(1), z.looseObject({ type: z.string().min(1) })]);

/** The settings every sequence kind has, whatever its own: what the runner reads of any kind. */
export interface SequenceSettings {
  readonly type: string;
  readonly window?:
    { readonly from?: number | string | undefined; readonly to?: number | string | undefined } | undefined;
  readonly warmup: 'auto' | number;
}

export const SinglePassSchema = sequenceSettingsSchema('single_pass', {});
export const ParameterSweepSchema = sequenceSettingsSchema('parameter_sweep', sweepOptions);
export const TrainTestSchema = sequenceSettingsSchema('train_test', {
  ...sweepOptions,
  ratio: z.number().gt(0).lt(1).optional().describe('Fraction of the bars that train (default 0.7).'),
  split_date: z
    .string()
    .min(1)
    .optional()
    .describe('First timestamp of the test range (instead of ratio); ISO 8601, without a zone: UTC.'),
});
export const WalkForwardSchema = sequenceSettingsSchema('walk_forward', {
  ...sweepOptions,
  mode: z
    .enum(['rolling', 'anchored'])
    .default('rolling')
    .describe('rolling: the train range slides; anchored: it starts at the first bar and grows.'),
  train: Size.describe('Train range size: bars or a duration.'),
  test: Size.describe('Test range size: bars or a duration.'),
  step: Size.optional().describe('How far each window moves on (default: the test size).'),
  min_test_bars: z
    .number()
    .int()
    .positive()
    .default(1)
    .describe('A window whose test range holds fewer bars is left out.'),
  test_sequence: InnerSequenceRef.optional().describe(
    "A sequence run inside every window on its test range with the parameters the train range chose, e.g. { type: monte_carlo, draws: 1000 }: a bootstrap of each window's out-of-sample trades. Written to windows/<n>/<type>/.",
  ),
});
export const MonteCarloSchema = sequenceSettingsSchema('monte_carlo', {
  draws: z
    .number()
    .int()
    .positive()
    .max(1_000_000)
    .default(1000)
    .describe('Bootstrap resamples of the trade sequence.'),
  seed: z.number().int().min(0).default(1).describe('Seed of the resampling (reproducible).'),
  confidence: z
    .tuple([z.number().gt(0).lt(1), z.number().gt(0).lt(1)])
    .default([0.05, 0.95])
    .describe('Percentiles of the confidence interval, e.g. [0.05, 0.95].'),
  block_size: z
    .number()
    .int()
    .positive()
    .default(1)
    .describe('1: i.i.d. bootstrap; > 1: circular block bootstrap of this many trades.'),
});

/** A sequence pattern file: patterns/sequences/<name>.yaml. */
export const SequencePatternSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    sequence: z
      .record(z.string(), z.unknown())
      .describe('The sequence settings (type and options); a config may override any of them.'),
  })
  .strict();

export type SweepSequence = z.infer<typeof ParameterSweepSchema>;
export type WalkForwardSequence = z.infer<typeof WalkForwardSchema>;
export type TrainTestSequence = z.infer<typeof TrainTestSchema>;
