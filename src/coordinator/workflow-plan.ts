/**
 * What a workflow plan is: a multi-phase workflow (or a plain config run as one phase)
 * checked and ready to run, its phases and branches in run order, its iteration and
 * outputs. planWorkflow (plan-workflow.ts) makes one from a workflow config, configPlan
 * (config-plan.ts) from a plain config; the runner (run-composed.ts) runs it.
 */
import type { Logger } from 'pino';
import type { ConfigPath } from '../config/config-error.ts';
import type { LoadedWorkflow, LoadWorkflowOptions } from '../topology/loaded-workflow.ts';
import type { YamlSource } from '../config/yaml-source.ts';
import type { CompiledExpression } from '../config/expression-language.ts';
import type { BranchSpec, IterationSpec, OutputFileSpec, PhaseSpec } from '../config/schema/workflow-pattern.ts';
import type { CompiledCondition } from './conditions.ts';
import type { ComposableWorkflow } from './composable.ts';
import type { PhaseNode } from './phase-graph.ts';

/** Keys of a user config that make it a multi-phase workflow. */
export const WORKFLOW_KEYS = ['workflow', 'phases', 'iteration', 'branches', 'outputs', 'workflow_module'] as const;
/** Workflow-level keys left out of a phase's resolved config in workflow.json. */
export const WORKFLOW_LEVEL_KEYS = [...WORKFLOW_KEYS, 'workflow_params'] as const;

/** Options of {@link planWorkflow}. */
export interface PlanWorkflowOptions extends Omit<LoadWorkflowOptions, 'defaults' | 'overlay'> {
  /** Told of notices (a user pattern overriding a built-in one). */
  readonly logger?: Logger;
}

/** A phase ready to run. */
export interface PlannedPhase {
  readonly spec: PhaseSpec;
  /** The file the phase is declared in, and where. */
  readonly source: YamlSource;
  readonly at: ConfigPath;
  /** The branch it belongs to; null for a main phase. */
  readonly branch: string | null;
  readonly node: PhaseNode;
  readonly condition: CompiledCondition | undefined;
  /** True when its config, topology or sequence read earlier phases (resolved only when it runs). */
  readonly readsPhases: boolean;
  /**
   * A plain config's one phase (runWorkflow): loaded already, by the caller and with its
   * options, so it runs as loaded: no overlay, template or sequence of its own to resolve.
   */
  readonly loaded?: LoadedWorkflow | undefined;
}

/** A branch of the workflow. */
export interface PlannedBranch {
  readonly name: string;
  readonly spec: BranchSpec;
  readonly source: YamlSource;
  readonly at: ConfigPath;
  readonly when: CompiledCondition | undefined;
  /** Its phases in run order. */
  readonly phases: readonly PlannedPhase[];
}

/** One workflow output. */
export interface PlannedOutput {
  readonly key: string;
  readonly value: unknown;
  readonly source: YamlSource;
  readonly at: ConfigPath;
}

/** One output file. */
export interface PlannedOutputFile {
  readonly spec: OutputFileSpec;
  /** Normalized path relative to the results folder. */
  readonly path: string;
  readonly source: YamlSource;
  readonly at: ConfigPath;
}

/** A workflow checked and ready to run. */
export interface WorkflowPlan {
  /** The user's config file. */
  readonly file: string;
  readonly source: YamlSource;
  /** The workflow pattern, or null for inline phases. */
  readonly pattern: { readonly name: string; readonly file: string; readonly description: string } | null;
  /** The config without phase overlays: what `{{ config.… }}` reads. */
  readonly base: LoadedWorkflow;
  /** Pattern params ← `workflow_params`: what `{{ params.… }}` reads. */
  readonly params: Record<string, unknown>;
  /** The pattern's config defaults (under the user config). */
  readonly defaults: Record<string, unknown>;
  /** Main phases in run order. */
  readonly phases: readonly PlannedPhase[];
  readonly branches: readonly PlannedBranch[];
  readonly iteration:
    | {
        readonly spec: IterationSpec;
        readonly until: CompiledExpression | undefined;
        readonly source: YamlSource;
        readonly at: ConfigPath;
      }
    | undefined;
  readonly outputs: readonly PlannedOutput[];
  readonly outputFiles: readonly PlannedOutputFile[];
  readonly module: { readonly path: string; readonly workflow: ComposableWorkflow } | undefined;
  /** Every phase name (main, then branches), for expressions over all results. */
  readonly allPhases: readonly string[];
  /** Options for loading each phase's config. */
  readonly load: LoadWorkflowOptions;
  /** User pattern folders, absolute (`patterns:` of the config, then `--patterns`). */
  readonly patternDirs: readonly string[];
  /**
   * A plain config run as a one-phase workflow (runWorkflow, config-plan.ts): workflow.json
   * keeps the plain shape (its phase stated briefly, the topology file named, the config's
   * own plugins, the phase's failure as the error), so a plain run's files read as before.
   */
  readonly plainConfig: boolean;
}
