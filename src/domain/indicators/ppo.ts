import { z } from 'zod';
import { Ema } from './ema.ts';
import type { PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';
import { defineIndicator } from '../define.ts';

/**
 * Percentage price oscillator, as StockCharts' ChartSchool defines it: line =
 * 100 · (EMA(fast) - EMA(slow)) / EMA(slow), signal = EMA(signal) of the line,
 * histogram = line - signal. Every EMA is SMA-seeded (this catalogue's EMA), so the line
 * exists from bar slow - 1 and the signal from slow + signal - 2; all three outputs wait
 * for the signal, as MACD's do. The line is 0 when EMA(slow) is 0. O(1).
 *
 * TA-Lib's PPO is the line alone, with a simple moving average unless told otherwise.
 */
export class Ppo extends PriceIndicator {
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
    const s = this.slow.value();
    const line = s === 0 ? 0 : (100 * (this.fast.value() - s)) / s;
    this.signal.push(line);
    if (!this.signal.ready) return;
    this.line = line;
    this.sig = this.signal.value();
    this.hist = line - this.sig;
  }

  /** True once the signal line exists. */
  get ready(): boolean {
    return this.signal.ready;
  }

  /** Output by index: 0 line, 1 signal, 2 histogram; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.line : output === 1 ? this.sig : output === 2 ? this.hist : NaN;
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

const params = z
  .strictObject({ fast: periodParam(12), slow: periodParam(26), signal: periodParam(9) })
  .refine((p) => p.fast < p.slow, { path: ['slow'], message: 'slow must be greater than fast' });

/**
 * `ppo(fast=12, slow=26, signal=9)`: outputs line, signal, histogram (percent);
 * warm-up slow + signal - 1 bars.
 */
export const ppo = defineIndicator({
  name: 'ppo',
  description: 'Percentage price oscillator: 100 · (EMA(fast) - EMA(slow)) / EMA(slow), its EMA(signal), and their difference.',
  params,
  outputs: ['line', 'signal', 'histogram'],
  reads: 'price',
  warmup: (p) => p.slow + p.signal - 1,
  create: (p, input) => new Ppo(p.fast, p.slow, p.signal, input),
});
