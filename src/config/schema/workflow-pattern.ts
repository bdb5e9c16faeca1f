import { z } from 'zod';
import type { CamelCaseKeys } from '../case-keys.ts';

/**
 * Schemas of multi-phase workflows: the phases, conditions, iteration, branches and
 * outputs of a workflow pattern (`patterns/workflows/<name>.yaml`), which a user config
 * may also give inline (`phases:` …). Values may hold `{{ … }}` templates, resolved when
 * the phase runs (see docs/workflows.md).
 */

const namePattern = /^[a-z][a-z0-9_]*$/;
const PhaseName = z.string().regex(namePattern, 'use lower_snake_case (a-z, 0-9, _), starting with a letter');

/** How a phase ended, as conditions and templates read it. */
export const PHASE_STATUSES = ['completed', 'failed', 'cancelled', 'skipped'] as const;
export type PhaseStatus = (typeof PHASE_STATUSES)[number];

/** Comparison operators of a `metric_threshold` condition. */
export const THRESHOLD_OPERATORS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type ThresholdOperator = (typeof THRESHOLD_OPERATORS)[number];

/** A number, or a `{{ … }}` template that resolves to one. */
const NumberOrTemplate = z.union([z.number(), z.string().regex(/\{\{.*\}\}/, 'a number or a {{ … }} template')]);

export const MetricThresholdSchema = z
  .object({
    phase: PhaseName.describe('The earlier phase whose headline metric is compared.'),
    metric: z.string().min(1).describe('A metric name, e.g. sharpe_ratio (docs/metrics.md).'),
    operator: z.enum(THRESHOLD_OPERATORS).default('>=').describe('How the metric compares with the threshold.'),
    threshold: NumberOrTemplate.describe('A number or a template such as {{ params.min_sharpe }}.'),
  })
  .strict();

export const PhaseStatusConditionSchema = z
  .object({
    phase: PhaseName.describe('The earlier phase whose status is checked.'),
    status: z
      .union([z.enum(PHASE_STATUSES), z.array(z.enum(PHASE_STATUSES)).min(1)])
      .describe('The status (or one of the statuses) it must have.'),
  })
  .strict();

/** When a phase (or a branch) runs: one of three kinds. */
export const ConditionSchema = z
  .union([
    z.object({ metric_threshold: MetricThresholdSchema }).strict(),
    z.object({ phase_status: PhaseStatusConditionSchema }).strict(),
    z
      .object({
        expression: z
          .string()
          .min(1)
          .describe(
            "A safe expression over earlier results, e.g. phases.optimize.metrics.sharpe_ratio > 0.5 and phases.optimize.status == 'completed'.",
          ),
      })
      .strict(),
  ])
  .describe('metric_threshold, phase_status or expression; a phase whose condition fails is skipped with the reason.');

/** A sequence: a pattern name (patterns/sequences/<name>.yaml) or inline settings. */
const SequenceRef = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

export const PhaseSchema = z
  .object({
    name: PhaseName.describe('Phase name, unique in the workflow; also its results folder.'),
    description: z.string().optional(),
    topology: z.string().min(1).optional().describe("Topology pattern of this phase (default: the config's topology)."),
    sequence: SequenceRef.optional().describe(
      "Sequence pattern name or inline sequence, e.g. { type: parameter_sweep, window: { to: 0.7 } } (default: the config's sequence, else single_pass).",
    ),
    config: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Config overlay deep-merged over the user config for this phase; may hold templates.'),
    depends_on: z
      .array(PhaseName)
      .default([])
      .describe('Phases that must complete first; if one does not, this phase is skipped.'),
    condition: ConditionSchema.optional(),
    outputs: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Values recorded after the phase ran (templates), readable as phases.<name>.outputs.<key>.'),
  })
  .strict();

export const OutputFileSchema = z
  .object({
    path: z.string().min(1).describe('File inside the results folder (relative; never outside it).'),
    template: z.string().optional().describe('Text with {{ … }} templates, written as is.'),
    value: z
      .unknown()
      .optional()
      .describe('A value (templates resolved) written as JSON, or YAML for .yaml/.yml files.'),
  })
  .strict();

export const OutputsSchema = z
  .object({
    files: z
      .array(OutputFileSchema)
      .optional()
      .describe('Files written into the results folder after the workflow ran.'),
  })
  .catchall(z.unknown())
  .describe('Workflow outputs: key → template, recorded in workflow.json; `files` writes some of them to files.');

export const IterationSchema = z
  .object({
    max_iterations: z.number().int().min(1).max(1000).describe('Most times the phases run.'),
    until: z
      .string()
      .min(1)
      .optional()
      .describe("Expression over the iteration's results; the workflow stops repeating once it holds."),
    modify: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Config overlay (templates over the last iteration) applied before the next iteration.'),
  })
  .strict();

export const BranchSchema = z
  .object({
    name: PhaseName.optional().describe('Branch name in branch_results (default branch_<n>).'),
    when: ConditionSchema.optional().describe(
      'The branch is taken when this holds; a branch without when is taken when no earlier branch was.',
    ),
    phases: z.array(PhaseSchema).min(1).describe('Phases run when the branch is taken.'),
  })
  .strict();

/** The workflow-level keys a user config may carry (besides an ordinary phase config). */
export const workflowConfigKeys = {
  workflow: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A workflow pattern (patterns/workflows/<name>.yaml, `sluice list workflows`) whose phases run over this config.',
    ),
  workflow_params: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("Values of the workflow's params (e.g. min_sharpe), read in templates as {{ params.<name> }}."),
  workflow_module: z
    .string()
    .min(1)
    .optional()
    .describe('A TypeScript/JavaScript module (relative to the config) exporting a ComposableWorkflow.'),
  phases: z.array(PhaseSchema).min(1).optional().describe('Inline workflow phases (instead of workflow:).'),
  outputs: OutputsSchema.optional(),
  iteration: IterationSchema.optional().describe('Repeat the phases until a condition holds or max_iterations.'),
  branches: z
    .array(BranchSchema)
    .optional()
    .describe('After the phases, the first branch whose when holds runs its phases.'),
};

/** A workflow pattern file: patterns/workflows/<name>.yaml. */
export const WorkflowPatternSchema = z
  .object({
    name: PhaseName.describe('Workflow name (the file name).'),
    description: z.string().default(''),
    params: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Knobs with their defaults, set by the user under workflow_params: and read as {{ params.<name> }}.'),
    defaults: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Config defaults deep-merged under the user config.'),
    phases: z.array(PhaseSchema).min(1),
    outputs: OutputsSchema.optional(),
    iteration: IterationSchema.optional(),
    branches: z.array(BranchSchema).default([]),
  })
  .strict();

export type Condition = CamelCaseKeys<z.infer<typeof ConditionSchema>>;
export type PhaseSpec = CamelCaseKeys<z.infer<typeof PhaseSchema>>;
export type OutputFileSpec = CamelCaseKeys<z.infer<typeof OutputFileSchema>>;
export type IterationSpec = CamelCaseKeys<z.infer<typeof IterationSchema>>;
export type BranchSpec = CamelCaseKeys<z.infer<typeof BranchSchema>>;
export type WorkflowPattern = CamelCaseKeys<z.infer<typeof WorkflowPatternSchema>>;
