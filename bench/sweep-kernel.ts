import type { ResolvedWorkflow } from '../src/config/resolved.ts';
import { EquityStats } from '../src/domain/metrics/equity-stats.ts';
import { barsPerYear } from '../src/domain/metrics/timeframe.ts';

/** The bars a kernel runs over, as columns. */
export interface KernelBars {
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly close: Float64Array;
}

/** One combination of the SMA-crossover grid. */
export interface Combination {
  readonly fast: number;
  readonly slow: number;
}

/** What the kernel and the engine must agree on, per combination. */
export interface KernelBook {
  readonly trades: number;
  readonly finalEquity: number;
  readonly sharpe: number;
}

/**
 * The simple moving average of `close` over `period` bars at every bar, with the Sma
 * indicator's arithmetic: a running sum over a ring buffer, re-summed each time the ring
 * wraps so rounding never drifts. NaN-free from the first bar (the strategy reads it only
 * once the slow average is warm, as the engine's does).
 */
function smaSeries(close: Float64Array, period: number): Float64Array {
  const out = new Float64Array(close.length);
  const ring = new Float64Array(period);
  let sum = 0;
  for (let n = 0; n < close.length; n++) {
    const k = n % period;
    const c = close[n]!;
    sum += c - (n >= period ? ring[k]! : 0);
    ring[k] = c;
    if (k === period - 1) {
      let t = 0;
      for (let i = 0; i < period; i++) t += ring[i]!;
      sum = t;
    }
    out[n] = sum / period;
  }
  return out;
}

/**
 * The sweep's arithmetic as plain loops, for every combination: SMA(fast) and SMA(slow) of
 * the close (each distinct period computed once, as the engine's feature hub shares them),
 * the sign of fast − slow held on equality, a long-only target of the fixed quantity on an
 * up-cross and flat on a down-cross, capped by the gross exposure limit, a market order
 * filled at the next bar's open with slippage and per-share commission (with its minimum),
 * equity marked at every close and folded by the engine's EquityStats, the position
 * closed at the last close (with slippage) when `close_at_end` is on. The engine's results must equal these for the comparison to
 * mean anything; the bench checks every combination.
 */
export function runSweepKernel(
  bars: KernelBars,
  combinations: readonly Combination[],
  cfg: ResolvedWorkflow['config'],
): KernelBook[] {
  const sizing = cfg.portfolio.sizing;
  if (sizing.type !== 'fixed') throw new Error('the sweep kernel models fixed sizing only');
  if (cfg.portfolio.allowShort) throw new Error('the sweep kernel models long-only books only');
  const commissionModel = cfg.execution.commission;
  if (commissionModel.model !== 'per_share') throw new Error('the sweep kernel models per_share commission only');
  const quantity = Math.abs(sizing.quantity);
  const perShare = commissionModel.perShare;
  const minimum = commissionModel.minimum;
  const slipUp = 1 + cfg.execution.slippageBps / 1e4;
  const slipDown = 1 - cfg.execution.slippageBps / 1e4;
  const maxExposure = cfg.risk.maxExposure ?? Infinity;
  const initialCash = cfg.portfolio.initialCash;
  const closeAtEnd = cfg.portfolio.closeAtEnd;
  const perYear = barsPerYear(cfg.data.timeframe, cfg.data.calendar);

  const smas = new Map<number, Float64Array>();
  const sma = (period: number): Float64Array => {
    let s = smas.get(period);
    if (s === undefined) {
      s = smaSeries(bars.close, period);
      smas.set(period, s);
    }
    return s;
  };

  const { ts, open, close } = bars;
  const n = close.length;
  return combinations.map(({ fast, slow }) => {
    const fastSma = sma(fast);
    const slowSma = sma(slow);
    const stats = new EquityStats({ initialEquity: initialCash, barsPerYear: perYear, riskFreeRate: 0 });
    let direction = 0;
    let cash = initialCash;
    let qty = 0;
    let mark = Number.NaN;
    let pending = 0;
    let trades = 0;
    const fill = (q: number, price: number): void => {
      if (qty !== 0 && Math.sign(q) !== Math.sign(qty)) trades++;
      cash -= q * price + Math.max(minimum, perShare * Math.abs(q));
      qty += q;
    };
    for (let i = 0; i < n; i++) {
      if (i > 0) stats.push(ts[i - 1]!, cash + qty * mark, qty !== 0);
      const c = close[i]!;
      mark = c;
      if (pending !== 0) {
        fill(pending, pending > 0 ? open[i]! * slipUp : open[i]! * slipDown);
        pending = 0;
      }
      if (i + 1 >= slow) {
        const f = fastSma[i]!;
        const s = slowSma[i]!;
        const d = f > s ? 1 : f < s ? -1 : direction;
        if (d !== direction) {
          direction = d;
          const equity = cash + qty * mark;
          let delta = (d > 0 ? quantity : 0) - qty;
          if (delta > 0 && (qty + delta) * c > maxExposure * equity)
            delta = Math.floor((maxExposure * equity) / c) - qty;
          pending = delta;
        }
      }
    }
    // close_at_end: a market order at the last close, which pays slippage like any other;
    // an order still pending from the last bar's signal never fills.
    if (closeAtEnd && qty !== 0) fill(-qty, qty > 0 ? mark * slipDown : mark * slipUp);
    stats.push(ts[n - 1]!, cash + qty * mark, qty !== 0);
    const m = stats.result();
    return { trades, finalEquity: m.final_equity, sharpe: m.sharpe_ratio };
  });
}
