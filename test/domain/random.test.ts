import { describe, expect, it } from 'vitest';
import { createRng, randomBigInt, randomInt, Sfc32, type Rng } from '../../src/domain/random.ts';

/** A fake generator replaying fixed 32-bit words, to drive the rejection paths. */
function replay(words: number[]): Rng {
  let i = 0;
  return {
    nextUint32: () => {
      const w = words[i++];
      if (w === undefined) throw new Error('replay exhausted');
      return w;
    },
    nextFloat: () => 0,
  };
}

const take = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.nextUint32());

/** Pearson chi-square statistic of observed counts against equal expected counts. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

describe('Sfc32', () => {
  // Outputs of PractRand's sfc32 (seed(Uint64): a=0, b=lo, c=hi, counter=1, 12 discards),
  // compiled from the reference C and printed as unsigned 32-bit integers.
  it.each([
    [0, [1363572419, 145230303, 808754475, 4216505632, 947923937, 2491578854]],
    [1, [2012149540, 1872316204, 1707632675, 1779833415, 2026416846, 1661539736]],
    [42, [1264412219, 1947509147, 3919439299, 1251167922, 656401615, 478193053]],
    [0x123456789abc, [326045146, 1552299435, 1252251859, 1239025575, 2557925817, 676864798]],
  ])('matches the reference stream for seed %d', (seed, expected) => {
    expect(take(new Sfc32(seed), 6)).toEqual(expected);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    expect(take(createRng(7), 100)).toEqual(take(createRng(7), 100));
    expect(take(createRng(7), 10)).not.toEqual(take(createRng(8), 10));
    // The high 32 bits of the seed matter too.
    expect(take(createRng(2 ** 32), 10)).not.toEqual(take(createRng(0), 10));
  });

  it('returns floats in [0, 1) as the 32-bit output over 2^32', () => {
    const a = createRng(3);
    const b = createRng(3);
    for (let i = 0; i < 1000; i++) {
      const f = a.nextFloat();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
      expect(f).toBe(b.nextUint32() / 2 ** 32);
    }
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53, Infinity])('refuses seed %s', (seed) => {
    expect(() => createRng(seed)).toThrow(/random seed must be a whole number from 0/);
  });
});

describe('randomInt', () => {
  it('stays in [0, n) and is uniform (chi-square, 5 degrees of freedom)', () => {
    const rng = createRng(11);
    const counts = new Array<number>(6).fill(0);
    let outside = 0;
    for (let i = 0; i < 60_000; i++) {
      const x = randomInt(rng, 6);
      if (!(Number.isInteger(x) && x >= 0 && x < 6)) outside++;
      else counts[x]!++;
    }
    expect(outside).toBe(0);
    // 99.9th percentile of chi-square with 5 degrees of freedom is 20.5.
    expect(chiSquare(counts)).toBeLessThan(20.5);
  });

  it('redraws outputs at or above the last whole multiple of n (no modulo bias)', () => {
    // n = 2^31 + 1: limit = 2^32 − (2^32 mod n) = 2^31 + 1, so 3e9 is rejected.
    expect(randomInt(replay([3_000_000_000, 5]), 2 ** 31 + 1)).toBe(5);
    expect(randomInt(replay([2 ** 31]), 2 ** 31 + 1)).toBe(2 ** 31);
  });

  it('handles the edges n = 1 and n = 2^32', () => {
    expect(randomInt(replay([123]), 1)).toBe(0);
    expect(randomInt(replay([4_294_967_295]), 2 ** 32)).toBe(4_294_967_295);
  });

  it.each([0, -1, 1.5, 2 ** 32 + 1, Number.NaN])('refuses n = %s', (n) => {
    expect(() => randomInt(createRng(1), n)).toThrow(RangeError);
  });
});

describe('randomBigInt', () => {
  it('stays in [0, n) and is uniform for a small n', () => {
    const rng = createRng(5);
    const counts = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 50_000; i++) {
      const x = randomBigInt(rng, 10n);
      if (x < 0n || x >= 10n) outside++;
      else counts[Number(x)]!++;
    }
    expect(outside).toBe(0);
    // 99.9th percentile of chi-square with 9 degrees of freedom is 27.9.
    expect(chiSquare(counts)).toBeLessThan(27.9);
  });

  it('covers values beyond 2^53 and keeps them below n', () => {
    const n = 10n ** 30n;
    const rng = createRng(9);
    const xs = Array.from({ length: 200 }, () => randomBigInt(rng, n));
    expect(xs.every((x) => x >= 0n && x < n)).toBe(true);
    expect(xs.some((x) => x > 2n ** 53n)).toBe(true);
    expect(new Set(xs).size).toBe(200);
  });

  it('masks to the bit length of n − 1 and redraws values ≥ n', () => {
    // n = 5: 3 bits. 0xffffffff & 7 = 7 ≥ 5 → redraw; 6 ≥ 5 → redraw; 4 accepted.
    expect(randomBigInt(replay([0xffffffff, 6, 4]), 5n)).toBe(4n);
    // n = 2^32 + 1: 33 bits from two words, high word first.
    expect(randomBigInt(replay([1, 0]), 2n ** 32n + 1n)).toBe(2n ** 32n);
  });

  it('returns 0 for n = 1 without drawing and refuses n < 1', () => {
    expect(randomBigInt(replay([]), 1n)).toBe(0n);
    expect(() => randomBigInt(createRng(1), 0n)).toThrow(RangeError);
  });
});
