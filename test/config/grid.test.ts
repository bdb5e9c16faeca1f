import { describe, expect, it } from 'vitest';
import { expandGrid, gridSize, MAX_GRID_COMBINATIONS, parseParamSpec } from '../../src/config/grid.ts';
import { parseYamlText } from '../../src/config/yaml-source.ts';
import { catchConfigError } from './catch-config-error.ts';

const spec = (v: unknown): unknown[] => parseParamSpec(v, ['p']);
const specError = (v: unknown): string | undefined =>
  catchConfigError(() => parseParamSpec(v, ['p'])).issues[0]?.message;

describe('parseParamSpec', () => {
  it('keeps a scalar as one value', () => {
    expect(spec(20)).toEqual([20]);
    expect(spec('close')).toEqual(['close']);
    expect(spec(false)).toEqual([false]);
    expect(spec(null)).toEqual([null]);
  });

  it('takes a list of scalars as the values, in order', () => {
    expect(spec([10, 5, 'x', true])).toEqual([10, 5, 'x', true]);
  });

  it('expands range() with Python semantics: stop excluded', () => {
    expect(spec('range(5, 50, 5)')).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45]);
    expect(spec('range(5, 51, 5)')).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
    expect(spec('range(4)')).toEqual([0, 1, 2, 3]);
    expect(spec('range(2, 5)')).toEqual([2, 3, 4]);
    expect(spec('  range( 1 ,3 )  ')).toEqual([1, 2]);
  });

  it('counts down with a negative step', () => {
    expect(spec('range(50, 5, -5)')).toEqual([50, 45, 40, 35, 30, 25, 20, 15, 10]);
    expect(spec('range(-1, -4, -1)')).toEqual([-1, -2, -3]);
  });

  it('gives fractional values exactly as written, without a stray stop', () => {
    expect(spec('range(0.1, 0.4, 0.1)')).toEqual([0.1, 0.2, 0.3]);
    expect(spec('range(0, 0.3, 0.1)')).toEqual([0, 0.1, 0.2]);
    expect(spec('range(-0.3, 0.3, 0.1)')).toEqual([-0.3, -0.2, -0.1, 0, 0.1, 0.2]);
    expect(spec('range(1, 2, 0.25)')).toEqual([1, 1.25, 1.5, 1.75]);
    expect(spec('range(0, 3e-3, 1e-3)')).toEqual([0, 0.001, 0.002]);
    expect(Object.is(spec('range(-0.2, 0.1, 0.1)')[2], 0)).toBe(true); // never -0
  });

  it('rejects a zero step with a fix', () => {
    const err = catchConfigError(() => parseParamSpec('range(5, 50, 0)', ['p']));
    expect(err.issues[0]).toMatchObject({
      code: 'GRID',
      file: '<config>',
      message: 'range() step must not be 0',
      hint: 'write range(5, 50, 5)',
    });
  });

  it('rejects an empty range and says which way to count', () => {
    expect(catchConfigError(() => parseParamSpec('range(50, 5, 5)', ['p'])).issues[0]).toMatchObject({
      message: 'range(50, 5, 5) is empty: stop is below start but the step is positive',
      hint: 'count down with a negative step: range(50, 5, -5)',
    });
    expect(catchConfigError(() => parseParamSpec('range(5, 50, -5)', ['p'])).issues[0]).toMatchObject({
      message: 'range(5, 50, -5) is empty: stop is above start but the step is negative',
      hint: 'count up with a positive step: range(5, 50, 5)',
    });
    expect(catchConfigError(() => parseParamSpec('range(5, 5)', ['p'])).issues[0]).toMatchObject({
      message: 'range(5, 5) is empty: start equals stop, and stop is excluded',
      hint: 'to try 5 alone, write 5',
    });
  });

  it('rejects ranges of more than 100000 values', () => {
    expect(spec('range(0, 100000)')).toHaveLength(100_000);
    expect(specError('range(0, 100001)')).toBe('range(0, 100001) has 100,001 values, more than the limit of 100,000');
  });

  it('rejects malformed ranges', () => {
    expect(specError('range(a, 5)')).toBe("range() arguments must be numbers, received 'a'");
    expect(specError('range()')).toBe('range() needs at least a stop value');
    expect(specError('range(1, 2, 3, 4)')).toBe('range() takes at most 3 arguments (start, stop, step), received 4');
    expect(specError('range(1, 2')).toBe("malformed range: 'range(1, 2'");
  });

  it('rejects empty lists, nested values and ranges inside lists', () => {
    expect(specError([])).toBe('empty list: a parameter needs at least one value');
    expect(specError({ a: 1 })).toBe(
      'expected a value, a list of values or range(start, stop, step), received a mapping',
    );
    const nested = catchConfigError(() => parseParamSpec([1, [2]], ['p'])).issues[0];
    expect(nested).toMatchObject({
      path: ['p', 1],
      message: 'expected a number, string or boolean in a grid list, received a list of 1 item',
    });
    expect(specError([1, 'range(1, 3)'])).toBe('range() cannot appear inside a list');
  });

  it('locates errors in the source', () => {
    const src = parseYamlText(
      ['strategies:', '  - type: sma_crossover', '    params:', '      fast_period: range(5, 50, 0)', ''].join('\n'),
      'grid.yaml',
    );
    const err = catchConfigError(() =>
      parseParamSpec('range(5, 50, 0)', ['strategies', 0, 'params', 'fast_period'], src),
    );
    expect(err.message).toBe(
      [
        'grid.yaml:4:20  strategies[0].params.fast_period: range() step must not be 0',
        '   4 |       fast_period: range(5, 50, 0)',
        '     |                    ^^^^^^^^^^^^^^^',
        '  hint: write range(5, 50, 5)',
      ].join('\n'),
    );
  });
});

describe('expandGrid', () => {
  it('builds the cartesian product with the last key varying fastest', () => {
    expect(expandGrid({ fast: [5, 10], slow: 'range(20, 40, 10)', ma: 'ema' }, { path: [] })).toEqual([
      { fast: 5, slow: 20, ma: 'ema' },
      { fast: 5, slow: 30, ma: 'ema' },
      { fast: 10, slow: 20, ma: 'ema' },
      { fast: 10, slow: 30, ma: 'ema' },
    ]);
  });

  it('gives one combination for scalars only, and for no params', () => {
    expect(expandGrid({ a: 1, b: 'x' }, { path: [] })).toEqual([{ a: 1, b: 'x' }]);
    expect(expandGrid({}, { path: [] })).toEqual([{}]);
  });

  it('keeps a nested mapping as one value', () => {
    const stop = { kind: 'atr', mult: 2 };
    expect(expandGrid({ stop, n: [1, 2] }, { path: [] })).toEqual([
      { stop, n: 1 },
      { stop, n: 2 },
    ]);
  });

  it('reports every bad parameter at once, located', () => {
    const src = parseYamlText(
      ['params:', '  fast: range(5, 50, 0)', '  slow: range(50, 5, 5)', '  ok: [1, 2]', ''].join('\n'),
      'g.yaml',
    );
    const params = (src.data as { params: Record<string, unknown> }).params;
    const err = catchConfigError(() => expandGrid(params, { source: src, path: ['params'] }));
    expect(err.issues.map((i) => [i.path.join('.'), i.line, i.col, i.endCol])).toEqual([
      ['params.fast', 2, 9, 24],
      ['params.slow', 3, 9, 24],
    ]);
  });

  it('refuses grids over the combination limit, naming the factors', () => {
    const src = parseYamlText(
      ['params:', '  a: range(0, 1000)', '  b: range(0, 1000)', '  c: [1, 2]', '  d: 7', ''].join('\n'),
      'big.yaml',
    );
    const params = (src.data as { params: Record<string, unknown> }).params;
    expect(gridSize(params)).toBe(2_000_000);
    expect(2_000_000).toBeGreaterThan(MAX_GRID_COMBINATIONS);
    const err = catchConfigError(() => expandGrid(params, { source: src, path: ['params'] }));
    expect(err.message).toBe(
      [
        'big.yaml:1:1  params: parameter grid has 2,000,000 combinations (a 1000 × b 1000 × c 2), more than the limit of 1,000,000',
        '   1 | params:',
        '     | ^^^^^^',
        '  hint: narrow the ranges or use larger steps',
      ].join('\n'),
    );
  });
});

describe('gridSize', () => {
  it('multiplies value counts without expanding', () => {
    expect(gridSize({ a: 'range(5, 50, 5)', b: [1, 2, 3], c: 'x' })).toBe(27);
    expect(gridSize({})).toBe(1);
  });

  it('validates like parseParamSpec', () => {
    expect(catchConfigError(() => gridSize({ a: 'range(1, 2, 0)' }, { path: ['x'] })).issues[0]?.path).toEqual([
      'x',
      'a',
    ]);
  });
});
