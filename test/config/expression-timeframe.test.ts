import { describe, expect, it } from 'vitest';
import { compileExpression, compileSeriesExpression } from '../../src/config/expression.ts';
import { ExpressionError, type CallArgument, type ExpressionEnv } from '../../src/config/expression-language.ts';

/** An env whose indicator calls are recorded: each becomes a scope name `name(args)@tf`. */
function recording(): { env: ExpressionEnv; calls: string[] } {
  const calls: string[] = [];
  const env: ExpressionEnv = {
    identifiers: ['close', 'signal'],
    strings: { trend: ['up@1h', 'down'] },
    series: true,
    resolveCall: (name: string, args: readonly CallArgument[], timeframe?: string) => {
      if (name !== 'sma' && name !== 'highest') return undefined;
      const slot = `${name}(${args.join(',')})${timeframe === undefined ? '' : `@${timeframe}`}`;
      calls.push(slot);
      return slot;
    },
  };
  return { env, calls };
}

function error(text: string, env: ExpressionEnv): ExpressionError {
  try {
    compileSeriesExpression(text, env);
  } catch (err) {
    if (err instanceof ExpressionError) return err;
    throw err;
  }
  throw new Error(`no error for ${text}`);
}

describe('indicator calls on a higher timeframe: call@tf', () => {
  it('hands the timeframe to the resolver and reads the value it names', () => {
    const { env, calls } = recording();
    const f = compileExpression('close > sma(50)@1h and sma(50) < sma(20) @ 4h and highest(high, 20)@1d > 0', env);
    expect(calls).toEqual(['sma(50)@1h', 'sma(50)', 'sma(20)@4h', 'highest(high,20)@1d']);
    expect(
      f({ close: 10, signal: 0, 'sma(50)@1h': 9, 'sma(50)': 1, 'sma(20)@4h': 2, 'highest(high,20)@1d': 1, trend: '' }),
    ).toBe(true);
    expect(
      f({ close: 8, signal: 0, 'sma(50)@1h': 9, 'sma(50)': 1, 'sma(20)@4h': 2, 'highest(high,20)@1d': 1, trend: '' }),
    ).toBe(false);
  });

  it('binds tighter than any operator, a sign included', () => {
    const { env } = recording();
    const f = compileExpression('-sma(5)@1h * 2 + 1', env);
    expect(f({ 'sma(5)@1h': 3 })).toBe(-5);
  });

  it('leaves an @ inside a quoted label alone', () => {
    const { env, calls } = recording();
    const f = compileExpression("trend == 'up@1h' and sma(5)@15m > 0", env);
    expect(calls).toEqual(['sma(5)@15m']);
    expect(f({ trend: 'up@1h', 'sma(5)@15m': 1 })).toBe(true);
  });

  it('keeps every character where it was: later errors point at the right place', () => {
    const { env } = recording();
    const text = 'sma(50)@1h > clse';
    const e = error(text, env);
    expect(e.message).toBe("unknown name 'clse'");
    expect(e.index).toBe(text.indexOf('clse'));
  });

  it('refuses @ after anything but an indicator call, or without a timeframe, at the @', () => {
    const { env } = recording();
    expect(error('close@1h > 0', env).message).toBe('@1h can only follow an indicator call');
    expect(error('abs(close)@1h > 0', env).message).toBe('@1h can only follow an indicator call, not abs()');
    expect(error('prev(close, 1)@1h > 0', env).message).toBe('@1h can only follow an indicator call, not prev()');
    const missing = error('sma(5)@close > 0', env);
    expect(missing.message).toBe('@ is followed by a timeframe: a whole number and a unit s, m, h or d');
    expect(missing.index).toBe(6);
  });

  it('reports the resolver’s objection to a timeframe at the @', () => {
    const env: ExpressionEnv = {
      identifiers: ['close'],
      resolveCall: (_name, _args, timeframe) => {
        if (timeframe === '3m') throw new Error("@3m is shorter than the data's timeframe 5m");
        return 'x';
      },
    };
    const text = 'close > sma(50)@3m';
    const e = error(text, env);
    expect(e.message).toBe("@3m is shorter than the data's timeframe 5m");
    expect(e.index).toBe(text.indexOf('@'));
  });
});
