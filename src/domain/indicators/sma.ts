import { z } from 'zod';
import type { OutputColumns, PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';
import { defineIndicator } from '../define.ts';

/**
 * Simple moving average over the last `period` values, O(1) per update: a ring buffer
 * and a running sum. The sum is recomputed from the buffer each time the ring wraps
 * (amortised O(1)) so rounding error cannot drift over an unbounded live stream.
 *
 * First value after `period` values (bar index period-1).
 */
export class Sma extends PriceIndicator {
  /** Window length. */
  readonly period: number;
  private readonly buf: Float64Array;
  private idx = 0;
  private count = 0;
  private sum = 0;
  private current = NaN;

  /**
   * @param period window length, a positive integer.
   * @param input series read by `update` (default close).
   */
  constructor(period: number, input?: PriceInput) {
    super(input);
    this.period = period;
    this.buf = new Float64Array(period);
  }

  /** Feeds one value. */
  push(x: number): void {
    const p = this.period;
    if (this.count < p) {
      this.count++;
      this.sum += x;
    } else {
      this.sum += x - this.buf[this.idx]!;
    }
    this.buf[this.idx] = x;
    if (++this.idx === p) {
      this.idx = 0;
      // The window is exactly the buffer now: re-sum it to drop accumulated rounding.
      let s = 0;
      for (let i = 0; i < p; i++) s += this.buf[i]!;
      this.sum = s;
    }
    if (this.count === p) this.current = this.sum / p;
  }

  /**
   * `push` over a column, the same arithmetic in the same order (the re-sum on every wrap
   * included), with the state in locals: the warm-up bars one by one, then a loop that
   * no longer tests for it.
   */
  override pushColumn(input: Float64Array, length: number, outputs: OutputColumns): void {
    const out = outputs[0];
    if (out === undefined) return super.pushColumn(input, length, outputs);
    const p = this.period;
    const buf = this.buf;
    let b = 0;
    for (; b < length && this.count < p; b++) {
      this.push(input[b]!);
      out[b] = this.current;
    }
    if (b === length) return;
    let idx = this.idx;
    let sum = this.sum;
    let current = this.current;
    for (; b < length; b++) {
      const x = input[b]!;
      sum += x - buf[idx]!;
      buf[idx] = x;
      if (++idx === p) {
        idx = 0;
        // The window is exactly the buffer now: re-sum it to drop accumulated rounding.
        let s = 0;
        for (let i = 0; i < p; i++) s += buf[i]!;
        sum = s;
      }
      current = sum / p;
      out[b] = current;
    }
    this.idx = idx;
    this.sum = sum;
    this.current = current;
  }

  /** True once `period` values have been seen. */
  get ready(): boolean {
    return this.count === this.period;
  }

  /** The average; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.buf.fill(0);
    this.idx = 0;
    this.count = 0;
    this.sum = 0;
    this.current = NaN;
  }
}

const params = z.strictObject({ period: periodParam() });

/** `sma(period)`: simple moving average. Output `value`; warm-up `period` bars. */
export const sma = defineIndicator({
  name: 'sma',
  description: 'Simple moving average of the last `period` values.',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period,
  create: (p, input) => new Sma(p.period, input),
});
