import { z } from 'zod';
import { Ema } from './ema.ts';
import type { PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';
import { defineIndicator } from '../define.ts';

/**
 * William Blau's true strength index (Technical Analysis of Stocks & Commodities,
 * November 1991; "Momentum, Direction, and Divergence", 1995), with the signal line of
 * StockCharts' ChartSchool:
 *
 * m_t = x_t - x_{t-1}; TSI = 100 · EMA(EMA(m, long), short) / EMA(EMA(|m|, long), short);
 * signal = EMA(TSI, signal). Every EMA is SMA-seeded, as this catalogue's EMA (backtrader's
 * TSI smooths the same way); TSI is 0 when the double-smoothed |m| is 0.
 *
 * m exists from bar 1, the first TSI at bar long + short - 1, the signal at
 * long + short + signal - 2; both outputs wait for the signal. O(1).
 */
export class Tsi extends PriceIndicator {
  private readonly m1: Ema;
  private readonly m2: Ema;
  private readonly a1: Ema;
  private readonly a2: Ema;
  private readonly sig: Ema;
  private prev = NaN;
  private tsi = NaN;
  private signal = NaN;

  /**
   * @param long period of the first smoothing (Blau's r, 25).
   * @param short period of the second smoothing (Blau's s, 13).
   * @param signal period of the signal EMA.
   * @param input series read by `update` (default close).
   */
  constructor(long: number, short: number, signal: number, input?: PriceInput) {
    super(input);
    this.m1 = new Ema(long);
    this.m2 = new Ema(short);
    this.a1 = new Ema(long);
    this.a2 = new Ema(short);
    this.sig = new Ema(signal);
  }

  /** Feeds one value. */
  push(x: number): void {
    const prev = this.prev;
    this.prev = x;
    if (Number.isNaN(prev)) return;
    const m = x - prev;
    this.m1.push(m);
    this.a1.push(Math.abs(m));
    if (!this.m1.ready) return;
    this.m2.push(this.m1.value());
    this.a2.push(this.a1.value());
    if (!this.m2.ready) return;
    const den = this.a2.value();
    const tsi = den > 0 ? (100 * this.m2.value()) / den : 0;
    this.sig.push(tsi);
    if (!this.sig.ready) return;
    this.tsi = tsi;
    this.signal = this.sig.value();
  }

  /** True once the signal line exists. */
  get ready(): boolean {
    return this.sig.ready;
  }

  /** Output by index: 0 tsi, 1 signal; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.tsi : output === 1 ? this.signal : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.m1.reset();
    this.m2.reset();
    this.a1.reset();
    this.a2.reset();
    this.sig.reset();
    this.prev = NaN;
    this.tsi = NaN;
    this.signal = NaN;
  }
}

const params = z.strictObject({ long: periodParam(25), short: periodParam(13), signal: periodParam(7) });

/**
 * `tsi(long=25, short=13, signal=7)`: true strength index. Outputs tsi, signal; warm-up
 * long + short + signal - 1 bars.
 */
export const tsi = defineIndicator({
  name: 'tsi',
  description:
    "Blau's true strength index: 100 · EMA(EMA(Δx, long), short) / EMA(EMA(|Δx|, long), short), with an EMA(signal) signal line.",
  params,
  outputs: ['tsi', 'signal'],
  reads: 'price',
  warmup: (p) => p.long + p.short + p.signal - 1,
  create: (p, input) => new Tsi(p.long, p.short, p.signal, input),
});
