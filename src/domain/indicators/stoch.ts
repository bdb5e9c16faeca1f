import { z } from 'zod';
import type { BarInput, Indicator } from './indicator.ts';
import { periodParam } from './params.ts';
import { RollingExtreme } from './rolling-extreme.ts';
import { Sma } from './sma.ts';
import { defineIndicator } from '../define.ts';

/**
 * The raw stochastic %K of `x` in the range [lo, hi]: 100·(x - lo)/(hi - lo), and 50 when
 * the range is empty (a flat window: the price sits in the middle of a zero-width range,
 * as with RSI's 50 and %B's 0.5). TA-Lib returns 0 there; no other value differs.
 */
export function rawStochastic(x: number, lo: number, hi: number): number {
  const range = hi - lo;
  return range > 0 ? (100 * (x - lo)) / range : 50;
}

/**
 * Stochastic oscillator (Lane), the *slow* form by default:
 * raw %K = 100·(close - LL)/(HH - LL) over the last `kPeriod` bars (current included),
 * %K = SMA(raw %K, kSmooth), %D = SMA(%K, dPeriod). kSmooth = 1 gives the fast stochastic.
 *
 * Raw %K exists from bar index kPeriod-1, %K from kPeriod+kSmooth-2, %D from
 * kPeriod+kSmooth+dPeriod-3; both outputs stay NaN until %D exists. Amortised O(1):
 * monotonic deques for HH/LL and running-sum SMAs.
 */
export class Stoch implements Indicator {
  private readonly highs: RollingExtreme;
  private readonly lows: RollingExtreme;
  private readonly kSma: Sma;
  private readonly dSma: Sma;
  private k = NaN;
  private d = NaN;

  /**
   * @param kPeriod look-back of the high-low range.
   * @param kSmooth SMA length applied to raw %K (1: fast stochastic).
   * @param dPeriod SMA length of %D.
   */
  constructor(kPeriod: number, kSmooth: number, dPeriod: number) {
    this.highs = new RollingExtreme(kPeriod, 'max');
    this.lows = new RollingExtreme(kPeriod, 'min');
    this.kSma = new Sma(kSmooth);
    this.dSma = new Sma(dPeriod);
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    this.highs.push(bar.high);
    this.lows.push(bar.low);
    if (!this.highs.full) return;
    this.kSma.push(rawStochastic(bar.close, this.lows.extreme, this.highs.extreme));
    if (!this.kSma.ready) return;
    const k = this.kSma.value();
    this.dSma.push(k);
    if (!this.dSma.ready) return;
    this.k = k;
    this.d = this.dSma.value();
  }

  /** True once %D exists. */
  get ready(): boolean {
    return this.dSma.ready;
  }

  /** Output by index: 0 k, 1 d; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.k : output === 1 ? this.d : NaN;
  }

  /** Forgets every bar seen. */
  reset(): void {
    this.highs.reset();
    this.lows.reset();
    this.kSma.reset();
    this.dSma.reset();
    this.k = NaN;
    this.d = NaN;
  }
}

const params = z.strictObject({ k_period: periodParam(14), k_smooth: periodParam(3), d_period: periodParam(3) });

/**
 * `stoch(k_period=14, k_smooth=3, d_period=3)`: slow stochastic (k_smooth=1 for the fast
 * one). Outputs k, d; warm-up k_period + k_smooth + d_period - 2 bars. Reads the bar.
 */
export const stoch = defineIndicator({
  name: 'stoch',
  description:
    'Stochastic oscillator: %K = SMA(k_smooth) of 100·(close - LL)/(HH - LL) over k_period bars (slow form; k_smooth=1 is fast), %D = SMA(d_period) of %K.',
  params,
  outputs: ['k', 'd'],
  reads: 'bar',
  warmup: (p) => p.k_period + p.k_smooth + p.d_period - 2,
  create: (p) => new Stoch(p.k_period, p.k_smooth, p.d_period),
});
