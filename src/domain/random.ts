/**
 * A small seeded pseudo-random number generator, so that everything random in the engine
 * (Monte Carlo bootstraps, random parameter search) gives the same answer for the same
 * seed on every machine and every run. `Math.random` cannot be seeded, and its algorithm
 * differs between engines, so it is never used for results.
 *
 * The generator is SFC32, "Small Fast Chaotic" (32-bit), by Chris Doty-Humphrey, from his
 * PractRand test suite (public domain; `src/RNGs/sfc.cpp` of PractRand 0.95,
 * https://pracrand.sourceforge.net/). Why this one:
 *
 * - It passes the PractRand statistical test battery, unlike mulberry32, whose output is a
 *   hash of a 32-bit counter: it repeats after 2^32 outputs and never produces about a
 *   third of the 32-bit values. A bootstrap of 10,000 draws × 100,000 trades already uses
 *   10^9 numbers.
 * - 128 bits of state including a counter: no cycle shorter than 2^32, about 2^127 on
 *   average.
 * - Only 32-bit additions, shifts and xors: exact and fast in JavaScript (`| 0`, `>>> 0`).
 *
 * Seeding follows PractRand's `sfc32::seed(Uint64)`: a = 0, b = low 32 bits of the seed,
 * c = high 32 bits, counter = 1, then 12 outputs are discarded to mix the state. The
 * stream is checked in the tests against a C build of that reference.
 */

const TWO_POW_32 = 4_294_967_296;

/** A source of uniformly distributed 32-bit words, the interface the helpers below take. */
export interface Rng {
  /** The next output: an integer in [0, 2^32), uniform. */
  nextUint32(): number;
  /** The next output as a float in [0, 1): `nextUint32() / 2^32` (32 bits of resolution). */
  nextFloat(): number;
}

/**
 * SFC32 (see the module comment). Mutable: every call advances the state. Not safe to share
 * between computations that must be reproducible on their own; give each its own seed.
 */
export class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private counter: number;

  /**
   * @param seed a non-negative safe integer (0 … 2^53 − 1); distinct seeds give distinct
   *   streams (both 32-bit halves enter the state).
   * @throws RangeError for anything else (a fraction, a negative number, NaN, beyond 2^53).
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(
        `random seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, received ${String(seed)}`,
      );
    }
    this.a = 0;
    this.b = seed >>> 0;
    this.c = Math.floor(seed / TWO_POW_32) >>> 0;
    this.counter = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    // tmp = a + b + counter++; a = b ^ (b >> 9); b = c + (c << 3); c = rotl(c, 21) + tmp
    const tmp = (this.a + this.b + this.counter) | 0;
    this.counter = (this.counter + 1) | 0;
    const b = this.b;
    const c = this.c;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + tmp) | 0;
    return tmp >>> 0;
  }

  nextFloat(): number {
    return this.nextUint32() / TWO_POW_32;
  }
}

/** A new seeded generator (SFC32); see {@link Sfc32} for what a seed may be. */
export function createRng(seed: number): Rng {
  return new Sfc32(seed);
}

/**
 * A uniform integer in [0, n), without modulo bias.
 *
 * Method: rejection sampling. Outputs x ≥ limit = 2^32 − (2^32 mod n) are redrawn, so that
 * the accepted range is a whole multiple of n and `x mod n` is exactly uniform. At most
 * half the outputs are rejected (when n is just above 2^31), usually almost none.
 *
 * @param n a whole number from 1 to 2^32.
 * @throws RangeError for any other n.
 */
export function randomInt(rng: Rng, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
    throw new RangeError(`randomInt: n must be a whole number from 1 to 2^32, received ${String(n)}`);
  }
  const limit = TWO_POW_32 - (TWO_POW_32 % n);
  let x = rng.nextUint32();
  while (x >= limit) x = rng.nextUint32();
  // x mod n as x − ⌊x / n⌋·n: exact for x < 2^32 (the quotient cannot round up to the
  // next integer), and much faster than `%`, which V8 computes with fmod for x ≥ 2^31.
  return x - Math.floor(x / n) * n;
}

/**
 * A uniform integer in [0, n) for an n of any size (e.g. the index of one combination in a
 * parameter grid of 10^20).
 *
 * Method: rejection sampling on bits. With k the bit length of n − 1, draw ⌈k / 32⌉ words,
 * keep the low k bits and redraw while the value is ≥ n. Since 2^(k−1) ≤ n − 1 < 2^k, each
 * attempt succeeds with probability > 1/2.
 *
 * @param n at least 1n.
 * @throws RangeError when n < 1n.
 */
export function randomBigInt(rng: Rng, n: bigint): bigint {
  if (n < 1n) throw new RangeError(`randomBigInt: n must be at least 1, received ${n}`);
  if (n === 1n) return 0n;
  const bits = (n - 1n).toString(2).length;
  const words = Math.ceil(bits / 32);
  const mask = (1n << BigInt(bits)) - 1n;
  for (;;) {
    let x = 0n;
    for (let w = 0; w < words; w++) x = (x << 32n) | BigInt(rng.nextUint32());
    x &= mask;
    if (x < n) return x;
  }
}
