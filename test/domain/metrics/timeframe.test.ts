import { describe, expect, it } from 'vitest';
import { barsPerYear, parseTimeframe } from '../../../src/domain/metrics/timeframe.ts';
import type { TradingCalendar } from '../../../src/domain/metrics/timeframe.ts';

describe('parseTimeframe', () => {
  it.each([
    ['1m', 60_000],
    ['5m', 300_000],
    ['15m', 900_000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['4h', 14_400_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['60s', 60_000],
  ])('%s is %d ms', (tf, ms) => {
    expect(parseTimeframe(tf)).toBe(ms);
  });

  it.each(['', '1', 'm', '0m', '-5m', '1.5h', '1M', '1H', ' 1m', '1m ', '1y', '01m', 'five minutes'])(
    'rejects %j with a message naming the value and the expected form',
    (tf) => {
      expect(() => parseTimeframe(tf)).toThrow(
        new RegExp(`invalid timeframe ${JSON.stringify(tf).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*'5m'`),
      );
    },
  );
});

describe('barsPerYear', () => {
  // us_equity intraday: 252 days × 390 session minutes / bar minutes.
  it.each([
    ['1m', 98_280], // 252 × 390
    ['5m', 19_656], // 252 × 78
    ['15m', 6_552], // 252 × 26
    ['30m', 3_276], // 252 × 13
    ['1h', 1_638], // 252 × 6.5
    ['4h', 409.5], // 252 × 1.625
    ['60s', 98_280],
    ['1d', 252],
    ['1w', 52],
  ])('us_equity %s → %d', (tf, expected) => {
    expect(barsPerYear(tf, 'us_equity')).toBeCloseTo(expected, 9);
  });

  // continuous: 365 days × 24 h / bar length.
  it.each([
    ['1m', 525_600], // 365 × 1440
    ['5m', 105_120], // 365 × 288
    ['15m', 35_040], // 365 × 96
    ['1h', 8_760], // 365 × 24
    ['4h', 2_190], // 365 × 6
    ['1d', 365],
    ['1w', 52],
  ])('continuous %s → %d', (tf, expected) => {
    expect(barsPerYear(tf, 'continuous')).toBeCloseTo(expected, 9);
  });

  it('counts a us_equity bar at least one session long as one bar a day', () => {
    expect(barsPerYear('8h', 'us_equity')).toBe(252);
  });

  it('scales multi-day and multi-week bars', () => {
    expect(barsPerYear('2d', 'us_equity')).toBe(126);
    expect(barsPerYear('5d', 'continuous')).toBe(73);
    expect(barsPerYear('2w', 'continuous')).toBe(26);
    expect(barsPerYear('7d', 'us_equity')).toBe(52); // a whole week is a week
  });

  it('rejects an unknown calendar and a bad timeframe', () => {
    expect(() => barsPerYear('1d', 'nyse' as TradingCalendar)).toThrow(/unknown trading calendar "nyse"/);
    expect(() => barsPerYear('1x', 'us_equity')).toThrow(/invalid timeframe/);
  });
});
