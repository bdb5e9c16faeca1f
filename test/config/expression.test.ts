import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../src/config/expression.ts';
import { ExpressionError } from '../../src/config/expression-language.ts';

const env = { identifiers: ['fast_period', 'slow_period', 'volume', 'signal'] };
const run = (text: string, scope: Record<string, number | boolean>) => compileExpression(text, env)(scope);

function error(text: string): ExpressionError {
  try {
    compileExpression(text, env);
  } catch (err) {
    if (err instanceof ExpressionError) return err;
    throw err;
  }
  throw new Error(`no error for ${text}`);
}

describe('expressions', () => {
  it('computes arithmetic with the usual precedence', () => {
    expect(run('fast_period + slow_period * 2 - 1', { fast_period: 3, slow_period: 10 })).toBe(22);
    expect(run('(fast_period + slow_period) * 2 % 7', { fast_period: 3, slow_period: 10 })).toBe(5);
    expect(run('-fast_period / 4', { fast_period: 3 })).toBe(-0.75);
  });

  it('compares and combines with and / or / not and their symbol forms', () => {
    const scope = { fast_period: 5, slow_period: 20, signal: 1, volume: 1500 };
    expect(run('slow_period > fast_period * 2', scope)).toBe(true);
    expect(run('slow_period > fast_period * 4', scope)).toBe(false);
    expect(run('signal > 0 and volume > 1000', scope)).toBe(true);
    expect(run('signal > 0 and not (volume > 1000)', scope)).toBe(false);
    expect(run('signal < 0 or volume >= 1500', scope)).toBe(true);
    expect(run('signal < 0 || !(volume != 1500)', scope)).toBe(true);
    expect(run('fast_period == 5 && true', scope)).toBe(true);
  });

  it('calls built-in functions', () => {
    expect(run('abs(fast_period - slow_period)', { fast_period: 5, slow_period: 20 })).toBe(15);
    expect(run('max(fast_period, slow_period, 7) + min(1, 2)', { fast_period: 5, slow_period: 20 })).toBe(21);
  });

  it('names an unknown identifier, where it is, with a did-you-mean', () => {
    const e = error('slow_perod > fast_period');
    expect(e.message).toBe("unknown name 'slow_perod'");
    expect(e.index).toBe(0);
    expect(e.hint).toBe("did you mean 'slow_period'?");
    expect(error('fast_period < slw_period').index).toBe(14);
  });

  it('names an unknown function', () => {
    const e = error('abz(fast_period) > 1');
    expect(e.message).toBe("unknown function 'abz'");
    expect(e.hint).toBe("did you mean 'abs'?");
  });

  it('reports a syntax error at its character', () => {
    const e = error('fast_period > > 3');
    expect(e.message).toMatch(/cannot parse/);
    expect(e.index).toBe(14);
  });

  it('refuses anything beyond numbers, names, operators and calls', () => {
    expect(error('process.exit(1)').message).toMatch(/member access/);
    expect(error("volume > '100'").message).toMatch(/only numbers and true\/false/);
    expect(error('[1, 2]').message).toMatch(/a list/);
    expect(error('fast_period = 3').message).toMatch(/cannot parse|not allowed/);
    expect(error('constructor(1)').message).toBe("unknown function 'constructor'");
  });
});

describe('regime labels in expressions', () => {
  const labels = {
    identifiers: ['signal'],
    strings: { trend: ['trending_up', 'trending_down', 'ranging'], vol: ['low', 'normal', 'high'] },
  };
  const test = (text: string, scope: Record<string, number | boolean | string>) =>
    compileExpression(text, labels)(scope);
  const fail = (text: string): ExpressionError => {
    try {
      compileExpression(text, labels);
    } catch (err) {
      if (err instanceof ExpressionError) return err;
      throw err;
    }
    throw new Error(`no error for ${text}`);
  };

  it('compares a label name with quoted labels (either quote, either side) and with another label name', () => {
    expect(test("trend == 'trending_up' and signal > 0", { trend: 'trending_up', signal: 1 })).toBe(true);
    expect(test('"ranging" != trend', { trend: 'ranging' })).toBe(false);
    expect(test("trend != 'ranging' or vol == 'high'", { trend: 'ranging', vol: 'low' })).toBe(false);
    expect(test('trend == vol', { trend: 'ranging', vol: 'ranging' })).toBe(true);
    // '' is "no label yet".
    expect(test("trend == ''", { trend: '' })).toBe(true);
  });

  it('refuses strings anywhere else, and labels a classifier never gives', () => {
    expect(fail("trend < 'ranging'").message).toBe(
      "'trend' is a regime label: compare it with == or != to a quoted label",
    );
    expect(fail("signal == 'x'").message).toBe(
      'a quoted label can only be compared with a quoted label or another regime',
    );
    expect(fail("'x'").message).toMatch(/^a quoted label can only be compared with == or != to a regime/);
    expect(fail('abs(trend) > 0').message).toMatch(/is a regime label/);
    const e = fail("vol == 'hihg'");
    expect([e.message, e.hint, e.index]).toEqual(["'vol' is never 'hihg'", "did you mean 'high'?", 7]);
    expect(fail("tren == 'x'").hint).toBe("did you mean 'trend'?");
  });
});
