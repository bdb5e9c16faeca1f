import { z } from 'zod';
import type { PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';
import { RollingExtreme } from './rolling-extreme.ts';
import { Rsi } from './rsi.ts';
import { Sma } from './sma.ts';
import { rawStochastic } from './stoch.ts';
import { defineIndicator } from '../define.ts';

/**
 * Stochastic RSI (Chande & Kroll), on the 0..100 scale charting packages use (the
 * original is 0..1): the stochastic of Wilder's RSI instead of the price.
 * raw = 100·(RSI - min RSI)/(max RSI - min RSI) over the last `stochPeriod` RSI values
 * (50 when they are all equal), k = SMA(raw, kSmooth), d = SMA(k, dPeriod).
 *
 * RSI exists from bar index rsiPeriod, raw from rsiPeriod+stochPeriod-1, k and d from
 * rsiPeriod+stochPeriod+kSmooth+dPeriod-3 (both outputs wait for d). Amortised O(1).
 */
export class StochRsi extends PriceIndicator {
  private readonly rsi: Rsi;
  private readonly highs: RollingExtreme;
  private readonly lows: RollingExtreme;
  private readonly kSma: Sma;
  private readonly dSma: Sma;
  private k = NaN;
  private d = NaN;

  /**
   * @param rsiPeriod RSI period.
   * @param stochPeriod look-back of the RSI's high-low range.
   * @param kSmooth SMA length applied to the raw value.
   * @param dPeriod SMA length of d.
   * @param input series read by `update` (default close).
   */
  constructor(rsiPeriod: number, stochPeriod: number, kSmooth: number, dPeriod: number, input?: PriceInput) {
    super(input);
    this.rsi = new Rsi(rsiPeriod);
    this.highs = new RollingExtreme(stochPeriod, 'max');
    this.lows = new RollingExtreme(stochPeriod, 'min');
    this.kSma = new Sma(kSmooth);
    this.dSma = new Sma(dPeriod);
  }

  /** Feeds one value. */
  push(x: number): void {
    this.rsi.push(x);
    if (!this.rsi.ready) return;
    const r = this.rsi.value();
    this.highs.push(r);
    this.lows.push(r);
    if (!this.highs.full) return;
    this.kSma.push(rawStochastic(r, this.lows.extreme, this.highs.extreme));
    if (!this.kSma.ready) return;
    const k = this.kSma.value();
    this.dSma.push(k);
    if (!this.dSma.ready) return;
    this.k = k;
    this.d = this.dSma.value();
  }

  /** True once d exists. */
  get ready(): boolean {
    return this.dSma.ready;
  }

  /** Output by index: 0 k, 1 d; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.k : output === 1 ? this.d : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.rsi.reset();
    this.highs.reset();
    this.lows.reset();
    this.kSma.reset();
    this.dSma.reset();
    this.k = NaN;
    this.d = NaN;
  }
}

const params = z.strictObject({
  rsi_period: periodParam(14),
  stoch_period: periodParam(14),
  k_smooth: periodParam(3),
  d_period: periodParam(3),
});

/**
 * `stoch_rsi(rsi_period=14, stoch_period=14, k_smooth=3, d_period=3)`: stochastic of RSI
 * (0..100). Outputs k, d; warm-up rsi_period + stoch_period + k_smooth + d_period - 2 bars.
 */
export const stoch_rsi = defineIndicator({
  name: 'stoch_rsi',
  description:
    "Stochastic RSI (0..100): stochastic of Wilder's RSI over stoch_period values, k = SMA(k_smooth), d = SMA(d_period) of k.",
  params,
  outputs: ['k', 'd'],
  reads: 'price',
  warmup: (p) => p.rsi_period + p.stoch_period + p.k_smooth + p.d_period - 2,
  create: (p, input) => new StochRsi(p.rsi_period, p.stoch_period, p.k_smooth, p.d_period, input),
});
