import { z } from 'zod';
import type { PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';
import { defineIndicator } from '../define.ts';

/**
 * Wilder's relative strength index.
 *
 * The first average gain and loss are the simple means of the first `period` changes,
 * so the first value needs `period + 1` prices (bar index `period`); afterwards
 * avg = (avg * (period - 1) + x) / period. RSI = 100 - 100 / (1 + avgGain / avgLoss),
 * 100 when avgLoss is 0, and 50 when both averages are 0 (a flat series has no trend).
 */
export class Rsi extends PriceIndicator {
  /** Number of changes averaged. */
  readonly period: number;
  private started = false;
  private prev = 0;
  private changes = 0;
  private avgGain = 0;
  private avgLoss = 0;
  private current = NaN;

  /**
   * @param period positive integer.
   * @param input series read by `update` (default close).
   */
  constructor(period: number, input?: PriceInput) {
    super(input);
    this.period = period;
  }

  /** Feeds one value. */
  push(x: number): void {
    const prev = this.prev;
    this.prev = x;
    // The very first value only sets the reference price.
    if (!this.started) {
      this.started = true;
      return;
    }
    const d = x - prev;
    const gain = d > 0 ? d : 0;
    const loss = d < 0 ? -d : 0;
    const p = this.period;
    if (this.changes < p) {
      // Accumulate sums during warm-up; they become means at the period-th change.
      this.avgGain += gain;
      this.avgLoss += loss;
      if (++this.changes < p) return;
      this.avgGain /= p;
      this.avgLoss /= p;
    } else {
      this.avgGain = (this.avgGain * (p - 1) + gain) / p;
      this.avgLoss = (this.avgLoss * (p - 1) + loss) / p;
    }
    const g = this.avgGain;
    const l = this.avgLoss;
    this.current = l === 0 ? (g === 0 ? 50 : 100) : 100 - 100 / (1 + g / l);
  }

  /** True once `period + 1` values have been seen. */
  get ready(): boolean {
    return this.changes >= this.period;
  }

  /** RSI in [0, 100]; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.started = false;
    this.prev = 0;
    this.changes = 0;
    this.avgGain = 0;
    this.avgLoss = 0;
    this.current = NaN;
  }
}

const params = z.strictObject({ period: periodParam(14) });

/** `rsi(period=14)`: Wilder's RSI. Output `value`; warm-up `period + 1` bars. */
export const rsi = defineIndicator({
  name: 'rsi',
  description: "Wilder's relative strength index (0..100), SMA-seeded Wilder smoothing of gains and losses.",
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period + 1,
  create: (p, input) => new Rsi(p.period, input),
});
