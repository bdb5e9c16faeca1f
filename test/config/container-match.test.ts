import { describe, expect, it } from 'vitest';
import { ContainerMatcher, globToRegExp } from '../../src/config/container-match.ts';

describe('container_settings matching', () => {
  it('an exact id wins over a wildcard, whatever the declaration order', () => {
    const m = new ContainerMatcher({ 'portfolio_*': 'glob', portfolio_sma: 'exact' });
    expect(m.match('portfolio_sma')).toEqual({ pattern: 'portfolio_sma', value: 'exact' });
    expect(m.match('portfolio_rsi')).toEqual({ pattern: 'portfolio_*', value: 'glob' });
    expect(m.match('strategy_sma')).toBeUndefined();
  });

  it('among globs the most specific wins, then the first declared', () => {
    const m = new ContainerMatcher({
      '*': 'any',
      'portfolio_*': 'portfolios',
      'portfolio_sma_*': 'sma books',
      '*_sma_*': 'sma',
    });
    expect(m.match('portfolio_sma_5_20')?.value).toBe('sma books');
    expect(m.match('portfolio_rsi')?.value).toBe('portfolios');
    expect(m.match('strategy_sma_5')?.value).toBe('sma');
    expect(m.match('risk')?.value).toBe('any');
    const tie = new ContainerMatcher({ 'a*': 'first', '*a': 'second' });
    expect(tie.match('aa')?.value).toBe('first');
  });

  it('treats every character but * literally', () => {
    expect(globToRegExp('p.x*').test('p.x1')).toBe(true);
    expect(globToRegExp('p.x*').test('pyx1')).toBe(false);
    expect(globToRegExp('a+b').test('a+b')).toBe(true);
    expect(globToRegExp('a+b').test('aab')).toBe(false);
    expect(new ContainerMatcher({}).empty).toBe(true);
  });
});
