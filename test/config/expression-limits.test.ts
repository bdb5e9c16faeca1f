import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../src/config/expression.ts';
import { ExpressionError } from '../../src/config/expression-language.ts';
import { MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH } from '../../src/config/expression-parse.ts';
import { ROOT, sluice } from '../helpers/cli.ts';

const env = { identifiers: ['fast_period', 'slow_period'] };

/** The error compileExpression throws for `text`. */
function errorOf(text: string): ExpressionError {
  try {
    compileExpression(text, env);
  } catch (err) {
    if (err instanceof ExpressionError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('expressions too large for the expression language', () => {
  it.each([
    ['5,000 terms', `slow_period > ${Array(5000).fill('fast_period').join(' + ')}`],
    ['5,000 nested parentheses', `slow_period > ${'('.repeat(5000)}fast_period${')'.repeat(5000)}`],
    ['5,000 nested calls', `slow_period > ${'abs('.repeat(5000)}fast_period${')'.repeat(5000)}`],
    ['5,000 nested nots', `${'not '.repeat(5000)}slow_period`],
    ['a 1 MB identifier', `slow_period > ${'a'.repeat(1 << 20)}`],
  ])('%s: an ExpressionError, not a RangeError, and the text is not echoed', (_, text) => {
    const err = errorOf(text);
    expect(err.message).toMatch(/^expression too long or too deeply nested/);
    expect(err.message.length + (err.hint ?? '').length).toBeLessThan(300);
  });

  it('accepts an expression just within the limits', () => {
    const terms = Math.floor(MAX_EXPRESSION_DEPTH / 2);
    const deep = `slow_period > ${'('.repeat(terms)}fast_period${')'.repeat(terms)}`;
    expect(compileExpression(deep, env)({ slow_period: 2, fast_period: 1 })).toBe(true);
    const wide = `slow_period > ${Array(terms).fill('fast_period').join(' + ')}`;
    expect(wide.length).toBeLessThan(MAX_EXPRESSION_LENGTH);
    expect(compileExpression(wide, env)({ slow_period: terms + 1, fast_period: 1 })).toBe(true);
  });
});

describe('sluice validate on a config with a too-large constraint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-expr-'));
  const config = (name: string, constraint: string): string => {
    const path = join(dir, name);
    writeFileSync(
      path,
      [
        'name: big_constraint',
        'data:',
        '  symbol: SPY',
        `  path: ${JSON.stringify(join(ROOT, 'examples/data/SPY_5m.csv'))}`,
        '  timeframe: 5m',
        'strategies:',
        '  - type: sma_crossover',
        '    params:',
        '      fast_period: range(5, 30, 5)',
        '      slow_period: range(10, 50, 10)',
        `    constraint: "${constraint}"`,
        '',
      ].join('\n'),
    );
    return path;
  };

  it.each([
    ['5,000 terms', 'terms.yaml', `slow_period > ${Array(5000).fill('fast_period').join(' + ')}`],
    ['a 1 MB identifier', 'identifier.yaml', `slow_period > ${'a'.repeat(1 << 20)}`],
  ])('%s: a located config error, exit 1', async (_, name, constraint) => {
    const path = config(name, constraint);
    const r = await sluice(['validate', path]);
    expect(r.code, r.stderr.slice(0, 2000)).toBe(1);
    expect(r.stderr).toContain('expression too long or too deeply nested');
    expect(r.stderr).toContain(`${path}:11:`);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr.length).toBeLessThan(5000);
  });
});
