/**
 * Checks a `{{ … }}` template of a workflow before anything runs: the root it reads, the
 * config or param it names, and for `phases.<name>.…` whether that phase runs before the
 * template is resolved, and the results key and metric it names.
 */
import { didYouMean } from '../errors/suggest.ts';
import { isMetricName } from '../domain/metrics/performance.ts';
import { metricHint } from './conditions.ts';
import { BEST_KEYS, PHASE_VIEW_KEYS, TEMPLATE_ROOTS } from './phase-view.ts';
import { lookup, type TemplateUse } from './templates.ts';

/** Where a template sits: what it may read. */
export interface TemplateContext {
  /** Phases the template may read. */
  readonly readable: readonly string[];
  readonly all: readonly string[];
  /** The phase the template is in (it may not read itself). */
  readonly self: string | null;
  readonly state: { readonly params: Record<string, unknown>; readonly config: Record<string, unknown> };
}

/** What a check found: a problem to report, and the phase the template reads, if any. */
interface TemplateCheck {
  readonly problem?: { message: string; hint?: string };
  readonly phase?: string;
}

/** The hint for a phase name that is not one of `phases`. */
export function phaseHint(name: string, phases: readonly string[]): string {
  const guess = didYouMean(name, phases);
  return guess !== undefined
    ? `did you mean '${guess}'?`
    : phases.length > 0
      ? `phases it can read: ${phases.join(', ')}`
      : 'no earlier phase to read';
}

/**
 * Checks a template before anything runs: a known root; `config.…` and `params.…`
 * resolve now; `phases.<name>.<key>…` names a readable phase, a key of its results and,
 * under `metrics`, a known metric.
 */
export function checkTemplate(use: TemplateUse, ctx: TemplateContext): TemplateCheck {
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
  const checkMetric = (m: string | number | undefined): TemplateCheck => {
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
