/**
 * Loading one phase of a workflow: its templates resolved against the results so far, its
 * config laid over the workflow's (immer overlays) and loaded, its sequence resolved. A
 * phase that does not load is a located ConfigError the runner records as failed.
 */
import { ConfigError, isConfigError } from '../config/config-error.ts';
import { overlayAll } from '../config/overlay.ts';
import { issueAt } from '../config/yaml-source.ts';
import type { SequenceSettings } from '../config/schema/sequence.ts';
import { yamlConfig } from '../config/schema/workflow.ts';
import { loadWorkflow } from '../load/load-workflow.ts';
import { resolveSequence } from '../sequencer/resolve-sequence.ts';
import type { LoadedWorkflow } from '../topology/loaded-workflow.ts';
import { explainNull, templateScope, type ResultsState } from './phase-view.ts';
import { resolveTemplates, TemplateError } from './templates.ts';
import { stripWorkflowKeys } from './workflow-json.ts';
import { relocatePhaseError } from './phase-error-location.ts';
import type { PlannedPhase, WorkflowPlan } from './workflow-plan.ts';
import type { PhaseRecord } from './workflow-records.ts';

/** A phase's config that did not load, or its sequence that did not resolve: the error and what the record keeps of it. */
interface PhaseLoadError {
  readonly error: ConfigError;
  readonly record: Partial<PhaseRecord>;
}

/**
 * Loads a workflow phase: its templates resolved, then its config (pattern defaults ←
 * user config ← iteration changes ← phase overlay ← --set) and its sequence.
 */
export async function loadPhase(
  p: PlannedPhase,
  state: ResultsState,
  plan: WorkflowPlan,
  iterOverlay: Record<string, unknown>,
): Promise<{ loaded: LoadedWorkflow; sequence: SequenceSettings } | PhaseLoadError> {
  const name = p.spec.name;
  const scope = templateScope(state);
  const resolved: Record<'config' | 'sequence' | 'topology', unknown> = {
    config: {},
    sequence: undefined,
    topology: undefined,
  };
  for (const section of ['config', 'sequence', 'topology'] as const) {
    try {
      resolved[section] = resolveTemplates(p.spec[section], scope, { explainNull: explainNull(state) });
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      const error = templateConfigError(p, section, err);
      return { error, record: { error } };
    }
  }
  const overlay = resolved.config as Record<string, unknown>;
  const sequenceRef = resolved.sequence;
  const topology = resolved.topology;
  const phaseLayer = overlayAll([
    iterOverlay,
    overlay,
    { phase: name },
    topology !== undefined ? { topology } : {},
  ]) as Record<string, unknown>;
  let loaded: LoadedWorkflow;
  try {
    loaded = await loadWorkflow(plan.file, { ...plan.load, overlay: phaseLayer });
  } catch (err) {
    if (!isConfigError(err)) throw err;
    const error = relocatePhaseError(err, p, overlay, plan.file);
    return { error, record: { error } };
  }
  try {
    // The config's own sequence was resolved when it loaded; a phase may name another.
    const sequence =
      sequenceRef !== undefined
        ? await resolveSequence(p.source, [...p.at, 'sequence'], sequenceRef, plan.patternDirs)
        : loaded.sequence;
    return { loaded, sequence };
  } catch (err) {
    if (!isConfigError(err)) throw err;
    return {
      error: err,
      record: {
        error: err,
        config: stripWorkflowKeys(yamlConfig(loaded.wf.config)),
        topology: loaded.wf.topology.name,
      },
    };
  }
}

/** A template problem in a phase as a located ConfigError naming the phase and the path. */
export function templateConfigError(p: PlannedPhase, section: string, err: TemplateError): ConfigError {
  return new ConfigError(
    issueAt(p.source, [...p.at, section, ...err.at], 'TEMPLATE', `phase '${p.spec.name}': ${err.message}`, err.hint),
  );
}
