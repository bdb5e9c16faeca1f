import { describe, expect, it } from 'vitest';
import {
  findTemplates,
  interpolate,
  lookup,
  parseReference,
  resolveTemplates,
  TemplateError,
} from '../../src/coordinator/templates.ts';

const scope = {
  config: { data: { timeframe: '5m' }, results: { primary_metric: 'sharpe_ratio' } },
  params: { min_sharpe: 0.5, split: 0.7 },
  phases: {
    optimize: {
      status: 'completed',
      best: { type: 'sma_crossover', parameters: { fast_period: 5, slow_period: 20 } },
      metrics: { sharpe_ratio: 1.25, total_return: 0.031 },
      iterations: [{ strategy_id: 'a' }, { strategy_id: 'b' }],
    },
    skipped: { status: 'skipped', best: null, metrics: { sharpe_ratio: null } },
  },
  iteration: 2,
};

function templateError(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TemplateError) return err;
    throw err;
  }
  throw new Error('expected a TemplateError');
}

describe('parseReference', () => {
  it('reads dotted paths with list indices in brackets or after a dot', () => {
    expect(parseReference(' phases.optimize.best.parameters ')).toEqual(['phases', 'optimize', 'best', 'parameters']);
    expect(parseReference('phases.optimize.iterations[1].strategy_id')).toEqual([
      'phases',
      'optimize',
      'iterations',
      1,
      'strategy_id',
    ]);
    expect(parseReference('phases.optimize.iterations.0')).toEqual(['phases', 'optimize', 'iterations', 0]);
  });

  it('refuses anything that is not a plain path', () => {
    expect(parseReference('a + b')).toBeUndefined();
    expect(parseReference('phases..x')).toBeUndefined();
    expect(parseReference('0.a')).toBeUndefined();
    expect(parseReference('')).toBeUndefined();
  });
});

describe('resolveTemplates', () => {
  it('replaces a string that is exactly one template by the value itself', () => {
    const out = resolveTemplates(
      {
        strategies: [{ type: '{{ phases.optimize.best.type }}', params: '{{ phases.optimize.best.parameters }}' }],
        threshold: '{{params.min_sharpe}}',
        n: '{{ iteration }}',
      },
      scope,
    );
    expect(out).toEqual({
      strategies: [{ type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 } }],
      threshold: 0.5,
      n: 2,
    });
  });

  it('returns copies, never the scope objects themselves', () => {
    const out = resolveTemplates('{{ phases.optimize.best.parameters }}', scope) as Record<string, unknown>;
    out['fast_period'] = 99;
    expect(scope.phases.optimize.best.parameters.fast_period).toBe(5);
  });

  it('interpolates templates inside text, objects as JSON', () => {
    expect(
      resolveTemplates('sharpe {{ phases.optimize.metrics.sharpe_ratio }} on {{ config.data.timeframe }}', scope),
    ).toBe('sharpe 1.25 on 5m');
    expect(resolveTemplates('best: {{ phases.optimize.best.parameters }}', scope)).toBe(
      'best: {"fast_period":5,"slow_period":20}',
    );
    expect(resolveTemplates('{{ params.split }}/{{ params.min_sharpe }}', scope)).toBe('0.7/0.5');
    expect(resolveTemplates('{{ phases.skipped.metrics.sharpe_ratio }}', scope)).toBeNull();
  });

  it('leaves strings without templates, numbers and booleans alone', () => {
    const value = { a: 'plain', b: 3, c: [true, null] };
    expect(resolveTemplates(value, scope)).toEqual(value);
  });

  it('names the path and the missing key, with a did-you-mean', () => {
    const err = templateError(() =>
      resolveTemplates({ config: { x: ['{{ phases.optimize.metrics.sharpe_ratoi }}'] } }, scope),
    );
    expect(err.message).toBe(
      "cannot resolve {{ phases.optimize.metrics.sharpe_ratoi }}: phases.optimize.metrics has no 'sharpe_ratoi'",
    );
    expect(err.hint).toBe("did you mean 'sharpe_ratio'?");
    expect(err.at).toEqual(['config', 'x', 0]);
    expect(err.ref).toBe('phases.optimize.metrics.sharpe_ratoi');
  });

  it('says when a step meets null, with the caller’s explanation', () => {
    const err = templateError(() =>
      resolveTemplates('{{ phases.skipped.best.parameters }}', scope, {
        explainNull: (p) => (p[1] === 'skipped' ? "phase 'skipped' skipped: no" : undefined),
      }),
    );
    expect(err.message).toBe(
      "cannot resolve {{ phases.skipped.best.parameters }}: phases.skipped.best is null (phase 'skipped' skipped: no)",
    );
  });

  it('refuses an unknown root and an unreadable reference', () => {
    expect(templateError(() => resolveTemplates('{{ phase.optimize }}', scope)).hint).toBe("did you mean 'phases'?");
    expect(templateError(() => resolveTemplates('{{ a - b }}', scope)).message).toBe(
      'cannot read {{ a - b }} as a reference',
    );
  });

  it('reports a list index out of range', () => {
    expect(templateError(() => resolveTemplates('{{ phases.optimize.iterations[5] }}', scope)).message).toContain(
      'is a list of 2: no item [5]',
    );
  });
});

describe('findTemplates and helpers', () => {
  it('finds every template with its path', () => {
    const uses = findTemplates(
      { a: 'x {{ params.split }} {{ iteration }}', b: [{ c: '{{ phases.optimize.best }}' }], d: 5 },
      ['root'],
    );
    expect(uses.map((u) => [u.at, u.text])).toEqual([
      [['root', 'a'], 'params.split'],
      [['root', 'a'], 'iteration'],
      [['root', 'b', 0, 'c'], 'phases.optimize.best'],
    ]);
  });

  it('lookup reports keys when nothing is close', () => {
    const r = lookup({ a: { b: 1, c: 2 } }, ['a', 'zzz']);
    expect(r).toEqual({ ok: false, message: "a has no 'zzz'", hint: 'keys: b, c' });
  });

  it('interpolate renders values as text', () => {
    expect(interpolate(null)).toBe('null');
    expect(interpolate([1, 2])).toBe('[1,2]');
    expect(interpolate(true)).toBe('true');
  });
});
