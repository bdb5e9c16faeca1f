import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barFault, barIsSound } from '../../src/data/bar-check.ts';

describe('barIsSound and barFault: the one rule of what a bar is', () => {
  it.each([
    ['a plain bar', [10, 11, 9, 10.5, 100], null],
    ['a flat bar without volume (NaN)', [10, 10, 10, 10, Number.NaN], null],
    ['zero volume', [10, 10, 10, 10, 0], null],
    ['open 0', [0, 11, 9, 10, 1], 'open 0 is not a positive price'],
    ['close NaN', [10, 11, 9, Number.NaN, 1], 'close NaN is not a positive price'],
    ['high Infinity', [10, Infinity, 9, 10, 1], 'high Infinity is not a finite price'],
    ['low -Infinity', [10, 11, -Infinity, 10, 1], 'low -Infinity is not a positive price'],
    ['volume Infinity', [10, 11, 9, 10, Infinity], 'volume Infinity is not finite'],
    ['volume -5', [10, 11, 9, 10, -5], 'volume -5 is negative'],
    ['high below the close', [10, 11.2, 9, 11.5, 1], 'high 11.2 is below max(open, close) 11.5'],
    ['low above the open', [11, 12, 11.1, 11.5, 1], 'low 11.1 is above min(open, close) 11'],
  ] as const)('%s', (_, [o, h, l, c, v], what) => {
    expect(barIsSound(o, h, l, c, v)).toBe(what === null);
    expect(barFault(o, h, l, c, v)?.what ?? null).toBe(what);
  });

  it('reports the first fault: prices in the order open, high, low, close, then volume, then high, then low', () => {
    expect(barFault(-1, -2, 1, 1, -1)?.field).toBe('open');
    expect(barFault(1, 0.5, 2, 1, -1)).toMatchObject({ kind: 'volume', field: 'volume' });
    expect(barFault(2, 1, 3, 2, 1)).toMatchObject({ kind: 'high', field: 'high' });
  });

  it('the hot-path test and the explanation never disagree', () => {
    // Mostly prices near each other, so that sound bars and every kind of fault come up.
    const value = fc.oneof(
      { arbitrary: fc.double({ min: 1, max: 3, noNaN: true }), weight: 6 },
      { arbitrary: fc.double(), weight: 1 },
      {
        arbitrary: fc.constantFrom(
          0,
          -0,
          1,
          2,
          -1,
          Number.NaN,
          Infinity,
          -Infinity,
          Number.MIN_VALUE,
          Number.MAX_VALUE,
        ),
        weight: 1,
      },
    );
    let sound = 0;
    fc.assert(
      fc.property(value, value, value, value, value, (o, h, l, c, v) => {
        const ok = barIsSound(o, h, l, c, v);
        if (ok) sound++;
        expect(ok).toBe(barFault(o, h, l, c, v) === null);
      }),
      { numRuns: 20_000 },
    );
    // The property would hold vacuously if no sound bar were ever drawn.
    expect(sound).toBeGreaterThan(100);
  });
});
