import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimestampBytesParser } from '../../src/data/parse-timestamp-bytes.ts';
import { parseTimestamp } from '../../src/data/parse-timestamp.ts';

/** The field at the middle of a line, so a parser reading past its end would see other bytes. */
function fast(parser: TimestampBytesParser, s: string): number {
  const line = new TextEncoder().encode(`1,${s},2024-01-01 00:00:00+00:00`);
  return parser.parse(line, 2, line.length - 26);
}

describe('TimestampBytesParser', () => {
  it('reads the forms bar files use, as parseTimestamp does', () => {
    const parser = new TimestampBytesParser();
    for (const s of [
      '2024-03-26 13:30:00+00:00',
      '2024-03-26T13:30:00Z',
      '2024-03-26t13:30z',
      '2024-03-26T09:30-04:00',
      '2024-03-26T09:30:15+0530',
      '2024-03-26T09:30+05',
      '2024-03-26',
      '2024-02-29',
      '1711459800',
      '1711459800000',
      '-86400',
      '0',
    ]) {
      expect(fast(parser, s), s).toBe(parseTimestamp(s));
    }
  });

  it('leaves to parseTimestamp what it does not take (NaN means "not mine")', () => {
    const parser = new TimestampBytesParser();
    for (const s of [
      ' 2024-03-26',
      '2024-03-26 ',
      '2024-03-26T13:30:00.5Z',
      '1711459800.5',
      '2023-02-29',
      '2024-13-01',
      '2024-03-26T24:00',
      '2024-03-26T13:3',
      '2024-03-26T13:30+0',
      '2024-03-26X13:30',
      '20x4-03-26',
      '',
    ]) {
      expect(fast(parser, s), s).toBeNaN();
    }
  });

  it('agrees with parseTimestamp on every value it takes, across the day cache (property)', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const iso = fc
      .tuple(
        fc.integer({ min: 1900, max: 2100 }),
        two(13),
        two(32),
        fc.constantFrom('T', ' ', 't', 'x'),
        two(24),
        two(60),
        fc.option(two(60)),
        fc.constantFrom('', 'Z', '+00:00', '-04:00', '+0530', '+05', '-2', '.5Z'),
      )
      .map(([y, mo, d, sep, h, mi, s, zone]) => `${y}-${mo}-${d}${sep}${h}:${mi}${s === null ? '' : `:${s}`}${zone}`);
    const dateOnly = iso.map((s) => s.slice(0, 10));
    const epoch = fc.integer({ min: -1e12, max: 1e14 }).map(String);
    const parser = new TimestampBytesParser();
    fc.assert(
      fc.property(
        fc.array(fc.oneof(iso, dateOnly, epoch, fc.string({ maxLength: 26 })), { maxLength: 8 }),
        (fields) => {
          for (const s of fields) {
            const v = fast(parser, s);
            if (!Number.isNaN(v)) expect(v, s).toBe(parseTimestamp(s));
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
