import { z } from 'zod';
import type { PriceInput } from './indicator.ts';
import { PriceIndicator } from './price-indicator.ts';
import { Wma } from './wma.ts';
import { defineIndicator } from '../define.ts';

/** The inner and outer window lengths of an HMA: floor(period/2) and floor(sqrt(period)). */
export function hmaWindows(period: number): { half: number; root: number } {
  return { half: Math.floor(period / 2), root: Math.floor(Math.sqrt(period)) };
}

/**
 * Hull moving average: WMA(2·WMA(x, floor(n/2)) - WMA(x, n), floor(sqrt(n))), with n the
 * period (Hull's definition; the floors are those of pandas-ta, some charting packages
 * round the square root instead). The inner difference exists from bar index n-1, so the
 * first HMA is at n + floor(sqrt(n)) - 2. O(1): three WMAs.
 */
export class Hma extends PriceIndicator {
  private readonly half: Wma;
  private readonly full: Wma;
  private readonly outer: Wma;
  private current = NaN;

  /**
   * @param period n, an integer >= 2 (so floor(n/2) >= 1).
   * @param input series read by `update` (default close).
   */
  constructor(period: number, input?: PriceInput) {
    super(input);
    const { half, root } = hmaWindows(period);
    this.half = new Wma(half);
    this.full = new Wma(period);
    this.outer = new Wma(root);
  }

  /** Feeds one value. */
  push(x: number): void {
    this.half.push(x);
    this.full.push(x);
    if (!this.full.ready) return;
    this.outer.push(2 * this.half.value() - this.full.value());
    if (this.outer.ready) this.current = this.outer.value();
  }

  /** True once the outer WMA is full. */
  get ready(): boolean {
    return this.outer.ready;
  }

  /** The HMA; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.half.reset();
    this.full.reset();
    this.outer.reset();
    this.current = NaN;
  }
}

const params = z.strictObject({ period: z.number().int().min(2) });

/** `hma(period)`: Hull moving average. Output `value`; warm-up period + floor(sqrt(period)) - 1 bars. */
export const hma = defineIndicator({
  name: 'hma',
  description: 'Hull moving average: WMA(2·WMA(period/2) - WMA(period), sqrt(period)), both lengths floored.',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period + hmaWindows(p.period).root - 1,
  create: (p, input) => new Hma(p.period, input),
});
