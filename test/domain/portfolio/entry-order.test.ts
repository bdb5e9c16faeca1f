import { describe, expect, it } from 'vitest';
import { entryOrderTerms, restsAsEntry, type EntryOrderRule } from '../../../src/domain/portfolio/entry-order.ts';

const limit: EntryOrderRule = { type: 'limit', offsetBps: 50 };
const stop: EntryOrderRule = { type: 'stop', offsetBps: 50, expiresAfterBars: 3 };

describe('entryOrderTerms', () => {
  it('a market rule sends market orders', () => {
    expect(entryOrderTerms({ type: 'market', offsetBps: 50 }, 100, 0, 10)).toBeUndefined();
  });

  it('a limit buys below and sells above the close; a stop the other way round, with its expiry', () => {
    expect(entryOrderTerms(limit, 100, 0, 10)).toEqual({ orderType: 'limit', limitPrice: expect.closeTo(99.5, 9) });
    expect(entryOrderTerms(limit, 100, 0, -10)).toEqual({ orderType: 'limit', limitPrice: expect.closeTo(100.5, 9) });
    expect(entryOrderTerms(stop, 100, 0, 10)).toEqual({
      orderType: 'stop',
      stopPrice: expect.closeTo(100.5, 9),
      expiresAfterBars: 3,
    });
    expect(entryOrderTerms(stop, 100, 0, -10)).toEqual({
      orderType: 'stop',
      stopPrice: expect.closeTo(99.5, 9),
      expiresAfterBars: 3,
    });
  });

  it('an order that only reduces is a market order; adding and reversing are entries', () => {
    expect(entryOrderTerms(limit, 100, 10, -10)).toBeUndefined();
    expect(entryOrderTerms(limit, 100, -10, 4)).toBeUndefined();
    expect(entryOrderTerms(limit, 100, 10, 5)?.orderType).toBe('limit');
    expect(entryOrderTerms(limit, 100, 10, -25)).toEqual({ orderType: 'limit', limitPrice: expect.closeTo(100.5, 9) });
  });

  it('limit and stop terms rest as entries; market and protective terms are told apart by type', () => {
    expect(restsAsEntry(entryOrderTerms(limit, 100, 0, 1)!)).toBe(true);
    expect(restsAsEntry(entryOrderTerms(stop, 100, 0, 1)!)).toBe(true);
    expect(restsAsEntry({})).toBe(false);
    expect(restsAsEntry({ orderType: 'on_close' })).toBe(false);
  });
});
