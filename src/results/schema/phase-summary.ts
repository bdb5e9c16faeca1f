/**
 * `<phase>/phase_summary.json` (and the same file of a walk-forward window,
 * `windows/<n>/`, and of a replay variant, `variants/<name>/`): what ran, on which data,
 * how it ended, the best book, and the blocks of its sequence kind.
 */
import { z } from 'zod';
import { TraceSummarySchema } from './trace-summary.ts';
import { RecordsSummarySchema } from './records-summary.ts';
import { DEFAULT_PRIMARY_METRIC } from '../../domain/metrics/performance.ts';
import { BestBookSchema, BookSummarySchema, ChosenBookSchema } from './book.ts';
import { MetricsSchema, MetricValueSchema } from './metrics.ts';

const count = () => z.number().int().nonnegative();
/** An ISO 8601 UTC time, as every result file writes times. */
export const IsoTimeSchema = z.string().describe('ISO 8601 time in UTC, e.g. 2024-03-26T13:30:00.000Z.');

/** Why a phase (or run) failed: the lifecycle step, the container, the error. */
export const FailureSchema = z
  .strictObject({
    phase: z.string().optional().describe('workflow.json of a composed workflow: the phase that failed first.'),
    step: z.string().optional().describe('Lifecycle step that failed (initialize, start, execute, …).'),
    container: z.string().nullable().optional().describe('Container that threw, when one did.'),
    kind: z.string().optional().describe('Error class name.'),
    message: z.string().nullable(),
  })
  .describe('The error of a failed phase.');

/** How the metrics were annualized against the data's own calendar (docs/metrics.md). */
const AnnualizationSchema = z.strictObject({
  timeframe: z.string(),
  calendar: z.string(),
  symbol: z.string(),
  bars: count(),
  sessions: count(),
  bars_per_session: z.number(),
  assumed_bars_per_session: z.number(),
  assumed_bars_per_year: z.number(),
  data_bars_per_year: z.number(),
  difference: z.number(),
  effect_on_annualized: z.number(),
  warning: z.string().nullable(),
  used: z.enum(['timeframe', 'data']).describe('Which bars-a-year the metrics used.'),
});

/** The data a phase read. */
export const DataSectionSchema = z
  .strictObject({
    sources: z.array(z.strictObject({ symbol: z.string(), file: z.string(), format: z.string() })),
    timeframe: z.string(),
    calendar: z.string(),
    bars: count().describe('Bars the run processed.'),
    rows_read: count().optional(),
    rows_skipped: count().optional(),
    skip_notes: z.array(z.string()).optional().describe('The first few skipped rows, with why.'),
    first: IsoTimeSchema.nullable(),
    last: IsoTimeSchema.nullable(),
    trade_from: IsoTimeSchema.nullable().optional().describe('First bar orders may act on (a warm-up before it).'),
    annualization: AnnualizationSchema.optional(),
    from_store: z
      .literal(true)
      .optional()
      .describe("Signal generation with nothing to compute: the range is the signal store's."),
  })
  .describe('The data the phase read.');

/** A window's train or test range, as a walk-forward lists it. */
const RangeSchema = {
  start: IsoTimeSchema,
  end: IsoTimeSchema.describe('End of the range (exclusive).'),
  bars: count(),
};

/** One walk-forward (or train/test) window: train range and chosen book, test range and metrics. */
export const WindowRowSchema = z.strictObject({
  index: count(),
  train: z.strictObject({ ...RangeSchema, combinations: count(), best_metrics: MetricsSchema }),
  test: z.strictObject({ ...RangeSchema, metrics: MetricsSchema }),
  best: ChosenBookSchema,
  // Declared below, with the Monte Carlo block it may hold.
  test_sequence: z
    .lazy(() => TestSequenceSchema)
    .optional()
    .describe('walk_forward with `test_sequence:`: what the inner sequence found on this window.'),
});

/** A window row. */
export type WindowRow = z.output<typeof WindowRowSchema>;

/** How a value spread over combinations or windows (src/results/aggregate-stats.ts). */
const SpreadSchema = z.record(
  z.string(),
  z.strictObject({
    count: count(),
    mean: MetricValueSchema,
    std: MetricValueSchema,
    min: MetricValueSchema,
    max: MetricValueSchema,
    p5: MetricValueSchema,
    p25: MetricValueSchema,
    p50: MetricValueSchema,
    p75: MetricValueSchema,
    p95: MetricValueSchema,
  }),
);

/** How one parameter moved from window to window. */
const ParameterStabilitySchema = z.strictObject({
  values: z.array(z.unknown()),
  distinct: count(),
  most_common: z.unknown(),
  most_common_share: z.number(),
  mean: z.number().nullable(),
  std: z.number().nullable(),
});

/** The `walk_forward` / `train_test` block. */
export const WalkForwardBlockSchema = z.strictObject({
  windows: count(),
  mode: z.string().optional().describe('walk_forward: rolling or anchored.'),
  out_of_sample: MetricsSchema.describe('Metrics of the stitched out-of-sample (test) run.'),
  per_window: z.array(WindowRowSchema),
  parameter_stability: z
    .record(z.string(), z.union([ParameterStabilitySchema, z.array(z.string())]))
    .describe('Per parameter, its chosen values; `strategy`: the strategy type chosen per window.'),
  test_metrics_across_windows: SpreadSchema,
});

/** A walk-forward block. */
export type WalkForwardBlock = z.output<typeof WalkForwardBlockSchema>;

/** A statistic of the Monte Carlo bootstrap over its draws, with its confidence interval. */
const ConfidenceSummarySchema = z.strictObject({
  count: count(),
  mean: z.number(),
  std: z.number(),
  min: z.number(),
  max: z.number(),
  p5: z.number(),
  p25: z.number(),
  p50: z.number(),
  p75: z.number(),
  p95: z.number(),
  ci_low: z.number(),
  ci_high: z.number(),
});

/** The `monte_carlo` block: a seeded bootstrap of the best book's trades. */
export const MonteCarloBlockSchema = z.strictObject({
  strategy_id: z.string().nullable(),
  trades: count(),
  note: z.string().optional().describe('Why nothing was resampled (no trades).'),
  draws: count().optional(),
  seed: z.number().optional(),
  confidence: z.tuple([z.number(), z.number()]).optional(),
  block_size: count().optional(),
  actual: z
    .strictObject({
      total_return: z.number(),
      max_drawdown: z.number(),
      mean_trade_return: z.number(),
      trade_sharpe: z.number(),
    })
    .optional(),
  total_return: ConfidenceSummarySchema.optional(),
  max_drawdown: ConfidenceSummarySchema.optional(),
  mean_trade_return: ConfidenceSummarySchema.optional(),
  trade_sharpe: ConfidenceSummarySchema.optional(),
  probability_of_loss: z.number().optional(),
  paths: z
    .strictObject({
      trade_index: z.array(z.number()),
      bands: z.record(z.string(), z.array(z.number())),
      actual: z.array(z.number()),
      max_drawdown_histogram: z.strictObject({ min: z.number(), max: z.number(), counts: z.array(z.number()) }),
    })
    .optional()
    .describe('Equity percentile bands and the drawdown histogram, for the report.'),
});

/** A Monte Carlo block. */
export type MonteCarloBlock = z.output<typeof MonteCarloBlockSchema>;

/** The `signal_store` block of a signal-generation phase. */
const SignalStoreBlockSchema = z.strictObject({
  dir: z.string().describe('The store folder.'),
  strategies: count(),
  reused: count(),
  computed: count(),
  kept_from_store: count(),
  replaced: z.array(z.string()).describe('Stored strategies this run recomputed.'),
  classifiers_computed: z.array(z.string()),
  forced: z.boolean(),
  signal_rows: count().nullable(),
  regime_rows: count().nullable(),
  config_hash: z.string().nullable(),
});

/** The `replay` block of a signal-replay sweep (`replay_variants:`). */
const ReplayBlockSchema = z.strictObject({
  store: z.string().nullable(),
  variants: z.array(
    z.strictObject({ name: z.string(), status: z.string(), best: z.string().nullable(), metrics: MetricsSchema }),
  ),
});

/** The statuses a phase ends with. */
/**
 * What a walk-forward's `test_sequence` found on one window: its kind, how it ended and its
 * sequence sections (a Monte Carlo's `monte_carlo` block; a plugin kind's own sections).
 */
const TestSequenceSchema = z
  .looseObject({
    type: z.string(),
    status: z.string(),
    reason: z.string().nullable(),
    monte_carlo: MonteCarloBlockSchema.optional(),
  })
  .describe('The inner sequence of a walk-forward window (docs/sequences.md, walk_forward, `test_sequence:`).');

export const PHASE_END_STATUSES = ['completed', 'failed', 'cancelled', 'skipped'] as const;

/** phase_summary.json. */
export const PhaseSummarySchema = z
  .strictObject({
    phase: z.string().describe('Phase name.'),
    topology: z.string().describe('Topology pattern the phase ran.'),
    sequence: z
      .string()
      .describe('Sequence kind: single_pass, parameter_sweep, walk_forward, train_test, monte_carlo, …'),
    status: z.enum(PHASE_END_STATUSES),
    error: FailureSchema.nullable(),
    warnings: z
      .array(z.string())
      .optional()
      .describe('What the results should be read with (optimistic settings, annualization).'),
    data: DataSectionSchema.nullable()
      .optional()
      .describe('Absent from a walk-forward phase (each window has its own).'),
    primary_metric: z.string().default(DEFAULT_PRIMARY_METRIC).describe('Metric the phase ranks by.'),
    strategies: count().optional().describe('Books (strategies × parameter combinations) the phase ran.'),
    best: BestBookSchema.nullable().describe(
      "The best book by the primary metric (a walk-forward: the last window's choice).",
    ),
    sweep: z
      .strictObject({ combinations: count(), reused: count(), computed: count(), shards: count() })
      .optional()
      .describe('parameter_sweep: combinations run, reused from the combination store, computed.'),
    metrics_across_combinations: SpreadSchema.optional().describe(
      'parameter_sweep: how each metric spread over the combinations.',
    ),
    walk_forward: WalkForwardBlockSchema.optional(),
    train_test: WalkForwardBlockSchema.optional(),
    train: z
      .strictObject({ start: IsoTimeSchema, end: IsoTimeSchema, best: BookSummarySchema.optional() })
      .optional()
      .describe('A walk-forward window: its train range and the book chosen on it.'),
    monte_carlo: MonteCarloBlockSchema.optional(),
    test_sequence: TestSequenceSchema.optional(),
    signal_store: SignalStoreBlockSchema.optional(),
    replay: ReplayBlockSchema.optional(),
    variant: z
      .strictObject({ name: z.string(), portfolio: z.unknown(), risk: z.unknown(), execution: z.unknown() })
      .optional()
      .describe("A replay variant's own summary: the variant's settings."),
    trace: TraceSummarySchema.optional(),
    records: RecordsSummarySchema.optional(),
    files: z.array(z.string()).describe('Files the phase wrote, relative to its folder.'),
  })
  .describe('phase_summary.json: one phase (or window, or replay variant) of a run.');

/** phase_summary.json as read back. */
export type PhaseSummary = z.output<typeof PhaseSummarySchema>;

/** The walk-forward (or train/test) block of a phase run by that sequence; undefined for any other. */
export function windowsBlock(summary: PhaseSummary): WalkForwardBlock | undefined {
  if (summary.sequence === 'walk_forward') return summary.walk_forward;
  if (summary.sequence === 'train_test') return summary.train_test;
  return undefined;
}
