/**
 * `results/<workflow_id>/workflow.json`, the run manifest: which config ran with which
 * engine, by which process, how it ended, and its phases. Written first with status
 * "running" and rewritten when the run ends (a composed workflow: after every phase).
 * A single-phase run and a composed workflow (docs/workflows.md) write one schema; the
 * keys only a composed workflow writes are optional.
 */
import { z } from 'zod';
import { TraceSummarySchema } from './trace-summary.ts';
import { ChosenBookSchema } from './book.ts';
import { MetricsSchema } from './metrics.ts';
import { FailureSchema, IsoTimeSchema } from './phase-summary.ts';

const RUN_STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const;
const PHASE_STATUSES = ['running', 'completed', 'failed', 'cancelled', 'skipped'] as const;

/** A phase as the manifest lists it. */
export const ManifestPhaseSchema = z.strictObject({
  name: z.string(),
  branch: z.string().optional().describe('The branch the phase belongs to.'),
  status: z.enum(PHASE_STATUSES),
  reason: z.string().nullable().optional().describe('Why it was skipped, or its failure message.'),
  depends_on: z.array(z.string()).optional(),
  condition: z
    .strictObject({ holds: z.boolean(), reason: z.string() })
    .nullable()
    .optional()
    .describe('Its `condition:` and what it found.'),
  topology: z.string().nullable().optional(),
  sequence: z.string().nullable().optional(),
  dir: z.string().nullable().optional().describe('Its folder, relative to the results folder (else its name).'),
  primary_metric: z.string().nullable().optional(),
  best: ChosenBookSchema.nullable().optional(),
  metrics: MetricsSchema.nullable().optional().describe('Headline metrics of a completed phase.'),
  outputs: z.record(z.string(), z.unknown()).optional().describe("The phase's own `outputs:`."),
  trace: TraceSummarySchema.optional(),
  duration_ms: z.number().nonnegative().optional(),
  error: FailureSchema.nullable().optional(),
  config: z.record(z.string(), z.unknown()).nullable().optional().describe('The config the phase ran with.'),
});

/** One iteration of an iterated workflow. */
const IterationResultSchema = z.strictObject({
  iteration: z.number().int().positive(),
  dir: z.string().nullable(),
  status: z.enum(RUN_STATUSES),
  phases: z.array(
    z.strictObject({
      name: z.string(),
      status: z.enum(PHASE_STATUSES),
      reason: z.string().nullable(),
      best: ChosenBookSchema.nullable(),
      metrics: MetricsSchema.nullable(),
    }),
  ),
  until: z.strictObject({ holds: z.boolean(), expression: z.string() }).nullable(),
  next: z.strictObject({ continue: z.boolean(), reason: z.string() }),
  config_changes: z.record(z.string(), z.unknown()).nullable(),
});

/** A plugin module the run loaded. */
const PluginSchema = z.strictObject({
  file: z.string(),
  fingerprint: z.string(),
  files: z.array(z.strictObject({ path: z.string(), sha256: z.string() })),
  defines: z.array(z.strictObject({ kind: z.string(), name: z.string() })),
});

/** A branch decision. */
const BranchResultSchema = z.strictObject({
  iteration: z.number().int().positive(),
  branch: z.string(),
  taken: z.boolean(),
  reason: z.string(),
  phases: z.array(z.string()),
});

/** workflow.json. */
export const WorkflowManifestSchema = z
  .strictObject({
    workflow_id: z
      .string()
      .describe("The run's id and its results folder's name: UTC start time, config name, a random suffix."),
    name: z.string().describe("The config's `name`."),
    status: z
      .enum(RUN_STATUSES)
      .describe('running until the run ends; a reader shows a running run whose process is gone as died.'),
    workflow: z.string().nullable().optional().describe('Composed workflow: its workflow pattern.'),
    workflow_file: z.string().nullable().optional(),
    workflow_module: z.string().nullable().optional().describe('Composed workflow: its TypeScript workflow module.'),
    config_file: z.string().describe('The config file run.'),
    topology_file: z.string().optional().describe('Single-phase run: the topology pattern file.'),
    engine: z
      .strictObject({ name: z.string(), version: z.string(), node: z.string() })
      .describe('Engine name and version, and the Node.js version.'),
    plugins: z
      .array(PluginSchema)
      .describe('Plugin modules loaded (docs/extending.md): file, content fingerprint, what they define.'),
    started_at: IsoTimeSchema,
    pid: z.number().int().describe('The process running it (with host: how a reader tells a dead run).'),
    host: z.string().describe('Host name of the process.'),
    finished_at: IsoTimeSchema.optional(),
    duration_ms: z.number().nonnegative().optional(),
    error: FailureSchema.nullable().optional(),
    params: z.record(z.string(), z.unknown()).optional().describe('Composed workflow: its params.'),
    phases: z.array(ManifestPhaseSchema).describe('The phases, in run order (a single-phase run: one).'),
    iteration_results: z.array(IterationResultSchema).optional(),
    branch_results: z.array(BranchResultSchema).optional(),
    outputs: z.record(z.string(), z.unknown()).optional().describe('Composed workflow: its resolved `outputs:`.'),
    output_errors: z.record(z.string(), z.string()).optional(),
    config: z
      .record(z.string(), z.unknown())
      .describe('The resolved config (src/config/schema: docs/config-reference.md).'),
  })
  .describe('workflow.json: the run manifest.');

/** workflow.json as read back. */
export type WorkflowManifest = z.output<typeof WorkflowManifestSchema>;

/** workflow.json as the run writes it. */
export type WorkflowManifestJson = z.input<typeof WorkflowManifestSchema>;

/** A phase of workflow.json as a composed workflow writes it. */
export type ManifestPhaseJson = z.input<typeof ManifestPhaseSchema>;

/** An iteration of workflow.json's `iteration_results`, as written. */
export type IterationResultJson = z.input<typeof IterationResultSchema>;

/** A plugin module as workflow.json lists it, as written. */
export type PluginJson = z.input<typeof PluginSchema>;
