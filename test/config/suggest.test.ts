import { describe, expect, it } from 'vitest';
import { didYouMean, didYouMeanHint, editDistance } from '../../src/errors/suggest.ts';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('slow_perod', 'slow_period')).toBe(1);
  });

  it('counts an adjacent transposition as one edit', () => {
    expect(editDistance('slow_preiod', 'slow_period')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
  });

  it('is optimal string alignment, not full Damerau: no editing a transposed pair again', () => {
    expect(editDistance('ca', 'abc')).toBe(3);
  });
});

describe('didYouMean', () => {
  const keys = ['fast_period', 'slow_period', 'signal_period', 'price'];

  it('finds the closest name', () => {
    expect(didYouMean('slow_perod', keys)).toBe('slow_period');
    expect(didYouMean('fast_preiod', keys)).toBe('fast_period');
    expect(didYouMean('sma_crosover', ['sma_crossover', 'rsi_reversion'])).toBe('sma_crossover');
    expect(didYouMean('dsk', ['memory', 'disk', 'hybrid'])).toBe('disk');
  });

  it('accepts case and snake/kebab/camel variants', () => {
    expect(didYouMean('Fast_Period', keys)).toBe('fast_period');
    expect(didYouMean('fast-period', keys)).toBe('fast_period');
    expect(didYouMean('fastPeriod', keys)).toBe('fast_period');
  });

  it('gives nothing when no name is close enough for the word length', () => {
    expect(didYouMean('volume', keys)).toBeUndefined();
    expect(didYouMean('x', ['y', 'z'])).toBeUndefined();
    // 3 letters allow one edit, not two
    expect(didYouMean('dks', ['disk'])).toBeUndefined();
    expect(didYouMean('anything', [])).toBeUndefined();
  });

  it('breaks ties deterministically: same first letter, then order given', () => {
    expect(didYouMean('bat', ['cat', 'bar'])).toBe('bar');
    expect(didYouMean('cat', ['car', 'cab'])).toBe('car');
  });

  it('accepts any iterable', () => {
    expect(didYouMean('prce', new Set(keys))).toBe('price');
    expect(didYouMean('prce', new Map(keys.map((k) => [k, 1])).keys())).toBe('price');
  });

  it('formats a hint', () => {
    expect(didYouMeanHint('prce', keys)).toBe("did you mean 'price'?");
    expect(didYouMeanHint('zzzz', keys)).toBeUndefined();
  });
});
