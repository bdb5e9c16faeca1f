import { z } from 'zod';
import { Ema } from './ema.ts';
import type { PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';
import { defineIndicator } from '../define.ts';

/**
 * MACD: line = EMA(fast) - EMA(slow) of the price (both SMA-seeded), signal = EMA(signal)
 * of the line, SMA-seeded from the first `signal` line values, histogram = line - signal.
 *
 * The line exists from bar index slow-1; the signal from slow-1 + signal-1. All three
 * outputs stay NaN until the signal exists, so a reader never sees a half-formed MACD.
 */
export class Macd extends PriceIndicator {
  private readonly fast: Ema;
  private readonly slow: Ema;
  private readonly signal: Ema;
  private line = NaN;
  private sig = NaN;
  private hist = NaN;

  /**
   * @param fast fast EMA period.
   * @param slow slow EMA period (greater than fast).
   * @param signal signal EMA period.
   * @param input series read by `update` (default close).
   */
  constructor(fast: number, slow: number, signal: number, input?: PriceInput) {
    super(input);
    this.fast = new Ema(fast);
    this.slow = new Ema(slow);
    this.signal = new Ema(signal);
  }

  /** Feeds one value. */
  push(x: number): void {
    this.fast.push(x);
    this.slow.push(x);
    if (!this.slow.ready || !this.fast.ready) return;
    const line = this.lineOf(this.fast.value(), this.slow.value());
    this.signal.push(line);
    if (!this.signal.ready) return;
    const sig = this.signal.value();
    this.line = line;
    this.sig = sig;
    this.hist = line - sig;
  }

  /** The line from the two averages: their difference (PPO: in percent of the slow one). */
  protected lineOf(fast: number, slow: number): number {
    return fast - slow;
  }

  /** True once the signal line exists. */
  get ready(): boolean {
    return this.signal.ready;
  }

  /** Output by index: 0 line, 1 signal, 2 histogram; NaN until ready. */
  value(output = 0): number {
    switch (output) {
      case 0:
        return this.line;
      case 1:
        return this.sig;
      case 2:
        return this.hist;
      default:
        return NaN;
    }
  }

  /** Forgets every value seen. */
  reset(): void {
    this.fast.reset();
    this.slow.reset();
    this.signal.reset();
    this.line = NaN;
    this.sig = NaN;
    this.hist = NaN;
  }
}

/** fast, slow, signal periods (12, 26, 9); shared with PPO. */
export const fastSlowSignalParams = z
  .strictObject({ fast: periodParam(12), slow: periodParam(26), signal: periodParam(9) })
  .refine((p) => p.fast < p.slow, { path: ['slow'], message: 'slow must be greater than fast' });

/**
 * `macd(fast=12, slow=26, signal=9)`: outputs line, signal, histogram;
 * warm-up slow + signal - 1 bars.
 */
export const macd = defineIndicator({
  name: 'macd',
  description: 'MACD: EMA(fast) - EMA(slow) of the price, its EMA(signal), and their difference (all EMAs SMA-seeded).',
  params: fastSlowSignalParams,
  outputs: ['line', 'signal', 'histogram'],
  reads: 'price',
  warmup: (p) => p.slow + p.signal - 1,
  create: (p, input) => new Macd(p.fast, p.slow, p.signal, input),
});
