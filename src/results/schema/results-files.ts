/**
 * The files of a results folder that have a schema: where each is, its zod schema, and the
 * JSON Schema file generated from it (schema/results/, `npm run docs`), in the order
 * docs/results-reference.md lists them.
 */
import type { z } from 'zod';
import { AggregateResultsSchema } from './aggregate-results.ts';
import { ContainerResultsSchema } from './container-results.ts';
import { EquityRowSchema } from './equity-row.ts';
import { PhaseSummarySchema } from './phase-summary.ts';
import { TradeRowSchema } from './trade-row.ts';
import { WorkflowManifestSchema } from './workflow-manifest.ts';

/** One kind of results file. */
export interface ResultsFileKind {
  /** Where it is in a results folder. */
  readonly paths: readonly string[];
  /** `json`: one JSON document; `ndjson`: one JSON object a line, each matching the schema. */
  readonly format: 'json' | 'ndjson';
  readonly schema: z.ZodType;
  /** The JSON Schema's file name in schema/results/. */
  readonly file: string;
  readonly title: string;
}

export const RESULTS_FILES = {
  workflow: {
    paths: ['workflow.json'],
    format: 'json',
    schema: WorkflowManifestSchema,
    file: 'workflow.schema.json',
    title: 'Sluice results: workflow.json (run manifest)',
  },
  phase_summary: {
    paths: [
      '<phase>/phase_summary.json',
      '<phase>/windows/<n>/phase_summary.json',
      '<phase>/variants/<name>/phase_summary.json',
    ],
    format: 'json',
    schema: PhaseSummarySchema,
    file: 'phase-summary.schema.json',
    title: 'Sluice results: phase_summary.json',
  },
  aggregate_results: {
    paths: [
      '<phase>/aggregate_results.json',
      '<phase>/windows/<n>/aggregate_results.json',
      '<phase>/variants/<name>/aggregate_results.json',
    ],
    format: 'json',
    schema: AggregateResultsSchema,
    file: 'aggregate-results.schema.json',
    title: 'Sluice results: aggregate_results.json',
  },
  trade_row: {
    paths: ['<phase>/trades.ndjson', '<phase>/oos_trades.ndjson (walk-forward)'],
    format: 'ndjson',
    schema: TradeRowSchema,
    file: 'trade-row.schema.json',
    title: 'Sluice results: a row of trades.ndjson',
  },
  equity_row: {
    paths: ['<phase>/equity.ndjson (storage disk or hybrid)', '<phase>/oos_equity.ndjson (walk-forward)'],
    format: 'ndjson',
    schema: EquityRowSchema,
    file: 'equity-row.schema.json',
    title: 'Sluice results: a row of equity.ndjson',
  },
  container_results: {
    paths: ['<phase>/containers/<container_id>_results.json'],
    format: 'json',
    schema: ContainerResultsSchema,
    file: 'container-results.schema.json',
    title: 'Sluice results: containers/<id>_results.json',
  },
} as const satisfies Record<string, ResultsFileKind>;

/** A kind of results file. */
export type ResultsFileName = keyof typeof RESULTS_FILES;
export const RESULTS_FILE_NAMES = Object.keys(RESULTS_FILES) as ResultsFileName[];

/** The folder, relative to the project root, of the committed results JSON Schemas. */
export const RESULTS_SCHEMA_DIR = 'schema/results';
