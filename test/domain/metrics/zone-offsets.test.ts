import { describe, expect, it } from 'vitest';
import { SESSION_TIME_ZONE } from '../../../src/domain/metrics/data-calendar.ts';
import { ZoneOffsets } from '../../../src/domain/metrics/zone-offsets.ts';

const DAY_MS = 86_400_000;
const FIRST = Math.floor(Date.UTC(1900, 0, 1) / DAY_MS);
const LAST = Math.floor(Date.UTC(2100, 11, 31) / DAY_MS);

/** The run's offset for `day`, seeking as SessionCounter does (only when the day is outside the run). */
function lookup(z: ZoneOffsets, day: number): number {
  if (!(day >= z.from && day <= z.to)) z.seek(day);
  return z.offset;
}

describe('ZoneOffsets: runs of days with one offset', () => {
  for (const zone of new Set(Object.values(SESSION_TIME_ZONE))) {
    it(`${zone}: the offset Intl gives at noon UTC, every day of 1900–2100, walked forward`, () => {
      const z = new ZoneOffsets(zone);
      const reference = new ZoneOffsets(zone);
      let seeks = 0;
      for (let day = FIRST; day <= LAST; day++) {
        if (!(day >= z.from && day <= z.to)) seeks++;
        const got = lookup(z, day);
        const want = reference.exact(day);
        if (got !== want)
          expect.fail(`${zone}, ${new Date(day * DAY_MS).toISOString().slice(0, 10)}: ${got}, Intl ${want}`);
      }
      // Runs, not days: New York changes its offset about twice a year.
      expect(seeks).toBeLessThan(zone === 'UTC' ? 2 : 201 * 12);
    });
  }

  it('America/New_York: the same when days come in any order', () => {
    const z = new ZoneOffsets('America/New_York');
    const reference = new ZoneOffsets('America/New_York');
    let x = 12345;
    for (let i = 0; i < 4_000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const day = FIRST + (x % (LAST - FIRST));
      expect(lookup(z, day)).toBe(reference.exact(day));
    }
  });

  it('knows the changes: EST in winter, EDT from the second Sunday of March 2024', () => {
    const z = new ZoneOffsets('America/New_York');
    const day = (iso: string) => Math.floor(Date.parse(iso) / DAY_MS);
    expect(lookup(z, day('2024-03-09'))).toBe(-5 * 3_600_000);
    expect(z.to).toBe(day('2024-03-09'));
    expect(lookup(z, day('2024-03-10'))).toBe(-4 * 3_600_000);
  });
});
