/**
 * Conditions on phases and branches:
 *
 * - `metric_threshold: { phase, metric, operator, threshold }` — an earlier phase's
 *   headline metric compared with a number (or a template resolving to one);
 * - `phase_status: { phase, status }` — an earlier phase ended with this status (or one of
 *   a list);
 * - `expression: "…"` — the safe expression language of strategy filters over
 *   `phases.<p>.metrics.<m>`, `phases.<p>.status`, `params.<k>`, `config.<path>`.
 *
 * A condition that does not hold gives the reason in words, recorded as the skip reason
 * (`optimize sharpe_ratio 0.31 is not > 0.5`).
 */
import { SluiceError } from '../errors/sluice-error.ts';
import type { ConfigPath } from '../config/config-error.ts';
import { compileExpression } from '../config/expression.ts';
import { ExpressionError, type CompiledExpression } from '../config/expression-language.ts';
import { didYouMean } from '../errors/suggest.ts';
import { isMetricName, METRIC_NAMES } from '../domain/metrics/performance.ts';
import type { Condition, PhaseStatus, ThresholdOperator } from '../config/schema/workflow-pattern.ts';
import {
  expressionEnv,
  expressionScope,
  explainNull,
  formatNumber,
  templateScope,
  type ResultsState,
} from './phase-view.ts';
import { hasTemplate, resolveTemplates, TemplateError } from './templates.ts';

/** Whether a condition holds, and why (or why not), in words. */
export interface ConditionCheck {
  readonly holds: boolean;
  readonly reason: string;
}

/** A checked condition, ready to evaluate against results. */
export interface CompiledCondition {
  /** The phases it reads (they must have an outcome before it is evaluated). */
  readonly refs: readonly string[];
  /**
   * Evaluates it against the results so far.
   * @throws ConditionError when a template in it cannot be resolved to a number.
   */
  evaluate(state: ResultsState): ConditionCheck;
}

/** A mistake in a condition; `at` is relative to the condition's node. */
export class ConditionError extends SluiceError {
  readonly category = 'condition';
  constructor(
    message: string,
    readonly at: ConfigPath,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ConditionError';
  }
}

/** What a condition may refer to. */
export interface ConditionContext {
  /** The phases it may read (earlier phases; not the phase it guards). */
  readonly phases: readonly string[];
  /** All phase names of the workflow, for better messages about the others. */
  readonly allPhases: readonly string[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly config: Readonly<Record<string, unknown>>;
}

const COMPARE: Record<ThresholdOperator, (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/**
 * Checks a condition against what it may refer to and compiles it.
 *
 * @throws ConditionError for an unknown phase or metric (with a did-you-mean) or an
 *   expression that does not compile.
 */
export function compileCondition(cond: Condition, ctx: ConditionContext): CompiledCondition {
  if ('metricThreshold' in cond) {
    const c = cond.metricThreshold;
    checkPhase(c.phase, ['metric_threshold', 'phase'], ctx);
    if (!isMetricName(c.metric)) {
      throw new ConditionError(`unknown metric '${c.metric}'`, ['metric_threshold', 'metric'], metricHint(c.metric));
    }
    const operator = c.operator;
    return {
      refs: [c.phase],
      evaluate(state) {
        const threshold = thresholdValue(c.threshold, state);
        const view = state.phases[c.phase];
        const value = view?.metrics[c.metric] ?? null;
        const rule = `${operator} ${formatNumber(threshold)}`;
        if (value === null) {
          const why = view !== undefined && view.status !== 'completed' ? ` (${c.phase} ${view.status})` : '';
          return { holds: false, reason: `${c.phase} ${c.metric} is n/a${why}, not ${rule}` };
        }
        const holds = COMPARE[operator](value, threshold);
        return { holds, reason: `${c.phase} ${c.metric} ${formatNumber(value)} ${holds ? '' : 'is not '}${rule}` };
      },
    };
  }
  if ('phaseStatus' in cond) {
    const c = cond.phaseStatus;
    checkPhase(c.phase, ['phase_status', 'phase'], ctx);
    const wanted: readonly PhaseStatus[] = typeof c.status === 'string' ? [c.status] : c.status;
    return {
      refs: [c.phase],
      evaluate(state) {
        const status = state.phases[c.phase]?.status ?? 'skipped';
        const holds = wanted.includes(status);
        const want = wanted.length === 1 ? wanted[0]! : `one of ${wanted.join(', ')}`;
        return { holds, reason: holds ? `${c.phase} is ${status}` : `${c.phase} is ${status}, not ${want}` };
      },
    };
  }
  const text = cond.expression;
  const { refs, compiled } = compileResultsExpression(text, ctx, ['expression']);
  return {
    refs,
    evaluate(state) {
      const scope = expressionScope(ctx.phases, state);
      const holds = truthy(compiled(scope));
      const used = namesIn(text, scope);
      const values = used.length > 0 ? ` (${used.map((n) => `${n} = ${show(scope[n])}`).join(', ')})` : '';
      return { holds, reason: `${text} is ${holds ? 'true' : 'false'}${values}` };
    },
  };
}

/**
 * Compiles an expression over results (a condition, `iteration.until`): the names of
 * {@link expressionEnv} for `ctx.phases`.
 *
 * @param at where the expression is, for the error.
 * @throws ConditionError naming the character, with a did-you-mean.
 */
export function compileResultsExpression(
  text: string,
  ctx: ConditionContext,
  at: ConfigPath,
): { refs: string[]; compiled: CompiledExpression } {
  const refs = [...new Set([...text.matchAll(/\bphases\.([a-z][a-z0-9_]*)/g)].map((m) => m[1]!))];
  for (const p of refs) checkPhase(p, at, ctx);
  // Names under phases.<p> first, for a better hint than a did-you-mean over every dotted name.
  for (const m of text.matchAll(/\bphases\.[a-z][a-z0-9_]*((?:\.[A-Za-z_]\w*)*)/g)) {
    const rest = m[1]!.split('.').slice(1);
    const [key, sub, metric] = rest;
    const ok =
      (key === 'status' && sub === undefined) ||
      (key === 'metrics' && sub !== undefined && isMetricName(sub) && metric === undefined) ||
      (key === 'best' && sub === 'metrics' && metric !== undefined && isMetricName(metric) && rest.length === 3);
    if (ok) continue;
    const bad =
      key === 'metrics' && sub !== undefined && !isMetricName(sub)
        ? sub
        : key === 'best' && sub === 'metrics' && metric !== undefined && !isMetricName(metric)
          ? metric
          : undefined;
    if (bad !== undefined) throw new ConditionError(`unknown metric '${bad}' in ${m[0]}`, at, metricHint(bad));
    throw new ConditionError(
      `an expression cannot read ${m[0]}`,
      at,
      'it reads phases.<name>.status, phases.<name>.metrics.<metric> and phases.<name>.best.metrics.<metric> (templates {{ … }} read the rest)',
    );
  }
  try {
    return { refs, compiled: compileExpression(text, expressionEnv(ctx.phases, ctx)) };
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    const pointer = `${text}\n${' '.repeat(err.index)}^`;
    // The list of every dotted name is too long to be a hint; say what the names look like.
    const hint = err.hint?.startsWith('names:') === true ? `names: ${NAME_FORMS}` : err.hint;
    throw new ConditionError(`${err.message} in the expression at character ${err.index + 1}:\n${pointer}`, at, hint);
  }
}

const NAME_FORMS =
  "phases.<phase>.status (== 'completed'…), phases.<phase>.metrics.<metric>, phases.<phase>.best.metrics.<metric>, params.<name>, config.<path> (numbers and true/false), iteration";

/** Evaluates a compiled results expression against a state. */
export function evaluateResultsExpression(
  compiled: CompiledExpression,
  phases: readonly string[],
  state: ResultsState,
): boolean {
  return truthy(compiled(expressionScope(phases, state)));
}

function checkPhase(name: string, at: ConfigPath, ctx: ConditionContext): void {
  if (ctx.phases.includes(name)) return;
  if (ctx.allPhases.includes(name)) {
    throw new ConditionError(
      `phase '${name}' cannot be read here: it does not run before this point`,
      at,
      'a condition reads phases that run earlier (main phases, or phases of the same branch)',
    );
  }
  throw new ConditionError(`unknown phase '${name}'`, at, hintFor(name, ctx.phases, 'phases'));
}

/** A did-you-mean for a metric name, also when the name is the start of one (`sharpe`). */
export function metricHint(word: string): string {
  const guess =
    didYouMean(word, METRIC_NAMES) ??
    METRIC_NAMES.find((m) => m.startsWith(word)) ??
    METRIC_NAMES.find((m) => m.includes(word));
  return guess !== undefined ? `did you mean '${guess}'?` : 'metrics are listed in docs/metrics.md';
}

function hintFor(word: string, names: readonly string[], what: string): string {
  const guess = didYouMean(word, names);
  return guess !== undefined ? `did you mean '${guess}'?` : `${what}: ${names.slice(0, 30).join(', ')}`;
}

function thresholdValue(threshold: number | string, state: ResultsState): number {
  if (typeof threshold === 'number') return threshold;
  let value: unknown = threshold;
  if (hasTemplate(threshold)) {
    try {
      value = resolveTemplates(threshold, templateScope(state), { explainNull: explainNull(state) });
    } catch (err) {
      if (err instanceof TemplateError)
        throw new ConditionError(err.message, ['metric_threshold', 'threshold'], err.hint);
      throw err;
    }
  }
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) value = Number(value);
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new ConditionError(`threshold ${JSON.stringify(threshold)} is ${JSON.stringify(value)}, not a number`, [
      'metric_threshold',
      'threshold',
    ]);
  }
  return value;
}

function truthy(v: unknown): boolean {
  return typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 && !Number.isNaN(v) : v !== '';
}

/** The scope names an expression text uses, in order of appearance. */
function namesIn(text: string, scope: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*/g)) {
    if (Object.hasOwn(scope, m[0]) && !out.includes(m[0])) out.push(m[0]);
  }
  return out;
}

function show(v: unknown): string {
  return typeof v === 'number' ? formatNumber(v) : typeof v === 'string' ? `'${v}'` : String(v);
}
