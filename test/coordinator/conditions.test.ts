import { describe, expect, it } from 'vitest';
import { compileCondition, ConditionError, type ConditionContext } from '../../src/coordinator/conditions.ts';
import { fullMetrics, notRunView, type PhaseView, type ResultsState } from '../../src/coordinator/phase-view.ts';
import type { Condition } from '../../src/config/schema/workflow-pattern.ts';
import { compileExpression } from '../../src/config/expression.ts';
import { ExpressionError } from '../../src/config/expression-language.ts';

function view(name: string, sharpe: number | null, status: PhaseView['status'] = 'completed'): PhaseView {
  return {
    ...notRunView(name, status, status === 'completed' ? null : 'because'),
    primary_metric: 'sharpe_ratio',
    metrics: fullMetrics({ sharpe_ratio: sharpe, total_return: 0.02 }),
    best:
      sharpe === null
        ? null
        : {
            strategy_id: 'x',
            type: 'sma_crossover',
            parameters: { fast_period: 5 },
            metrics: fullMetrics({ sharpe_ratio: sharpe }),
            strategy: { type: 'sma_crossover', params: { fast_period: 5 } },
          },
  };
}

const ctx: ConditionContext = {
  phases: ['optimize', 'screen'],
  allPhases: ['optimize', 'screen', 'validate'],
  params: { min_sharpe: 0.5 },
  config: { portfolio: { initial_cash: 1000 } },
};
const state = (phases: Record<string, PhaseView>, iteration = 1): ResultsState => ({
  phases,
  params: ctx.params,
  config: ctx.config,
  iteration,
});

function conditionError(cond: Condition, c: ConditionContext = ctx): ConditionError {
  try {
    compileCondition(cond, c);
  } catch (err) {
    if (err instanceof ConditionError) return err;
    throw err;
  }
  throw new Error('expected a ConditionError');
}

describe('metric_threshold', () => {
  const cond = (operator: '>' | '>=' | '<' | '<=' | '==' | '!=', threshold: number | string): Condition => ({
    metricThreshold: { phase: 'optimize', metric: 'sharpe_ratio', operator, threshold },
  });

  it('says why it does not hold, in words', () => {
    const c = compileCondition(cond('>', 0.5), ctx);
    expect(c.refs).toEqual(['optimize']);
    expect(c.evaluate(state({ optimize: view('optimize', 0.31) }))).toEqual({
      holds: false,
      reason: 'optimize sharpe_ratio 0.31 is not > 0.5',
    });
    expect(c.evaluate(state({ optimize: view('optimize', 0.82) }))).toEqual({
      holds: true,
      reason: 'optimize sharpe_ratio 0.82 > 0.5',
    });
  });

  it('supports every operator', () => {
    const s = state({ optimize: view('optimize', 1) });
    const holds = (op: '>' | '>=' | '<' | '<=' | '==' | '!=', t: number) =>
      compileCondition(cond(op, t), ctx).evaluate(s).holds;
    expect([holds('>', 1), holds('>=', 1), holds('<', 1), holds('<=', 1), holds('==', 1), holds('!=', 1)]).toEqual([
      false,
      true,
      false,
      true,
      true,
      false,
    ]);
  });

  it('reads the threshold from a template', () => {
    const c = compileCondition(cond('>=', '{{ params.min_sharpe }}'), ctx);
    expect(c.evaluate(state({ optimize: view('optimize', 0.5) }))).toEqual({
      holds: true,
      reason: 'optimize sharpe_ratio 0.5 >= 0.5',
    });
  });

  it('does not hold when the metric has no value, and says the phase status', () => {
    const c = compileCondition(cond('>', 0), ctx);
    expect(c.evaluate(state({ optimize: view('optimize', null, 'failed') })).reason).toBe(
      'optimize sharpe_ratio is n/a (optimize failed), not > 0',
    );
  });

  it('refuses an unknown metric and an unknown phase with did-you-mean', () => {
    const m = conditionError({ metricThreshold: { phase: 'optimize', metric: 'sharpe', operator: '>', threshold: 1 } });
    expect(m.message).toBe("unknown metric 'sharpe'");
    expect(m.hint).toBe("did you mean 'sharpe_ratio'?");
    expect(m.at).toEqual(['metric_threshold', 'metric']);
    const p = conditionError({
      metricThreshold: { phase: 'optimise', metric: 'sharpe_ratio', operator: '>', threshold: 1 },
    });
    expect(p.message).toBe("unknown phase 'optimise'");
    expect(p.hint).toBe("did you mean 'optimize'?");
    expect(p.at).toEqual(['metric_threshold', 'phase']);
  });

  it('refuses a phase that exists but does not run before', () => {
    expect(conditionError({ phaseStatus: { phase: 'validate', status: 'completed' } }).message).toBe(
      "phase 'validate' cannot be read here: it does not run before this point",
    );
  });

  it('a threshold template that is no number is an error at evaluation', () => {
    const c = compileCondition(cond('>', '{{ config.portfolio }}'), ctx);
    expect(() => c.evaluate(state({ optimize: view('optimize', 1) }))).toThrow(/not a number/);
  });
});

describe('phase_status', () => {
  it('holds for the status or one of a list', () => {
    const one = compileCondition({ phaseStatus: { phase: 'optimize', status: 'completed' } }, ctx);
    expect(one.evaluate(state({ optimize: view('optimize', 1) }))).toEqual({
      holds: true,
      reason: 'optimize is completed',
    });
    expect(one.evaluate(state({ optimize: view('optimize', null, 'skipped') }))).toEqual({
      holds: false,
      reason: 'optimize is skipped, not completed',
    });
    const any = compileCondition({ phaseStatus: { phase: 'optimize', status: ['failed', 'skipped'] } }, ctx);
    expect(any.evaluate(state({ optimize: view('optimize', 1) })).reason).toBe(
      'optimize is completed, not one of failed, skipped',
    );
  });
});

describe('expression', () => {
  it('reads member paths, statuses, params and config', () => {
    const c = compileCondition(
      {
        expression:
          "phases.optimize.metrics.sharpe_ratio > params.min_sharpe and phases.optimize.status == 'completed'",
      },
      ctx,
    );
    expect(c.refs).toEqual(['optimize']);
    expect(c.evaluate(state({ optimize: view('optimize', 0.7) }))).toEqual({
      holds: true,
      reason:
        "phases.optimize.metrics.sharpe_ratio > params.min_sharpe and phases.optimize.status == 'completed' is true (phases.optimize.metrics.sharpe_ratio = 0.7, params.min_sharpe = 0.5, phases.optimize.status = 'completed')",
    });
    const low = c.evaluate(state({ optimize: view('optimize', 0.31) }));
    expect(low.holds).toBe(false);
    expect(low.reason).toContain('is false (phases.optimize.metrics.sharpe_ratio = 0.31');
    const cash = compileCondition({ expression: 'config.portfolio.initial_cash >= 1000 and iteration < 3' }, ctx);
    expect(cash.evaluate(state({}, 2)).holds).toBe(true);
  });

  it('a missing metric is NaN: comparisons are false', () => {
    const c = compileCondition({ expression: 'phases.screen.metrics.sharpe_ratio > -1000' }, ctx);
    expect(c.evaluate(state({ screen: view('screen', null, 'skipped') })).holds).toBe(false);
  });

  it('located errors: unknown names with did-you-mean, status labels checked', () => {
    const e = conditionError({ expression: 'phases.optimize.metrics.sharpe > 1' });
    expect(e.message).toBe("unknown metric 'sharpe' in phases.optimize.metrics.sharpe");
    expect(e.hint).toBe("did you mean 'sharpe_ratio'?");
    expect(e.at).toEqual(['expression']);
    const s = conditionError({ expression: "phases.optimize.status == 'complete'" });
    expect(s.message).toContain("is never 'complete'");
    expect(s.hint).toBe("did you mean 'completed'?");
    expect(conditionError({ expression: 'phases.nope.status == 1' }).message).toBe("unknown phase 'nope'");
  });
});

describe('expression language: dotted names', () => {
  it('are refused without dottedNames, computed access always', () => {
    expect(() => compileExpression('a.b > 1', { identifiers: ['a.b'] })).toThrow(ExpressionError);
    expect(() => compileExpression('a[0] > 1', { identifiers: ['a'], dottedNames: true })).toThrow(/member access/);
    expect(compileExpression('a.b.c * 2', { identifiers: ['a.b.c'], dottedNames: true })({ 'a.b.c': 4 })).toBe(8);
  });
});
