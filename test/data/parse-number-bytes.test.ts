import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecimalBytes } from '../../src/data/parse-number-bytes.ts';
import { parseNumber } from '../../src/data/parse-number.ts';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
/** The field at the middle of a line, so a parser reading past its end would see other bytes. */
const inLine = (s: string): number => {
  const line = bytes(`9,${s},9`);
  return parseDecimalBytes(line, 2, line.length - 2);
};

describe('parseDecimalBytes', () => {
  it('reads plain decimals exactly as parseNumber does', () => {
    for (const s of [
      '521.23',
      '0.1',
      '-0.5',
      '888901',
      '.5',
      '5.',
      '007',
      '0',
      '-0',
      '123456789012345',
      '0.00000000000001',
    ]) {
      expect(Object.is(inLine(s), parseNumber(s)), s).toBe(true);
    }
  });

  it('leaves to the string parser what it does not take (NaN means "not mine")', () => {
    for (const s of [
      '',
      '-',
      '.',
      ' 1',
      '1 ',
      '1e3',
      '+1',
      '1.2.3',
      'abc',
      '1234567890123456',
      '0.000000000000001',
      '0x10',
      'NaN',
      'Infinity',
    ]) {
      expect(inLine(s), s).toBeNaN();
    }
  });

  it('agrees with parseNumber on every value it takes (property)', () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{0,12}$/), fc.option(fc.stringMatching(/^[0-9]{0,8}$/)))
      .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}`);
    fc.assert(
      fc.property(fc.oneof(decimal, fc.string({ maxLength: 12 })), (s) => {
        const fast = inLine(s);
        if (!Number.isNaN(fast)) expect(Object.is(fast, parseNumber(s)), s).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('takes every price-shaped decimal (so the fast path is the common path)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 4 }), (n, scale) => {
        const s = (n / 10 ** scale).toFixed(scale);
        expect(inLine(s)).toBe(Number(s));
      }),
      { numRuns: 5000 },
    );
  });
});
