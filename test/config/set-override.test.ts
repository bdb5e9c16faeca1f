import { describe, expect, it } from 'vitest';
import { applySetOverrides, parseSetOverride } from '../../src/config/set-override.ts';
import { catchConfigError } from './catch-config-error.ts';

const config = () => ({
  name: 'spy',
  strategies: [{ type: 'sma_crossover', params: { fast_period: 10, slow_period: 30 } }],
  data: { symbol: 'SPY' },
});

describe('parseSetOverride', () => {
  it('splits dotted paths with list indices', () => {
    expect(parseSetOverride('strategies[0].params.fast_period=5')).toEqual({
      path: ['strategies', 0, 'params', 'fast_period'],
      value: 5,
      text: 'strategies[0].params.fast_period=5',
    });
  });

  it('reads values as YAML', () => {
    const v = (s: string): unknown => parseSetOverride(`x=${s}`).value;
    expect(v('5')).toBe(5);
    expect(v('-2.5')).toBe(-2.5);
    expect(v('true')).toBe(true);
    expect(v('disk')).toBe('disk');
    expect(v("'007'")).toBe('007');
    expect(v('[1, 2]')).toEqual([1, 2]);
    expect(v('{a: 1}')).toEqual({ a: 1 });
    expect(v('range(5, 50, 5)')).toBe('range(5, 50, 5)');
    expect(v('a=b')).toBe('a=b'); // only the first = splits
    expect(v('')).toBeNull();
  });

  it('accepts quoted keys in brackets and numeric segments', () => {
    expect(parseSetOverride('weights["BRK.B"]=0.5').path).toEqual(['weights', 'BRK.B']);
    expect(parseSetOverride("m['a=b'].c=1").path).toEqual(['m', 'a=b', 'c']);
    expect(parseSetOverride('[1].a=1').path).toEqual([1, 'a']);
  });
});

describe('applySetOverrides', () => {
  it('sets values deep in the config and returns new data', () => {
    const input = config();
    const out = applySetOverrides(input, [
      'strategies[0].params.fast_period=5',
      'data.symbol=QQQ',
      'results.storage=disk',
    ]);
    expect(out).toEqual({
      name: 'spy',
      strategies: [{ type: 'sma_crossover', params: { fast_period: 5, slow_period: 30 } }],
      data: { symbol: 'QQQ' },
      results: { storage: 'disk' },
    });
    expect(input).toEqual(config());
  });

  it('applies overrides in order, later ones winning', () => {
    expect(applySetOverrides({}, ['a=1', 'a=2'])).toEqual({ a: 2 });
  });

  it('appends one past the end of a list and creates lists for indices', () => {
    expect(applySetOverrides(config(), ['strategies[1].type=rsi']).strategies).toEqual([
      { type: 'sma_crossover', params: { fast_period: 10, slow_period: 30 } },
      { type: 'rsi' },
    ]);
    expect(applySetOverrides({}, ['symbols[0]=SPY'])).toEqual({ symbols: ['SPY'] });
    expect(applySetOverrides({ a: null }, ['a.b=1'])).toEqual({ a: { b: 1 } });
  });

  it('treats digit keys on a list as indices', () => {
    expect(applySetOverrides({ l: [1, 2] }, ['l.1=9'])).toEqual({ l: [1, 9] });
  });

  it('returns the input unchanged for no overrides', () => {
    const c = config();
    expect(applySetOverrides(c, [])).toBe(c);
  });

  it('reports a missing = with the argument and a caret', () => {
    const err = catchConfigError(() => applySetOverrides(config(), ['fast_period']));
    expect(err.code).toBe('INVALID_SET');
    expect(err.message).toBe(
      [
        '--set  expected path=value',
        '    | fast_period',
        '    | ^^^^^^^^^^^',
        '  hint: e.g. --set strategies[0].params.fast_period=5',
      ].join('\n'),
    );
  });

  it('reports an index out of range, at the index', () => {
    const err = catchConfigError(() => applySetOverrides(config(), ['strategies[3].params.fast_period=5']));
    expect(err.message).toBe(
      [
        "--set  strategies[3]: index 3 is out of range: 'strategies' has 1 item",
        '    | strategies[3].params.fast_period=5',
        '    |           ^^^',
        '  hint: use [0]…[0], or [1] to append',
      ].join('\n'),
    );
  });

  it('reports setting a key inside a scalar', () => {
    const err = catchConfigError(() => applySetOverrides(config(), ['name.first=x']));
    expect(err.issues[0]).toMatchObject({
      path: ['name', 'first'],
      col: 6,
      endCol: 11,
      message: "cannot set a key inside 'name': it is a string 'spy', not a mapping or a list",
    });
  });

  it('reports a key used on a list and an index used on a mapping', () => {
    expect(catchConfigError(() => applySetOverrides(config(), ['strategies.type=x'])).issues[0]).toMatchObject({
      message: "'strategies' is a list, not a mapping",
      hint: 'use an index, e.g. strategies[0]',
    });
    expect(catchConfigError(() => applySetOverrides(config(), ['data[0]=x'])).issues[0]?.message).toBe(
      "'data' is a mapping, not a list",
    );
  });

  it('reports malformed paths and values, all at once', () => {
    const err = catchConfigError(() =>
      applySetOverrides(config(), ['a..b=1', 'a[x]=1', '=1', 'a.=1', 'x=[1, 2', 'a[0=1']),
    );
    expect(err.issues.map((i) => [i.message, i.col])).toEqual([
      ["empty key before '.'", 3],
      ["expected a list index or a quoted key inside [], found 'x'", 2],
      ['missing path before =', 1],
      ["path ends with '.'", 2],
      ['cannot read the value as YAML: flow sequence must end with a ]', 8],
      ["unclosed '['", 2],
    ]);
    expect(err.issues.every((i) => i.file === '--set' && i.line === null)).toBe(true);
  });
});

describe('applySetOverrides error text', () => {
  it('keeps several bad arguments in the order given', () => {
    const err = catchConfigError(() => applySetOverrides({}, ['abc.=1', 'x']));
    expect(err.message).toBe(
      [
        "--set  abc: path ends with '.'",
        '    | abc.=1',
        '    |    ^',
        '--set  expected path=value',
        '    | x',
        '    | ^',
        '  hint: e.g. --set strategies[0].params.fast_period=5',
      ].join('\n'),
    );
  });
});
