import { z } from 'zod';
import { RANKABLE_METRIC_NAMES, type RankableMetricName } from '../../domain/metrics/performance.ts';
import { DataSchema } from './data.ts';
import { StrategiesSchema } from './strategies.ts';
import { ClassifiersSchema } from './classifiers.ts';
import { ExecutionSchema, PortfolioSchema, RiskSchema } from './trading.ts';
import { TopologySchema } from './topology.ts';
import { workflowConfigKeys } from './workflow-pattern.ts';

export const ResultsSchema = z
  .object({
    dir: z.string().default('results').describe('Folder that receives results/<workflow_id>/, relative to the working directory.'),
    storage: z
      .enum(['memory', 'disk', 'hybrid'])
      .default('memory')
      .describe('memory: trades, equity and signals kept in the returned result (trades.ndjson is written too); disk: streamed to files as they happen, only summaries kept; hybrid: streamed to files, and the first hybrid_max_points of each series also kept in memory.'),
    primary_metric: z.enum(RANKABLE_METRIC_NAMES as [RankableMetricName, ...RankableMetricName[]]).default('sharpe_ratio').describe('Metric used to rank strategies and in conditions.'),
    equity_every: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe('Keep or write one equity point every N bars (plus the last). Metrics always use every bar; this only sets the resolution of the stored curve.'),
    hybrid_max_points: z.number().int().min(0).default(100_000).describe('hybrid: points of each series (trades, equity, signals) kept in memory per book before the rest only goes to disk.'),
    store_full_results: z.boolean().default(true).describe('false: only the best strategy keeps its trade list and equity curve in the returned result; the others keep summaries.'),
    write_buffer_bytes: z.number().int().min(1).default(65_536).describe('Characters a file sink collects before handing them to the OS.'),
    high_water_mark_bytes: z
      .number()
      .int()
      .min(1)
      .default(1_048_576)
      .describe("Bytes a file sink may hold unwritten before the data source waits for it to drain (backpressure)."),
  })
  .strict();

export const MetricsSchema = z
  .object({
    risk_free_rate: z.number().min(-1).max(1).default(0).describe('Annual risk-free rate for Sharpe and Sortino, e.g. 0.04.'),
  })
  .strict();

/** The user's config file: one workflow. */
export const WorkflowConfigSchema = z
  .object({
    name: z.string().min(1).regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, _ . - only').describe('Workflow name; part of the results folder name.'),
    description: z.string().optional(),
    topology: z
      .union([z.string().min(1), TopologySchema])
      .default('backtest')
      .describe('A topology pattern name (patterns/topologies/<name>.yaml) or an inline topology.'),
    phase: z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lower_snake_case').optional().describe('Phase name in the results folder; default the topology name.'),
    patterns: z.array(z.string()).default([]).describe('Extra folders searched for patterns, relative to the config file.'),
    sequence: z
      .union([z.string().min(1), z.record(z.string(), z.unknown())])
      .default('single_pass')
      .describe("How the phase iterates: a sequence pattern name (patterns/sequences: single_pass, parameter_sweep, train_test, walk_forward, monte_carlo) or { type: <name>, ...settings overriding that pattern's }."),
    data: DataSchema,
    classifiers: ClassifiersSchema.describe('Regime detectors (`sluice list classifiers`); strategies and filters read their current regime by id.'),
    strategies: StrategiesSchema,
    portfolio: PortfolioSchema.default(PortfolioSchema.parse({})),
    risk: RiskSchema.default({}),
    execution: ExecutionSchema.default(ExecutionSchema.parse({})),
    results: ResultsSchema.default(ResultsSchema.parse({})),
    metrics: MetricsSchema.default({ risk_free_rate: 0 }),
    ...workflowConfigKeys,
  })
  .strict();

export type WorkflowConfig = z.infer<typeof WorkflowConfigSchema>;
