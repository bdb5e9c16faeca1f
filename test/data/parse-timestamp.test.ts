import { describe, expect, it } from 'vitest';
import { epochToMs, parseTimestamp } from '../../src/data/parse-timestamp.ts';

const T = Date.UTC(2024, 2, 26, 13, 30); // 2024-03-26T13:30:00Z

describe('parseTimestamp', () => {
  it.each([
    ['2024-03-26 13:30:00+00:00', T],
    ['2024-03-26T13:30:00Z', T],
    ['2024-03-26t13:30:00z', T],
    ['2024-03-26T13:30Z', T],
    ['2024-03-26T09:30:00-04:00', T],
    ['2024-03-26T09:30:00-0400', T],
    ['2024-03-26T15:30:00+02', T],
    ['2024-03-26 13:30:00', T],
    ['  2024-03-26T13:30:00Z ', T],
    ['2024-03-26T13:30:00.250Z', T + 250],
    ['2024-03-26T13:30:00.5Z', T + 500],
    ['2024-03-26T13:30:00.123456Z', T + 123.456],
    ['2006-01-02', Date.UTC(2006, 0, 2)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['1711459800', T],
    ['1711459800000', T],
    ['1711459800.5', T + 500],
    ['1711459800000000', T],
  ])('%s', (text, expected) => {
    expect(parseTimestamp(text)).toBe(expected);
  });

  it('agrees with Date.parse over a range of ISO instants', () => {
    for (let ms = Date.UTC(1999, 11, 31, 23); ms < Date.UTC(2030, 0, 1); ms += 86_400_000 * 37 + 3_723_000) {
      const iso = new Date(ms).toISOString();
      expect(parseTimestamp(iso)).toBe(ms);
      expect(parseTimestamp(iso.replace('T', ' ').replace('Z', '+00:00'))).toBe(ms);
    }
  });

  it.each([
    '',
    '   ',
    'abc',
    '2024-13-01',
    '2023-02-29',
    '2024-04-31',
    '2024-03-26T24:00:00Z',
    '2024-03-26T13:60:00Z',
    '2024-03-26T13:30:61Z',
    '2024-03-26T13:30:00+25:00',
    '2024-03-26T13:30:00 UTC',
    '2024-03-26X13:30',
    '2024/03/26',
    '2024-3-26',
    '2024-03-26T13:30:00.Z',
    '2024-03-26T13:30:00Zjunk',
  ])('rejects %j', (text) => {
    expect(parseTimestamp(text)).toBeNaN();
  });
});

describe('epochToMs', () => {
  it('tells seconds, milliseconds, microseconds and nanoseconds apart by magnitude', () => {
    expect(epochToMs(1711459800)).toBe(T);
    expect(epochToMs(1711459800000)).toBe(T);
    expect(epochToMs(1711459800000000)).toBe(T);
    expect(epochToMs(1711459800000000000)).toBe(T);
    expect(epochToMs(0)).toBe(0);
  });
});
