import { describe, expect, it } from 'vitest';
import { compileExpression, compileSeriesExpression } from '../../src/config/expression.ts';
import { ExpressionError, type ExpressionValue } from '../../src/config/expression-language.ts';

const env = { identifiers: ['x', 'y', 'c'], series: true };

/** Values of `text` on each bar of the series of x (and y, c when given). */
function over(
  text: string,
  xs: readonly number[],
  ys: readonly number[] = [],
  cs: readonly boolean[] = [],
): ExpressionValue[] {
  const evaluate = compileSeriesExpression(text, env).create();
  const scope: Record<string, ExpressionValue> = {};
  return xs.map((x, i) => {
    scope['x'] = x;
    scope['y'] = ys[i] ?? 0;
    scope['c'] = cs[i] ?? false;
    return evaluate(scope);
  });
}

function error(text: string, e: Parameters<typeof compileSeriesExpression>[1] = env): ExpressionError {
  try {
    compileSeriesExpression(text, e);
  } catch (err) {
    if (err instanceof ExpressionError) return err;
    throw err;
  }
  throw new Error(`no error for ${text}`);
}

describe('series functions of expressions', () => {
  it('prev(x, n): the value n bars ago, NaN for the first n bars', () => {
    const xs = [10, 11, 12, 13, 14];
    expect(over('prev(x, 1)', xs)).toEqual([NaN, 10, 11, 12, 13]);
    expect(over('prev(x, 3)', xs)).toEqual([NaN, NaN, NaN, 10, 11]);
    expect(over('x - prev(x, 2)', xs)).toEqual([NaN, NaN, 2, 2, 2]);
    // A lag of a lag adds up; a lag of a comparison is 1 / 0.
    expect(over('prev(prev(x, 1), 1)', xs)).toEqual([NaN, NaN, 10, 11, 12]);
    expect(over('prev(x > 11, 1)', xs)).toEqual([NaN, 0, 0, 1, 1]);
    expect(over('prev(x, 1) < x', xs)).toEqual([false, true, true, true, true]);
  });

  it('crosses_above / crosses_below: true on the bar of the cross only; a tie neither crosses nor resets', () => {
    //      x − y:  +1  −1  0   +2  +1  0   +1  −3  NaN +1
    const xs = [11, 9, 10, 12, 11, 10, 11, 7, NaN, 11];
    const ys = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10];
    expect(over('crosses_above(x, y)', xs, ys)).toEqual([
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
    expect(over('crosses_below(x, y)', xs, ys)).toEqual([
      false,
      true,
      false,
      false,
      false,
      false,
      false,
      true,
      false,
      false,
    ]);
    // The first bar is never a cross: nothing before it.
    expect(over('crosses_above(x, 5)', [6, 7])).toEqual([false, false]);
    // Crossing a constant and a lagged self.
    expect(over('crosses_above(x, prev(x, 1))', [5, 4, 3, 4, 5, 5, 4])).toEqual([
      false,
      false,
      false,
      true,
      false,
      false,
      false,
    ]);
  });

  it('bars_since(cond): 0 on the bar it holds, counting up after, NaN before it ever held', () => {
    const c = [false, false, true, false, false, true, true, false];
    expect(
      over(
        'bars_since(c)',
        c.map(() => 0),
        [],
        c,
      ),
    ).toEqual([NaN, NaN, 0, 1, 2, 0, 0, 1]);
    expect(over('bars_since(x > 2)', [1, 3, 1, 1, 5, 1])).toEqual([NaN, 0, 1, 2, 0, 1]);
    expect(over('bars_since(crosses_above(x, 2)) <= 1', [1, 3, 4, 5, 1, 3])).toEqual([
      false,
      true,
      true,
      false,
      false,
      true,
    ]);
  });

  it('highest / lowest(x, n): over the last n bars, this one included; NaN until n bars or while a NaN is inside', () => {
    const xs = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    expect(over('highest(x, 3)', xs)).toEqual([NaN, NaN, 4, 4, 5, 9, 9, 9, 6, 6]);
    expect(over('lowest(x, 3)', xs)).toEqual([NaN, NaN, 1, 1, 1, 1, 2, 2, 2, 3]);
    expect(over('highest(x, 1)', xs)).toEqual(xs);
    expect(over('highest(x - y, 2)', [5, 3, 8, 1], [1, 1, 1, 1])).toEqual([NaN, 4, 7, 7]);
    expect(over('lowest(x, 2)', [4, NaN, 2, 3, 1])).toEqual([NaN, NaN, NaN, 2, 1]);
    // Equal values: the window keeps one of them as long as it is inside.
    expect(over('highest(x, 2)', [7, 7, 7, 1, 1])).toEqual([NaN, 7, 7, 7, 1]);
  });

  it('highest / lowest agree with a naive window over 2000 pseudo-random values', () => {
    let seed = 7;
    const xs = Array.from({ length: 2000 }, () => ((seed = (seed * 16807) % 2147483647) % 1000) / 10);
    for (const n of [1, 2, 5, 37]) {
      const naive = (f: (...v: number[]) => number) =>
        xs.map((_, i) => (i < n - 1 ? NaN : f(...xs.slice(i - n + 1, i + 1))));
      expect(over(`highest(x, ${n})`, xs)).toEqual(naive(Math.max));
      expect(over(`lowest(x, ${n})`, xs)).toEqual(naive(Math.min));
    }
  });

  it('updates every series function on every bar, whatever and / or short-circuit', () => {
    // `false and …` would skip the call: prev must still see every bar.
    const c = [false, false, true, true];
    expect(over('c and prev(x, 1) == 2', [1, 2, 3, 4], [], c)).toEqual([false, false, true, false]);
    expect(over('c or crosses_above(x, 2)', [1, 3, 3, 3], [], [true, false, false, false])).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('keeps state per evaluator: two evaluators of one program do not share it', () => {
    const program = compileSeriesExpression('prev(x, 1)', env);
    expect(program.stateful).toBe(true);
    const a = program.create();
    const b = program.create();
    a({ x: 1 });
    a({ x: 2 });
    expect(b({ x: 9 })).toBeNaN();
    expect(a({ x: 3 })).toBe(2);
    expect(compileSeriesExpression('x > 1', env).stateful).toBe(false);
  });

  it('counts the look-back of nested lags and windows', () => {
    expect(compileSeriesExpression('prev(x, 2) > 0', env).lookback).toBe(2);
    expect(compileSeriesExpression('highest(prev(x, 2), 5)', env).lookback).toBe(6);
    expect(compileSeriesExpression('crosses_above(x, prev(y, 3))', env).lookback).toBe(4);
    expect(compileSeriesExpression('x > 0', env).lookback).toBe(0);
  });

  it('refuses close[1] with the way to write it, and bad arguments naming what is allowed', () => {
    const indexed = error('x[1] > x');
    expect(indexed.message).toBe('indexing (x[1]) is not allowed: write a lagged value as prev(x, 1)');
    expect(indexed.hint).toMatch(
      /prev\(x, n\), crosses_above\(a, b\), crosses_below\(a, b\), bars_since\(cond\), highest\(x, n\), lowest\(x, n\)/,
    );
    expect(error('prev(x)').message).toBe('prev() takes 2 arguments, found 1');
    expect(error('prev(x, 0)').message).toMatch(
      /second argument of prev\(\) is a number of bars: a whole number from 1 to 100,000, found 0/,
    );
    expect(error('prev(x, y)').message).toMatch(/found an expression/);
    expect(error('highest(x, 2.5)').message).toMatch(/whole number/);
    expect(error('bars_since(x, 2)').message).toBe('bars_since() takes 1 argument, found 2');
    expect(error('crosses_abov(x, y)').hint).toBe("did you mean 'crosses_above'?");
    // Outside filters (grid constraints, conditions) they are refused by name.
    expect(error('prev(x, 1) > 0', { identifiers: ['x'] }).message).toBe(
      'prev() reads earlier bars and is only allowed in strategy filters',
    );
    expect(() => compileExpression('x[1] > 0', { identifiers: ['x'] })).toThrow(
      /indexing \(x\[1\]\) is not allowed in this expression/,
    );
  });
});
