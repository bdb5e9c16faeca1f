import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { knownKeysAt } from '../../src/config/schema-walk.ts';
import { parseWithSchema } from '../../src/config/validate.ts';
import { loadYamlFile, parseYamlText } from '../../src/config/yaml-source.ts';
import { catchConfigError, catchConfigErrorAsync } from './catch-config-error.ts';
import { Config, SmaParams, Strategy } from './test-schemas.ts';

const GOOD = [
  'name: spy',
  'data:',
  '  symbol: SPY',
  '  path: spy.csv',
  '  timeframe: 5m',
  'strategies:',
  '  - type: sma_crossover',
  '    params:',
  '      fast_period: 10',
  '      slow_period: 30',
  '',
].join('\n');

/** GOOD with one line replaced (1-based), to plant a single mistake. */
function withLine(n: number, text: string): string {
  const lines = GOOD.split('\n');
  lines[n - 1] = text;
  return lines.join('\n');
}

function errorFor(text: string, schema: z.ZodType = Config): ReturnType<typeof catchConfigError> {
  return catchConfigError(() => parseWithSchema(parseYamlText(text, 'c.yaml'), schema));
}

describe('parseWithSchema', () => {
  it('returns the parsed value, defaults applied', () => {
    const src = parseYamlText(`${GOOD}results: {}\n`, 'c.yaml');
    expect(parseWithSchema(src, Config)).toEqual({
      name: 'spy',
      data: { symbol: 'SPY', path: 'spy.csv', timeframe: '5m' },
      strategies: [{ type: 'sma_crossover', params: { fast_period: 10, slow_period: 30 } }],
      results: { storage: 'memory' },
    });
  });

  it('locates an error deep in a fixture file, with line, column, source line and caret', async () => {
    const file = resolve(import.meta.dirname, 'fixtures', 'bad-strategy.yaml');
    const err = await catchConfigErrorAsync(async () => parseWithSchema(await loadYamlFile(file), Config));
    expect(err.issues).toHaveLength(1);
    expect(err.message).toBe(
      [
        `${file}:15:20  strategies[1].params.fast_period: expected a positive integer, received -3`,
        '   15 |       fast_period: -3',
        '      |                    ^^',
      ].join('\n'),
    );
  });

  it('says what type was expected and what was found', () => {
    const err = errorFor(withLine(10, '      slow_period: abc'));
    expect(err.code).toBe('INVALID_TYPE');
    expect(err.message).toBe(
      [
        "c.yaml:10:20  strategies[0].params.slow_period: expected an integer, received a string 'abc'",
        '   10 |       slow_period: abc',
        '      |                    ^^^',
      ].join('\n'),
    );
  });

  it('says "integer" for a fraction where an integer belongs', () => {
    expect(errorFor(withLine(10, '      slow_period: 2.5')).issues[0]?.message).toBe(
      'expected an integer, received a number 2.5',
    );
  });

  it('reports an empty value as null, at its key', () => {
    const issue = errorFor(withLine(10, '      slow_period:')).issues[0];
    expect(issue).toMatchObject({ line: 10, col: 7, endCol: 18, message: 'expected an integer, received null' });
  });

  it('reports an unknown key at the key with a did-you-mean, and not the missing key it stands for', () => {
    const err = errorFor(withLine(10, '      slow_perod: 30'));
    expect(err.issues).toHaveLength(1);
    expect(err.code).toBe('UNKNOWN_KEY');
    expect(err.message).toBe(
      [
        "c.yaml:10:7  strategies[0].params.slow_perod: unknown key 'slow_perod'",
        '   10 |       slow_perod: 30',
        '      |       ^^^^^^^^^^',
        "  hint: did you mean 'slow_period'?",
      ].join('\n'),
    );
  });

  it('lists the allowed keys when no key is close', () => {
    const err = errorFor(`${GOOD}colour: blue\n`);
    expect(err.message).toBe(
      [
        "c.yaml:11:1  colour: unknown key 'colour'",
        '   11 | colour: blue',
        '      | ^^^^^^',
        '  hint: allowed keys: name, data, strategies, results',
      ].join('\n'),
    );
  });

  it('points a missing required key at its parent mapping', () => {
    const text = GOOD.split('\n')
      .filter((l) => !l.includes('slow_period'))
      .join('\n');
    const err = errorFor(text);
    expect(err.code).toBe('MISSING_KEY');
    expect(err.message).toBe(
      [
        "c.yaml:8:5  strategies[0].params.slow_period: missing required key 'slow_period' (expected an integer)",
        '   8 |     params:',
        '     |     ^^^^^^',
      ].join('\n'),
    );
  });

  it('suggests the near enum value', () => {
    const err = errorFor(`${GOOD}results:\n  storage: dsk\n`);
    expect(err.code).toBe('UNKNOWN_NAME');
    expect(err.message).toBe(
      [
        "c.yaml:12:12  results.storage: expected one of 'memory', 'disk', 'hybrid', received 'dsk'",
        '   12 |   storage: dsk',
        '      |            ^^^',
        "  hint: did you mean 'disk'?",
      ].join('\n'),
    );
  });

  it('names an unknown discriminator with the union noun and suggests the near option', () => {
    const err = errorFor(withLine(7, '  - type: sma_crosover'));
    expect(err.message).toBe(
      [
        "c.yaml:7:11  strategies[0].type: unknown strategy 'sma_crosover'",
        '   7 |   - type: sma_crosover',
        '     |           ^^^^^^^^^^^^',
        "  hint: did you mean 'sma_crossover'?",
      ].join('\n'),
    );
  });

  it('falls back to the discriminator key and lists options when nothing is close', () => {
    const Shape = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('circle') }),
      z.object({ kind: z.literal('square') }),
    ]);
    const issue = errorFor('kind: hexagon\n', Shape).issues[0];
    expect(issue).toMatchObject({
      code: 'UNKNOWN_NAME',
      message: "unknown kind 'hexagon'",
      hint: "expected one of 'circle', 'square'",
    });
  });

  it('reports a missing discriminator at the parent', () => {
    const issue = errorFor(withLine(7, '  - typ: sma_crossover'), Config).issues;
    expect(issue.map((i) => [i.code, i.message, i.line, i.col])).toEqual([
      ['MISSING_KEY', "missing required key 'type' (expected one of 'sma_crossover', 'rsi_reversion')", 7, 5],
    ]);
  });

  it('uses the chosen option of a discriminated union for key suggestions', () => {
    const text = ['type: rsi_reversion', 'params:', '  period: 14', '  uper: 80', ''].join('\n');
    const issue = errorFor(text, Strategy).issues[0];
    expect(issue).toMatchObject({
      code: 'UNKNOWN_KEY',
      path: ['params', 'uper'],
      hint: "did you mean 'upper'?",
      line: 4,
      col: 3,
    });
  });

  it('says which types a plain union accepts', () => {
    const U = z.object({ x: z.union([z.number(), z.string()]) });
    expect(errorFor('x: true\n', U).issues[0]?.message).toBe('expected a number or a string, received a boolean true');
  });

  it('reports the issues of the union branch the value matched', () => {
    const U = z.object({ x: z.union([z.number(), z.object({ period: z.number().min(2) })]) });
    const err = errorFor('x:\n  period: 1\n', U);
    expect(err.issues.map((i) => [i.path, i.message, i.line, i.col])).toEqual([
      [['x', 'period'], 'must be >= 2, received 1', 2, 11],
    ]);
  });

  it('keeps the message, hint and code of a custom refinement', () => {
    const S = z.object({ fast: z.number(), slow: z.number() }).superRefine((v, ctx) => {
      if (v.fast >= v.slow) {
        ctx.addIssue({
          code: 'custom',
          path: ['fast'],
          message: 'fast must be below slow',
          params: { hint: 'swap them', code: 'PARAMS' },
        });
      }
    });
    const issue = errorFor('fast: 30\nslow: 10\n', S).issues[0];
    expect(issue).toMatchObject({
      code: 'PARAMS',
      message: 'fast must be below slow',
      hint: 'swap them',
      line: 1,
      col: 7,
    });
  });

  it('words bounds for strings and lists', () => {
    const S = z.object({
      name: z.string().min(1),
      tags: z.array(z.string()).min(2),
      code: z.string().max(3),
      pct: z.number().max(100),
    });
    const err = errorFor("name: ''\ntags: [a]\ncode: abcd\npct: 120\n", S);
    expect(err.issues.map((i) => i.message)).toEqual([
      'must not be empty',
      'must have at least 2 items, received 1',
      "must be at most 3 characters long, received 'abcd'",
      'must be <= 100, received 120',
    ]);
  });

  it('reports every issue at once, in document order', () => {
    const text = withLine(9, '      fast_period: 0').replace('name: spy', 'name: 42');
    const err = errorFor(text);
    expect(err.issues.map((i) => `${i.line}:${i.col} ${i.message}`)).toEqual([
      '1:7 expected a string, received a number 42',
      '9:20 expected a positive integer, received 0',
    ]);
  });

  it('validates a sub-document in a second pass, prefixing its path', () => {
    const src = parseYamlText(withLine(9, '      fast_period: -1'), 'c.yaml');
    const path = ['strategies', 0, 'params'];
    const err = catchConfigError(() => parseWithSchema(src, SmaParams, undefined, path));
    expect(err.issues[0]).toMatchObject({ path: [...path, 'fast_period'], line: 9, col: 20 });
    // Explicit data (e.g. one grid combination) is located the same way.
    const err2 = catchConfigError(() => parseWithSchema(src, SmaParams, { fast_period: 5, slow_perid: 3 }, path));
    expect(err2.issues[0]).toMatchObject({ code: 'UNKNOWN_KEY', path: [...path, 'slow_perid'], line: 8, col: 5 });
    expect(parseWithSchema(parseYamlText(GOOD, 'c.yaml'), SmaParams, undefined, path)).toEqual({
      fast_period: 10,
      slow_period: 30,
    });
  });

  it('reports a wrong root type at (root)', () => {
    expect(errorFor('- a\n- b\n').message).toBe(
      ['c.yaml:1:1  (root): expected a mapping, received a list of 2 items', '   1 | - a', '     | ^'].join('\n'),
    );
  });
});

describe('knownKeysAt', () => {
  it('walks objects, arrays and wrappers', () => {
    expect(knownKeysAt(Config, [])).toEqual(['name', 'data', 'strategies', 'results']);
    expect(knownKeysAt(Config, ['results'])).toEqual(['storage']);
  });

  it('unions the options of a union when the data does not choose one', () => {
    expect(knownKeysAt(Config, ['strategies', 0, 'params'])).toEqual(['fast_period', 'slow_period', 'period', 'upper']);
  });

  it('follows the discriminator in the data', () => {
    const data = { strategies: [{ type: 'rsi_reversion', params: {} }] };
    expect(knownKeysAt(Config, ['strategies', 0, 'params'], data)).toEqual(['period', 'upper']);
  });

  it('sees through records, pipes, lazy and nullable', () => {
    const S = z.object({
      m: z.record(z.string(), z.object({ a: z.number() })),
      p: z.preprocess((v) => v, z.object({ b: z.number() })),
      l: z.lazy(() => z.object({ c: z.number() })).nullable(),
    });
    expect(knownKeysAt(S, ['m', 'anything'])).toEqual(['a']);
    expect(knownKeysAt(S, ['p'])).toEqual(['b']);
    expect(knownKeysAt(S, ['l'])).toEqual(['c']);
    expect(knownKeysAt(S, ['nope'])).toEqual([]);
  });
});
