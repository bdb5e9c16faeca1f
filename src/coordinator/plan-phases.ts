/**
 * The phases and branches of a workflow, planned and checked before anything runs: phase
 * and branch names unique, each phase's templates, `depends_on` and condition checked
 * against the phases it may read (main phases, and those of its own branch), the waits
 * between phases ordered (a cycle reported), each branch's `when:` compiled.
 */
import type { ConfigIssue, ConfigPath } from '../config/config-error.ts';
import type { BranchSpec, PhaseSpec } from '../config/schema/workflow-pattern.ts';
import { issueAt, type YamlSource } from '../config/yaml-source.ts';
import { compileCondition, ConditionError, type CompiledCondition } from './conditions.ts';
import { orderPhases, type PhaseNode } from './phase-graph.ts';
import { checkTemplate, phaseHint, type TemplateContext } from './template-check.ts';
import { findTemplates } from './templates.ts';
import type { PlannedBranch, PlannedPhase } from './workflow-plan.ts';

/** What the phases are planned from. */
export interface PhasesInput {
  /** The main phases, in the file `source`; `implicit`: the config itself is the one phase (no `phases:`). */
  readonly main: { readonly list: readonly PhaseSpec[]; readonly source: YamlSource; readonly implicit: boolean };
  readonly branches: { readonly list: readonly BranchSpec[]; readonly source: YamlSource };
  /** What `{{ params.… }}` and `{{ config.… }}` read. */
  readonly state: TemplateContext['state'];
  /** Where problems go. */
  readonly issues: ConfigIssue[];
}

/** The planned phases and branches. */
export interface PlannedPhases {
  /** Main phases in run order. */
  readonly phases: readonly PlannedPhase[];
  readonly branches: readonly PlannedBranch[];
  /** Every phase (main, then branches) as declared. */
  readonly planned: readonly PlannedPhase[];
  /** Every phase name (main, then branches). */
  readonly allPhases: readonly string[];
}

/** A phase as declared: where, and the branch it belongs to (null: a main phase). */
interface DeclaredPhase {
  readonly spec: PhaseSpec;
  readonly source: YamlSource;
  readonly at: ConfigPath;
  readonly branch: string | null;
}

/** Plans the phases and branches of `input`; problems go to `input.issues`. */
export function planPhases(input: PhasesInput): PlannedPhases {
  const { main, branches: branchPart, state, issues } = input;
  const names = new Map<string, ConfigPath>();
  const all: DeclaredPhase[] = [];
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
  main.list.forEach((spec, i) => addPhase(spec, main.source, main.implicit ? [] : ['phases', i], null));
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
  const mainNames = main.list.map((p) => p.name);
  const allPhases = all.map((p) => p.spec.name);

  const planPhase = (p: DeclaredPhase): PlannedPhase => {
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
  return { phases, branches, planned, allPhases };
}

function whereRuns(name: string, all: readonly DeclaredPhase[]): string {
  const b = all.find((p) => p.spec.name === name)?.branch;
  return b === null || b === undefined ? 'it is a main phase' : `it runs in branch '${b}'`;
}
