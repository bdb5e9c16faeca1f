/**
 * What templates, conditions and `until` expressions see of the workflow so far: one
 * plain view per phase (`phases.<name>.…`), the workflow params (`params.…`), the
 * resolved base config (`config.…`) and the iteration number.
 */
import { castDraft, produce } from 'immer';
import type { ExpressionEnv, ExpressionValue } from '../config/expression-language.ts';
import { isPlainObject } from '../config/deep-merge.ts';
import { METRIC_NAMES } from '../domain/metrics/performance.ts';
import { PHASE_STATUSES, type PhaseStatus } from '../config/schema/workflow-pattern.ts';

/** The best strategy of a phase. */
export interface BestView {
  readonly strategy_id: string;
  readonly type: string;
  readonly parameters: Record<string, unknown>;
  readonly metrics: Record<string, number | null>;
  /**
   * The config entry it came from with its grid replaced by these parameters (filter, id
   * and the rest kept): a strategy entry ready for the next phase's `strategies:`.
   */
  readonly strategy: Record<string, unknown>;
}

/** One phase as `{{ phases.<name>.… }}` and conditions read it. */
export interface PhaseView {
  readonly name: string;
  readonly status: PhaseStatus;
  /** Why it was skipped, or its failure message; null when it completed. */
  readonly reason: string | null;
  readonly primary_metric: string | null;
  readonly best: BestView | null;
  /** Headline metrics; every metric name is present, null when there is no value. */
  readonly metrics: Record<string, number | null>;
  readonly iterations: readonly Record<string, unknown>[];
  readonly aggregate: Record<string, unknown> | null;
  readonly extra: Record<string, unknown>;
  /** The phase's own `outputs:`, resolved after it ran. */
  readonly outputs: Record<string, unknown>;
}

/** Keys of a {@link PhaseView}, for static checks of `phases.<name>.<key>` references. */
export const PHASE_VIEW_KEYS = [
  'name',
  'status',
  'reason',
  'primary_metric',
  'best',
  'metrics',
  'iterations',
  'aggregate',
  'extra',
  'outputs',
] as const;
/** Keys of `phases.<name>.best`. */
export const BEST_KEYS = ['strategy_id', 'type', 'parameters', 'metrics', 'strategy'] as const;

/** Every metric name with null, overlaid with the values given. */
export function fullMetrics(
  metrics: Readonly<Record<string, number | null>> | undefined,
): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const m of METRIC_NAMES) out[m] = null;
  for (const [k, v] of Object.entries(metrics ?? {})) out[k] = typeof v === 'number' && Number.isFinite(v) ? v : null;
  return out;
}

/** The view of a phase that did not run (skipped, cancelled, or a branch not taken). */
export function notRunView(
  name: string,
  status: PhaseStatus,
  reason: string | null,
  primaryMetric: string | null = null,
): PhaseView {
  return {
    name,
    status,
    reason,
    primary_metric: primaryMetric,
    best: null,
    metrics: fullMetrics(undefined),
    iterations: [],
    aggregate: null,
    extra: {},
    outputs: {},
  };
}

/** What a workflow knows at some point of its run. */
export interface ResultsState {
  /** Views of the phases that have an outcome (run, skipped…), by name. */
  readonly phases: Readonly<Record<string, PhaseView>>;
  readonly params: Readonly<Record<string, unknown>>;
  /** The resolved base config. */
  readonly config: Readonly<Record<string, unknown>>;
  /** 1-based iteration of the workflow. */
  readonly iteration: number;
}

/**
 * The state with one more phase's outcome: a new deep-frozen value made with immer that
 * shares every other phase's view, the params and the config with `state`. Produced once
 * per phase, never per bar.
 */
export function withPhaseView(state: ResultsState, view: PhaseView): ResultsState {
  return produce(state, (draft) => {
    draft.phases[view.name] = castDraft(view);
  });
}

/** The roots a template may start with. */
export const TEMPLATE_ROOTS = ['config', 'params', 'phases', 'iteration'] as const;

/** The template scope of a state: `{ config, params, phases, iteration }`. */
export function templateScope(state: ResultsState): Record<string, unknown> {
  return { config: state.config, params: state.params, phases: state.phases, iteration: state.iteration };
}

/** Explains a reference that meets null inside `phases.<name>` (a phase without a best result). */
export function explainNull(state: ResultsState): (prefix: readonly (string | number)[]) => string | undefined {
  return (prefix) => {
    if (prefix[0] !== 'phases' || typeof prefix[1] !== 'string') return undefined;
    const view = state.phases[prefix[1]];
    if (view === undefined) return undefined;
    return view.status === 'completed'
      ? `phase '${view.name}' completed without one`
      : `phase '${view.name}' ${view.status}${view.reason !== null ? `: ${view.reason}` : ''}`;
  };
}

/** Numeric and boolean leaves of plain data as dotted names (lists are left out). */
function leaves(prefix: string, value: unknown, out: Map<string, number | boolean>): void {
  if (typeof value === 'number' || typeof value === 'boolean') out.set(prefix, value);
  else if (isPlainObject(value))
    for (const [k, v] of Object.entries(value)) if (/^[A-Za-z_]\w*$/.test(k)) leaves(`${prefix}.${k}`, v, out);
}

/**
 * The names an expression (`condition.expression`, `iteration.until`) may use, given the
 * phases it may refer to:
 *
 * - `phases.<p>.status` (compared with a quoted status: `== 'completed'`),
 * - `phases.<p>.metrics.<metric>` and `phases.<p>.best.metrics.<metric>`,
 * - `params.<name>` and `config.<path>` (numbers and true/false),
 * - `iteration` (1-based).
 */
export function expressionEnv(
  phases: readonly string[],
  state: Pick<ResultsState, 'params' | 'config'>,
): ExpressionEnv {
  const identifiers: string[] = ['iteration'];
  const strings: Record<string, readonly string[]> = {};
  for (const p of phases) {
    strings[`phases.${p}.status`] = PHASE_STATUSES;
    for (const m of METRIC_NAMES) identifiers.push(`phases.${p}.metrics.${m}`, `phases.${p}.best.metrics.${m}`);
  }
  const values = new Map<string, number | boolean>();
  leaves('params', state.params, values);
  leaves('config', state.config, values);
  identifiers.push(...values.keys());
  return { identifiers, strings, dottedNames: true };
}

/** The values of every name of {@link expressionEnv}; a missing metric is NaN (comparisons are false). */
export function expressionScope(phases: readonly string[], state: ResultsState): Record<string, ExpressionValue> {
  const scope: Record<string, ExpressionValue> = { iteration: state.iteration };
  for (const p of phases) {
    const view = state.phases[p] ?? notRunView(p, 'skipped', 'not run');
    scope[`phases.${p}.status`] = view.status;
    const best = fullMetrics(view.best?.metrics);
    const metrics = fullMetrics(view.metrics);
    for (const m of METRIC_NAMES) {
      scope[`phases.${p}.metrics.${m}`] = metrics[m] ?? NaN;
      scope[`phases.${p}.best.metrics.${m}`] = best[m] ?? NaN;
    }
  }
  const values = new Map<string, number | boolean>();
  leaves('params', state.params, values);
  leaves('config', state.config, values);
  for (const [k, v] of values) scope[k] = v;
  return scope;
}

/** A number as reasons print it: at most 4 decimals, n/a for none. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toFixed(4)));
}
