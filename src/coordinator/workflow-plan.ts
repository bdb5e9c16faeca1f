/**
 * Turns a user config into a multi-phase workflow plan and checks all of it before
 * anything runs: the workflow pattern (`workflow: <name>`) or inline `phases:`, phase
 * names, `depends_on` (unknown names, cycles), every `{{ … }}` template (its root, the
 * phase it reads, the metric it names), conditions, `iteration.until`, outputs (file
 * paths never leave the results folder) and the `workflow_module`. Every problem is a
 * located ConfigError, all reported at once.
 */
import { dirname, isAbsolute, normalize, resolve, sep } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, type ConfigIssue, type ConfigPath } from '../config/config-error.ts';
import { clonePlain, deepMerge, isPlainObject } from '../config/deep-merge.ts';
import { loadWorkflow } from '../load/load-workflow.ts';
import type { LoadedWorkflow, LoadWorkflowOptions } from '../topology/loaded-workflow.ts';
import { overlayAll } from '../config/overlay.ts';
import { applySetOverrides } from '../config/set-override.ts';
import { didYouMean } from '../errors/suggest.ts';
import { parseConfig } from '../config/validate.ts';
import { yamlConfig } from '../config/schema/workflow.ts';
import { issueAt, loadYamlFile, type YamlSource } from '../config/yaml-source.ts';
import type { CompiledExpression } from '../config/expression.ts';
import {
  WorkflowPatternSchema,
  type BranchSpec,
  type IterationSpec,
  type OutputFileSpec,
  type PhaseSpec,
  type WorkflowPattern,
} from '../config/schema/workflow-pattern.ts';
import { isMetricName } from '../domain/metrics/performance.ts';
import { discoverPatterns } from '../patterns/discover.ts';
import {
  compileCondition,
  compileResultsExpression,
  ConditionError,
  metricHint,
  type CompiledCondition,
} from './conditions.ts';
import { importWorkflowModule, type ComposableWorkflow } from './composable.ts';
import { orderPhases, type PhaseNode } from './phase-graph.ts';
import { BEST_KEYS, PHASE_VIEW_KEYS, TEMPLATE_ROOTS } from './phase-view.ts';
import { findTemplates, lookup, resolveTemplates, type TemplateUse } from './templates.ts';
import { resolveSequence } from '../sequencer/resolve-sequence.ts';

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

  const names = new Map<string, ConfigPath>();
  const all: { spec: PhaseSpec; source: YamlSource; at: ConfigPath; branch: string | null }[] = [];
  const addPhase = (spec: PhaseSpec, src: YamlSource, at: ConfigPath, branch: string | null): void => {
    if (names.has(spec.name)) {
      issues.push(
        issueAt(
          src,
          [...at, 'name'],
          'DUPLICATE_KEY',
          `phase name '${spec.name}' is used twice`,
          'phase names are unique in a workflow (main phases and branch phases): they name results folders',
        ),
      );
    }
    names.set(spec.name, at);
    all.push({ spec, source: src, at, branch });
  };
  phaseSpecs.forEach((spec, i) => addPhase(spec, specSource, implicit ? [] : ['phases', i], null));
  const branchNames = branchPart.list.map((b, i) => b.name ?? `branch_${i + 1}`);
  branchPart.list.forEach((b, bi) =>
    b.phases.forEach((spec, i) => addPhase(spec, branchPart.source, ['branches', bi, 'phases', i], branchNames[bi]!)),
  );
  branchPart.list.forEach((b, bi) => {
    if (b.name !== undefined && branchNames.indexOf(b.name) !== bi)
      issues.push(
        issueAt(branchPart.source, ['branches', bi, 'name'], 'DUPLICATE_KEY', `branch name '${b.name}' is used twice`),
      );
  });
  const mainNames = phaseSpecs.map((p) => p.name);
  const allPhases = all.map((p) => p.spec.name);
  // Templates and expressions name config keys as the YAML does: `{{ config.portfolio.initial_cash }}`.
  const state = { params, config: yamlConfig(config) as Record<string, unknown> };

  const planPhase = (p: (typeof all)[number]): PlannedPhase => {
    const visible =
      p.branch === null
        ? mainNames
        : [...mainNames, ...all.filter((q) => q.branch === p.branch).map((q) => q.spec.name)];
    const readable = visible.filter((n) => n !== p.spec.name);
    const soft = new Set<string>();
    let readsPhases = false;
    const check = (value: unknown, at: ConfigPath, runTime: boolean, readsSelf = false): void => {
      for (const use of findTemplates(value, [...p.at, ...at])) {
        const ctx = readsSelf
          ? { readable: [...readable, p.spec.name], all: allPhases, self: null, state }
          : { readable, all: allPhases, self: p.spec.name, state };
        const ref = checkTemplate(use, ctx);
        if (ref.problem !== undefined)
          issues.push(
            issueAt(p.source, use.at, 'TEMPLATE', `phase '${p.spec.name}': ${ref.problem.message}`, ref.problem.hint),
          );
        if (ref.phase !== undefined && ref.phase !== p.spec.name) {
          soft.add(ref.phase);
          if (runTime) readsPhases = true;
        }
      }
    };
    check(p.spec.config, ['config'], true);
    check(p.spec.sequence, ['sequence'], true);
    check(p.spec.topology, ['topology'], true);
    check(p.spec.condition, ['condition'], false);
    check(p.spec.outputs, ['outputs'], false, true);
    p.spec.dependsOn.forEach((d, i) => {
      if (readable.includes(d)) return;
      const at = [...p.at, 'depends_on', i];
      if (d === p.spec.name) issues.push(issueAt(p.source, at, 'INVALID_VALUE', `phase '${d}' depends on itself`));
      else if (allPhases.includes(d))
        issues.push(
          issueAt(
            p.source,
            at,
            'INVALID_VALUE',
            `phase '${p.spec.name}' cannot depend on '${d}': ${whereRuns(d, all)}`,
            'a main phase depends on main phases; a branch phase on main phases and phases of its own branch',
          ),
        );
      else
        issues.push(
          issueAt(
            p.source,
            at,
            'UNKNOWN_NAME',
            `phase '${p.spec.name}' depends on unknown phase '${d}'`,
            phaseHint(d, readable),
          ),
        );
    });
    let condition: CompiledCondition | undefined;
    if (p.spec.condition !== undefined) {
      try {
        condition = compileCondition(p.spec.condition, { phases: readable, allPhases, ...state });
        for (const r of condition.refs) soft.add(r);
      } catch (err) {
        if (!(err instanceof ConditionError)) throw err;
        issues.push(
          issueAt(
            p.source,
            [...p.at, 'condition', ...err.at],
            'CONDITION',
            `phase '${p.spec.name}': ${err.message}`,
            err.hint,
          ),
        );
      }
    }
    const node: PhaseNode = {
      name: p.spec.name,
      hard: p.spec.dependsOn.filter((d) => readable.includes(d)),
      soft: [...soft].filter((d) => readable.includes(d)),
    };
    return { spec: p.spec, source: p.source, at: p.at, branch: p.branch, node, condition, readsPhases };
  };

  const order = (group: PlannedPhase[]): PlannedPhase[] => {
    const result = orderPhases(group.map((g) => g.node));
    if ('order' in result) return result.order.map((n) => group.find((g) => g.spec.name === n)!);
    const first = group.find((g) => g.spec.name === result.cycle[0])!;
    const next = result.cycle[1]!;
    const di = first.spec.dependsOn.indexOf(next);
    issues.push(
      issueAt(
        first.source,
        di >= 0 ? [...first.at, 'depends_on', di] : [...first.at, 'name'],
        'CYCLE',
        `phases wait for each other in a cycle: ${result.cycle.join(' → ')}`,
        'each arrow reads "waits for" (depends_on, or a condition or template that reads the phase); break the cycle',
      ),
    );
    return group;
  };

  const planned = all.map(planPhase);
  const phases = order(planned.filter((p) => p.branch === null));
  const branches: PlannedBranch[] = branchPart.list.map((spec, bi) => {
    const name = branchNames[bi]!;
    const at: ConfigPath = ['branches', bi];
    let when: CompiledCondition | undefined;
    if (spec.when !== undefined) {
      for (const use of findTemplates(spec.when, [...at, 'when'])) {
        const ref = checkTemplate(use, { readable: mainNames, all: allPhases, self: null, state });
        if (ref.problem !== undefined)
          issues.push(
            issueAt(
              branchPart.source,
              use.at,
              'TEMPLATE',
              `branch '${name}': ${ref.problem.message}`,
              ref.problem.hint,
            ),
          );
      }
      try {
        when = compileCondition(spec.when, { phases: mainNames, allPhases, ...state });
      } catch (err) {
        if (!(err instanceof ConditionError)) throw err;
        issues.push(
          issueAt(
            branchPart.source,
            [...at, 'when', ...err.at],
            'CONDITION',
            `branch '${name}': ${err.message}`,
            err.hint,
          ),
        );
      }
    }
    return { name, spec, source: branchPart.source, at, when, phases: order(planned.filter((p) => p.branch === name)) };
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
  const outputs: PlannedOutput[] = [];
  const outputFiles: PlannedOutputFile[] = [];
  const outputParts = [
    ...(pattern?.def.outputs !== undefined ? [{ spec: pattern.def.outputs, source: pattern.source }] : []),
    ...(config.outputs !== undefined ? [{ spec: config.outputs, source }] : []),
  ];
  for (const part of outputParts) {
    for (const [key, value] of Object.entries(part.spec)) {
      if (key === 'files') continue;
      const i = outputs.findIndex((o) => o.key === key);
      if (i >= 0) outputs.splice(i, 1);
      outputs.push({ key, value, source: part.source, at: ['outputs', key] });
    }
    (part.spec.files ?? []).forEach((f, i) => {
      const at: ConfigPath = ['outputs', 'files', i];
      const rel = safeRelative(f.path);
      if (rel === undefined) {
        issues.push(
          issueAt(
            part.source,
            [...at, 'path'],
            'INVALID_VALUE',
            `output file '${f.path}' is outside the results folder`,
            'write a relative path without ../ that stays inside results/<workflow_id>/, e.g. best_params.json',
          ),
        );
      } else {
        const clash = engineFileClash(rel, allPhases);
        if (clash !== undefined) {
          issues.push(
            issueAt(
              part.source,
              [...at, 'path'],
              'INVALID_VALUE',
              `output file '${f.path}' would overwrite the engine's ${clash}`,
              'choose another name, e.g. outputs/best_params.json',
            ),
          );
        }
      }
      if ((f.template === undefined) === (f.value === undefined)) {
        issues.push(
          issueAt(
            part.source,
            at,
            'INVALID_VALUE',
            `output file '${f.path}' needs exactly one of template: (text) or value: (written as JSON/YAML)`,
          ),
        );
      }
      outputFiles.push({ spec: f, path: rel ?? f.path, source: part.source, at });
    });
  }
  for (const o of [
    ...outputs,
    ...outputFiles.map((f) => ({
      value: { template: f.spec.template, value: f.spec.value },
      source: f.source,
      at: f.at,
    })),
  ]) {
    for (const use of findTemplates(o.value, o.at)) {
      const ref = checkTemplate(use, { readable: allPhases, all: allPhases, self: null, state });
      if (ref.problem !== undefined)
        issues.push(issueAt(o.source, use.at, 'TEMPLATE', `outputs: ${ref.problem.message}`, ref.problem.hint));
    }
  }

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

/**
 * A config error of a phase's merged config, each issue prefixed with the phase: issues
 * about values that came from the phase overlay are moved to the overlay in the pattern
 * (or inline phase), where the user can fix them.
 */
export function relocatePhaseError(
  err: ConfigError,
  p: PlannedPhase,
  overlay: Record<string, unknown>,
  userFile: string,
): ConfigError {
  const issues: ConfigIssue[] = err.issues.map((issue) => {
    if (issue.file !== userFile || !fromOverlay(overlay, issue.path))
      return { ...issue, message: `phase '${p.spec.name}': ${issue.message}` };
    const moved = issueAt(
      p.source,
      [...p.at, 'config', ...issue.path],
      issue.code,
      `phase '${p.spec.name}': ${issue.message}`,
      issue.hint,
    );
    return { ...moved, path: issue.path };
  });
  return new ConfigError(issues);
}

/**
 * A pattern's sequence setting written as `"{{ params.NAME }}"` takes its value from the
 * user's `workflow_params.NAME`: an invalid value is the user's, located there rather
 * than in the pattern file.
 */
function toWorkflowParam(
  issue: ConfigIssue,
  p: PlannedPhase,
  userSource: YamlSource,
  userParams: Record<string, unknown> | undefined,
): ConfigIssue {
  const prefix = [...p.at, 'sequence'];
  if (
    issue.file !== p.source.file ||
    issue.path.length !== prefix.length + 1 ||
    prefix.some((seg, i) => issue.path[i] !== seg)
  )
    return issue;
  const key = issue.path[prefix.length];
  const spec = p.spec.sequence;
  const template = isPlainObject(spec) && key !== undefined ? spec[String(key)] : undefined;
  const name =
    typeof template === 'string' ? /^\{\{\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(template)?.[1] : undefined;
  if (name === undefined || userParams === undefined || !Object.hasOwn(userParams, name)) return issue;
  const moved = issueAt(userSource, ['workflow_params', name], issue.code, issue.message, issue.hint);
  return moved;
}

/** True when the overlay sets the value at `path` (or a list or value that holds it). */
function fromOverlay(overlay: unknown, path: readonly (string | number)[]): boolean {
  let cur = overlay;
  for (const seg of path) {
    if (!isPlainObject(cur)) return cur !== undefined;
    if (!Object.hasOwn(cur, String(seg))) return false;
    cur = cur[String(seg)];
  }
  return cur !== undefined && path.length > 0;
}

/** Files the engine writes at the top of a results folder (besides the phase folders). */
const ENGINE_FILES = ['workflow.json', 'report.html'];

/** What of the engine's an output file at `rel` (normalized, relative) would overwrite, if anything. */
function engineFileClash(rel: string, phases: readonly string[]): string | undefined {
  const first = rel.split(/[\\/]/)[0] ?? rel;
  if (ENGINE_FILES.includes(rel)) return rel;
  if (phases.includes(first)) return `phase folder '${first}'`;
  if (first.startsWith('.')) return "hidden files (names starting with '.')";
  return undefined;
}

/** `path` normalized and relative, or undefined when it would leave the folder it is relative to. */
export function safeRelative(path: string): string | undefined {
  if (path.trim() === '' || isAbsolute(path) || /^[A-Za-z]:/.test(path)) return undefined;
  const n = normalize(path);
  if (n === '..' || n.startsWith(`..${sep}`) || n.startsWith('../') || n === '.' || n.endsWith(sep)) return undefined;
  return n;
}

function whereRuns(name: string, all: readonly { spec: PhaseSpec; branch: string | null }[]): string {
  const b = all.find((p) => p.spec.name === name)?.branch;
  return b === null || b === undefined ? 'it is a main phase' : `it runs in branch '${b}'`;
}

function phaseHint(name: string, phases: readonly string[]): string {
  const guess = didYouMean(name, phases);
  return guess !== undefined
    ? `did you mean '${guess}'?`
    : phases.length > 0
      ? `phases it can read: ${phases.join(', ')}`
      : 'no earlier phase to read';
}

interface TemplateContext {
  /** Phases the template may read. */
  readonly readable: readonly string[];
  readonly all: readonly string[];
  /** The phase the template is in (it may not read itself). */
  readonly self: string | null;
  readonly state: { readonly params: Record<string, unknown>; readonly config: Record<string, unknown> };
}

/**
 * Checks a template before anything runs: a known root; `config.…` and `params.…`
 * resolve now; `phases.<name>.<key>…` names a readable phase, a key of its results and,
 * under `metrics`, a known metric.
 */
function checkTemplate(
  use: TemplateUse,
  ctx: TemplateContext,
): { problem?: { message: string; hint?: string }; phase?: string } {
  const path = use.path;
  if (path === undefined)
    return {
      problem: {
        message: `cannot read {{ ${use.text} }} as a reference`,
        hint: 'write a dotted path such as {{ phases.optimize.best.parameters }}',
      },
    };
  const root = path[0] as string;
  const bad = (message: string, hint?: string): { problem: { message: string; hint?: string } } => ({
    problem:
      hint !== undefined
        ? { message: `{{ ${use.text} }}: ${message}`, hint }
        : { message: `{{ ${use.text} }}: ${message}` },
  });
  if (!(TEMPLATE_ROOTS as readonly string[]).includes(root)) {
    const guess = didYouMean(root, TEMPLATE_ROOTS);
    return bad(
      `unknown root '${root}'`,
      guess !== undefined ? `did you mean '${guess}'?` : `roots: ${TEMPLATE_ROOTS.join(', ')}`,
    );
  }
  if (root === 'iteration') return path.length === 1 ? {} : bad('iteration is a number; it has no fields');
  if (root === 'config' || root === 'params') {
    const found = lookup({ [root]: root === 'config' ? ctx.state.config : ctx.state.params }, path);
    return found.ok ? {} : bad(found.message, found.hint);
  }
  const phase = path[1];
  if (typeof phase !== 'string') return bad('name a phase: phases.<name>.…');
  if (phase === ctx.self) return bad(`a phase cannot read its own results`);
  if (!ctx.readable.includes(phase)) {
    if (ctx.all.includes(phase))
      return bad(
        `phase '${phase}' does not run before this point`,
        'a phase reads main phases, or phases of its own branch',
      );
    return bad(`unknown phase '${phase}'`, phaseHint(phase, ctx.readable));
  }
  const key = path[2];
  if (key === undefined) return { phase };
  if (typeof key !== 'string' || !(PHASE_VIEW_KEYS as readonly string[]).includes(key)) {
    const guess = didYouMean(String(key), PHASE_VIEW_KEYS);
    return bad(
      `phases.${phase} has no '${String(key)}'`,
      guess !== undefined ? `did you mean '${guess}'?` : `keys: ${PHASE_VIEW_KEYS.join(', ')}`,
    );
  }
  const checkMetric = (
    m: string | number | undefined,
  ): { problem?: { message: string; hint?: string }; phase?: string } => {
    if (m === undefined || (typeof m === 'string' && isMetricName(m))) return { phase };
    return bad(`unknown metric '${String(m)}'`, metricHint(String(m)));
  };
  if (key === 'metrics') return checkMetric(path[3]);
  if (key === 'best' && path[3] !== undefined) {
    const sub = path[3];
    if (typeof sub !== 'string' || !(BEST_KEYS as readonly string[]).includes(sub)) {
      const guess = didYouMean(String(sub), BEST_KEYS);
      return bad(
        `phases.${phase}.best has no '${String(sub)}'`,
        guess !== undefined ? `did you mean '${guess}'?` : `keys: ${BEST_KEYS.join(', ')}`,
      );
    }
    if (sub === 'metrics') return checkMetric(path[4]);
  }
  return { phase };
}
