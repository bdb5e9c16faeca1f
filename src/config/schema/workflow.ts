import { z } from 'zod';
import type { CamelCaseKeys } from '../case-keys.ts';
import { toSnakeKeys } from '../schema-keys.ts';
import {
  DEFAULT_PRIMARY_METRIC,
  RANKABLE_METRIC_NAMES,
  type RankableMetricName,
} from '../../domain/metrics/performance.ts';
import { DataSchema } from './data.ts';
import { StrategiesSchema } from './strategies.ts';
import { ClassifiersSchema } from './classifiers.ts';
import { ExecutionSchema, PortfolioSchema, RiskSchema } from './trading.ts';
import { TopologySchema } from './topology.ts';
import { workflowConfigKeys } from './workflow-pattern.ts';
import { LiveSchema } from './live.ts';

export const ResultsSchema = z
  .object({
    dir: z
      .string()
      .default('results')
      .describe('Folder that receives results/<workflow_id>/, relative to the working directory.'),
    storage: z
      .enum(['memory', 'disk', 'hybrid'])
      .default('memory')
      .describe(
        'memory: trades, equity and signals kept in the returned result (trades.ndjson is written too); disk: streamed to files as they happen, only summaries kept; hybrid: streamed to files, and the first hybrid_max_points of each series also kept in memory.',
      ),
    primary_metric: z
      .enum(RANKABLE_METRIC_NAMES as [RankableMetricName, ...RankableMetricName[]])
      .default(DEFAULT_PRIMARY_METRIC)
      .describe('Metric used to rank strategies and in conditions.'),
    equity_every: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe(
        'Keep or write one equity point every N bars (plus the last). Metrics always use every bar; this only sets the resolution of the stored curve.',
      ),
    hybrid_max_points: z
      .number()
      .int()
      .min(0)
      .default(100_000)
      .describe(
        'hybrid: points of each series (trades, equity, signals) kept in memory per book before the rest only goes to disk.',
      ),
    store_full_results: z
      .boolean()
      .default(true)
      .describe(
        'false: only the best strategy keeps its trade list and equity curve in the returned result; the others keep summaries.',
      ),
    write_buffer_bytes: z
      .number()
      .int()
      .min(1)
      .default(65_536)
      .describe('Characters a file sink collects before handing them to the OS.'),
    high_water_mark_bytes: z
      .number()
      .int()
      .min(1)
      .default(1_048_576)
      .describe('Bytes a file sink may hold unwritten before the data source waits for it to drain (backpressure).'),
  })
  .strict();

/** The sparse signal store of signal generation (docs/signal-store.md). */
export const SignalsSchema = z
  .object({
    store: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Folder of a persistent signal store, relative to the config file (`sluice signals --store`, relative to the working directory). A run reuses the strategies already in it and computes only the others; absent: a fresh store in <phase>/signals of the run.',
      ),
    force: z
      .boolean()
      .default(false)
      .describe(
        'Recompute every strategy even when the store holds it, and replace a store built from other data or by another engine version instead of refusing it (`--force`).',
      ),
    row_group_rows: z
      .number()
      .int()
      .min(1)
      .default(100_000)
      .describe(
        'Rows per Parquet row group: rows are buffered and flushed to the store every this many, which bounds the memory of the store writer.',
      ),
  })
  .strict();

export const MetricsSchema = z
  .object({
    risk_free_rate: z
      .number()
      .min(-1)
      .max(1)
      .default(0)
      .describe('Annual risk-free rate for Sharpe and Sortino, e.g. 0.04.'),
    annualization: z
      .enum(['timeframe', 'data'])
      .optional()
      .describe(
        'Bars a year that annualize volatility, Sharpe and Sortino: timeframe (default, when absent): the convention of data.timeframe and data.calendar (5m on us_equity: 252 × 390 / 5 = 19,656), with a warning when the data has more than 1 % more or fewer bars per session; data: sessions a year (252 us_equity, 365 continuous) × the bars per session the data has (its first symbol; bars of a day or shorter). See docs/metrics.md.',
      ),
  })
  .strict();

/** Signal replay: which store the signal_replay topology reads (docs/replay.md). */
export const ReplaySchema = z
  .object({
    store: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The signal store to replay, relative to the config file: a store folder (it holds metadata.json), the results phase folder of a signal_generation run (results/<workflow_id>/<phase>, the store is its signals/), or a workflow folder with one such phase. Absent: `signals.store`.',
      ),
    force: z
      .boolean()
      .default(false)
      .describe(
        'Replay a store written from other data, other strategy parameters or another engine version anyway (what differs is logged and recorded in the results); the trades then need not match a backtest.',
      ),
    strategies: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(
        'Replay only the stored strategies of these ids; default every strategy of the store (or those `strategies:` lists).',
      ),
  })
  .strict();

/** One portfolio/risk/execution variant of a replay sweep: overlays over the config's own sections. */
export const ReplayVariantSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, _ . - only')
      .refine((n) => n !== '.' && n !== '..', "a variant name is a folder name: not '.' or '..'")
      .describe('Variant name: part of each book id (<strategy>@<name>) and the results sub-folder variants/<name>/.'),
    portfolio: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Deep-merged over `portfolio:` (a mapping whose type/model changes replaces the old one whole).'),
    risk: z.record(z.string(), z.unknown()).optional().describe('Deep-merged over `risk:`, like portfolio.'),
    execution: z.record(z.string(), z.unknown()).optional().describe('Deep-merged over `execution:`, like portfolio.'),
  })
  .strict();

/** The user's config file: one workflow. */
export const WorkflowConfigSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, _ . - only')
      .describe('Workflow name; part of the results folder name.'),
    description: z.string().optional(),
    topology: z
      .union([z.string().min(1), TopologySchema])
      .default('backtest')
      .describe('A topology pattern name (patterns/topologies/<name>.yaml) or an inline topology.'),
    phase: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, 'use lower_snake_case')
      .optional()
      .describe('Phase name in the results folder; default the topology name.'),
    patterns: z
      .array(z.string())
      .default([])
      .describe('Extra folders searched for patterns, relative to the config file.'),
    plugins: z
      .array(z.string().min(1))
      .default([])
      .describe(
        "Plugin modules defining your own strategies, indicators and classifiers (docs/extending.md): paths or globs relative to the config file ('./plugins/*.ts'), or installed package names. TypeScript or JavaScript ES modules, loaded once per process; `--plugin` adds more.",
      ),
    sequence: z
      .union([z.string().min(1), z.record(z.string(), z.unknown())])
      .default('single_pass')
      .describe(
        "How the phase iterates: a sequence pattern name (patterns/sequences: single_pass, parameter_sweep, train_test, walk_forward, monte_carlo) or { type: <name>, ...settings overriding that pattern's }.",
      ),
    data: DataSchema,
    classifiers: ClassifiersSchema.describe(
      'Regime detectors (`sluice list classifiers`); strategies and filters read their current regime by id.',
    ),
    // Absent only for a signal replay, whose books default to the store's strategies (load-workflow checks).
    strategies: StrategiesSchema.default([]).describe(
      'The strategies, one book each. Required, except in a signal replay (topology: signal_replay), whose books default to every strategy of the store (docs/replay.md).',
    ),
    portfolio: PortfolioSchema.default(PortfolioSchema.parse({})),
    risk: RiskSchema.default({}),
    execution: ExecutionSchema.default(ExecutionSchema.parse({})),
    results: ResultsSchema.default(ResultsSchema.parse({})),
    metrics: MetricsSchema.default({ risk_free_rate: 0 }),
    signals: SignalsSchema.default(SignalsSchema.parse({})).describe(
      'The sparse signal store written by signal generation (docs/signal-store.md).',
    ),
    live: LiveSchema.optional().describe(
      'How `sluice live` runs this config on a live feed: feed, warm-up, buffer, sinks (docs/live.md).',
    ),
    replay: ReplaySchema.optional().describe('signal_replay topology: the signal store to replay (docs/replay.md).'),
    replay_variants: z
      .array(ReplayVariantSchema)
      .min(1)
      .optional()
      .describe(
        'signal_replay topology: portfolio/risk/execution variants replayed one after another over the same stored signals, every book of every variant ranked together (docs/replay.md).',
      ),
    ...workflowConfigKeys,
  })
  .strict();

export type WorkflowConfig = CamelCaseKeys<z.infer<typeof WorkflowConfigSchema>>;

/** The config in its YAML spelling (snake_case keys): how workflow.json and every written copy of it show it. */
export function yamlConfig(config: WorkflowConfig): z.infer<typeof WorkflowConfigSchema> {
  return toSnakeKeys(WorkflowConfigSchema, config);
}
