/**
 * Turns a user config into a multi-phase workflow plan and checks all of it before
 * anything runs: the workflow pattern (`workflow: <name>`) or inline `phases:`, phase
 * names, `depends_on` (unknown names, cycles), every `{{ … }}` template (its root, the
 * phase it reads, the metric it names), conditions, `iteration.until`, outputs (file
 * paths never leave the results folder) and the `workflow_module`. Every problem is a
 * located ConfigError, all reported at once. Phases and branches are planned by
 * plan-phases.ts, templates checked by template-check.ts, outputs by plan-outputs.ts;
 * this file reads the pattern and params, the iteration and the module, and pre-loads
 * the phases that read no earlier phase.
 */
import { dirname, resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from '../config/config-error.ts';
import { clonePlain, deepMerge, isPlainObject } from '../config/deep-merge.ts';
import { loadWorkflow } from '../load/load-workflow.ts';
import type { LoadWorkflowOptions } from '../topology/loaded-workflow.ts';
import { overlayAll } from '../config/overlay.ts';
import { applySetOverrides } from '../config/set-override.ts';
import { didYouMean } from '../errors/suggest.ts';
import { parseConfig } from '../config/validate.ts';
import { yamlConfig } from '../config/schema/workflow.ts';
import { issueAt, loadYamlFile, type YamlSource } from '../config/yaml-source.ts';
import type { CompiledExpression } from '../config/expression-language.ts';
import { WorkflowPatternSchema, type PhaseSpec, type WorkflowPattern } from '../config/schema/workflow-pattern.ts';
import { discoverPatterns } from '../patterns/discover.ts';
import { compileResultsExpression, ConditionError } from './conditions.ts';
import { importWorkflowModule } from './composable.ts';
import { relocatePhaseError, toWorkflowParam } from './phase-error-location.ts';
import { planOutputs } from './plan-outputs.ts';
import { planPhases } from './plan-phases.ts';
import { checkTemplate } from './template-check.ts';
import { findTemplates, resolveTemplates } from './templates.ts';
import { WORKFLOW_KEYS, type PlanWorkflowOptions, type WorkflowPlan } from './workflow-plan.ts';
import { resolveSequence } from '../sequencer/resolve-sequence.ts';

/**
 * True when the config at `file` is a multi-phase workflow: it names a workflow pattern
 * or has `phases`, `iteration`, `branches`, `outputs` or a `workflow_module`.
 *
 * @throws ConfigError when the file cannot be read or parsed.
 */
export async function isComposedWorkflow(file: string, sets: readonly string[] = []): Promise<boolean> {
  const source = await loadYamlFile(file);
  if (!isPlainObject(source.data)) return false;
  const raw = applySetOverrides(source.data, [...sets]);
  return WORKFLOW_KEYS.some((k) => raw[k] !== undefined);
}

/**
 * Loads and checks a multi-phase workflow.
 *
 * @throws ConfigError listing every problem, located in the config or pattern file.
 */
export async function planWorkflow(file: string, options: PlanWorkflowOptions = {}): Promise<WorkflowPlan> {
  const source = await loadYamlFile(file);
  const baseDir = dirname(resolve(file));
  const raw = isPlainObject(source.data) ? applySetOverrides(source.data, [...(options.sets ?? [])]) : {};
  const userDirs = [
    ...(Array.isArray(raw['patterns'])
      ? raw['patterns'].filter((d): d is string => typeof d === 'string').map((d) => resolve(baseDir, d))
      : []),
    ...(options.patternDirs ?? []).map((d) => resolve(d)),
  ];

  let pattern: { def: WorkflowPattern; source: YamlSource; file: string } | undefined;
  if (typeof raw['workflow'] === 'string') {
    const found = discoverPatterns('workflows', userDirs);
    const p = found.get(raw['workflow']);
    if (p === undefined) {
      const guess = didYouMean(raw['workflow'], found.keys());
      throw new ConfigError(
        issueAt(
          source,
          ['workflow'],
          'UNKNOWN_NAME',
          `unknown workflow '${raw['workflow']}'`,
          guess !== undefined ? `did you mean '${guess}'?` : `known workflows: ${[...found.keys()].join(', ')}`,
        ),
      );
    }
    if (p.overrides !== undefined)
      options.logger?.info(
        { workflow: p.name, file: p.file, overrides: p.overrides },
        `user workflow pattern '${p.name}' overrides the built-in one`,
      );
    const patternSource = await loadYamlFile(p.file);
    pattern = { def: parseConfig(patternSource, WorkflowPatternSchema), source: patternSource, file: p.file };
    if (raw['phases'] !== undefined) {
      throw new ConfigError(
        issueAt(
          source,
          ['phases'],
          'INVALID_VALUE',
          `phases: and workflow: '${p.name}' together: the pattern already declares the phases`,
          'use one or the other; adjust a pattern through workflow_params: or a copy of it in a patterns: folder',
        ),
      );
    }
  }

  const { logger: _logger, ...loadBase } = options;
  const defaults = pattern?.def.defaults ?? {};
  const load: LoadWorkflowOptions = { ...loadBase, defaults };
  // A replay's signal store may be written by an earlier phase: checked when its phase runs.
  const base = await loadWorkflow(file, { ...load, pendingStores: true });
  const config = base.wf.config;
  const issues: ConfigIssue[] = [];

  // Params: the pattern declares them with defaults; the user sets them.
  const params: Record<string, unknown> = clonePlain(pattern?.def.params ?? {});
  for (const [k, v] of Object.entries(config.workflowParams ?? {})) {
    if (pattern !== undefined && !Object.hasOwn(params, k)) {
      const known = Object.keys(params);
      const guess = didYouMean(k, known);
      issues.push(
        issueAt(
          source,
          ['workflow_params', k],
          'UNKNOWN_KEY',
          `workflow '${pattern.def.name}' has no param '${k}'`,
          guess !== undefined
            ? `did you mean '${guess}'?`
            : known.length > 0
              ? `its params: ${known.join(', ')}`
              : 'it declares no params',
        ),
      );
      continue;
    }
    params[k] = deepMerge(params[k], v);
  }

  // Where each part comes from: the user's config overrides the pattern's part.
  const specSource = pattern?.source ?? source;
  const implicit = pattern === undefined && config.phases === undefined;
  const phaseSpecs: PhaseSpec[] = pattern?.def.phases ??
    config.phases ?? [{ name: base.wf.phase, config: {}, dependsOn: [] }];
  const branchPart =
    config.branches !== undefined
      ? { list: config.branches, source }
      : { list: pattern?.def.branches ?? [], source: specSource };
  const iterPart =
    config.iteration !== undefined
      ? { spec: config.iteration, source }
      : pattern?.def.iteration !== undefined
        ? { spec: pattern.def.iteration, source: specSource }
        : undefined;

  // Templates and expressions name config keys as the YAML does: `{{ config.portfolio.initial_cash }}`.
  const state = { params, config: yamlConfig(config) as Record<string, unknown> };
  const { phases, branches, planned, allPhases } = planPhases({
    main: { list: phaseSpecs, source: specSource, implicit },
    branches: branchPart,
    state,
    issues,
  });

  // Iteration: `until` reads every phase; `modify` templates too.
  let iteration: WorkflowPlan['iteration'];
  if (iterPart !== undefined) {
    let until: CompiledExpression | undefined;
    if (iterPart.spec.until !== undefined) {
      try {
        until = compileResultsExpression(iterPart.spec.until, { phases: allPhases, allPhases, ...state }, [
          'iteration',
          'until',
        ]).compiled;
      } catch (err) {
        if (!(err instanceof ConditionError)) throw err;
        issues.push(issueAt(iterPart.source, err.at, 'CONDITION', `iteration.until: ${err.message}`, err.hint));
      }
    }
    for (const use of findTemplates(iterPart.spec.modify, ['iteration', 'modify'])) {
      const ref = checkTemplate(use, { readable: allPhases, all: allPhases, self: null, state });
      if (ref.problem !== undefined)
        issues.push(
          issueAt(iterPart.source, use.at, 'TEMPLATE', `iteration.modify: ${ref.problem.message}`, ref.problem.hint),
        );
    }
    iteration = { spec: iterPart.spec, until, source: iterPart.source, at: ['iteration'] };
  }

  // Outputs: the pattern's, then the user's (a user key replaces the pattern's).
  const { outputs, outputFiles } = planOutputs(
    [
      ...(pattern?.def.outputs !== undefined ? [{ spec: pattern.def.outputs, source: pattern.source }] : []),
      ...(config.outputs !== undefined ? [{ spec: config.outputs, source }] : []),
    ],
    allPhases,
    state,
    issues,
  );

  let module: WorkflowPlan['module'];
  if (config.workflowModule !== undefined) {
    try {
      module = await importWorkflowModule(config.workflowModule, baseDir);
    } catch (err) {
      issues.push(
        issueAt(
          source,
          ['workflow_module'],
          'INVALID_VALUE',
          err instanceof Error ? err.message : String(err),
          'paths are relative to the config file',
        ),
      );
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);

  // Phases whose config reads no earlier phase: load them now, so their config errors
  // show before the first phase runs rather than after it.
  const scope = { config: state.config, params, phases: {}, iteration: 1 };
  for (const p of planned) {
    if (p.readsPhases) continue;
    const overlay = resolveTemplates(p.spec.config, scope) as Record<string, unknown>;
    const topology = resolveTemplates(p.spec.topology, scope);
    const layer = overlayAll([overlay, { phase: p.spec.name }, topology !== undefined ? { topology } : {}]) as Record<
      string,
      unknown
    >;
    try {
      await loadWorkflow(file, { ...load, overlay: layer, pendingStores: true });
      const ref = resolveTemplates(p.spec.sequence, scope);
      // The config's own sequence was resolved by the load; a phase's is checked here.
      if (ref !== undefined) await resolveSequence(p.source, [...p.at, 'sequence'], ref, userDirs);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push(
        ...relocatePhaseError(err, p, overlay, file).issues.map((issue) =>
          toWorkflowParam(issue, p, source, config.workflowParams),
        ),
      );
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);

  return {
    file,
    source,
    pattern:
      pattern === undefined
        ? null
        : { name: pattern.def.name, file: pattern.file, description: pattern.def.description },
    base,
    params,
    defaults,
    phases,
    branches,
    iteration,
    outputs,
    outputFiles,
    module,
    allPhases,
    load,
    patternDirs: userDirs,
    plainConfig: false,
  };
}
