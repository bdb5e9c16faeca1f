/**
 * A plain config as a workflow plan: a plain config is a one-phase workflow, so it runs
 * through the one workflow runner (run-composed.ts) like any other, its one phase the
 * workflow the caller loaded.
 */
import { parseYamlText } from '../config/yaml-source.ts';
import type { LoadedWorkflow } from '../topology/loaded-workflow.ts';
import type { PlannedPhase, WorkflowPlan } from './workflow-plan.ts';

/**
 * The one-phase plan of a loaded plain config: its phase (`phase:`, default `backtest`)
 * runs `loaded` as it is, with no condition, template, overlay, branch, iteration or
 * output: nothing to check beyond what loading it checked.
 */
export function configPlan(loaded: LoadedWorkflow): WorkflowPlan {
  const { wf } = loaded;
  // Nothing reads it: a plan's sources only locate errors in phase specs, conditions,
  // templates and workflow modules, and this plan has none. The loaded config may not
  // even be a file (a queue job's text), so it is not read again.
  const source = parseYamlText('', wf.file);
  const phase: PlannedPhase = {
    spec: { name: wf.phase, config: {}, dependsOn: [] },
    source,
    at: [],
    branch: null,
    node: { name: wf.phase, hard: [], soft: [] },
    condition: undefined,
    readsPhases: false,
    loaded,
  };
  return {
    file: wf.file,
    source,
    pattern: null,
    base: loaded,
    params: {},
    defaults: {},
    phases: [phase],
    branches: [],
    iteration: undefined,
    outputs: [],
    outputFiles: [],
    module: undefined,
    allPhases: [wf.phase],
    load: loaded.load?.options ?? {},
    patternDirs: [],
    plainConfig: true,
  };
}
