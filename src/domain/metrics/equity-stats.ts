/**
 * Performance metrics of an equity curve, folded online: one `push` per bar close, O(1)
 * memory and no allocation per bar, so a run keeps the same footprint however long it is.
 * The formulas are documented in docs/metrics.md; the batch versions in the tests are the
 * reference they are checked against.
 */

const MS_PER_DAY = 86_400_000;
/** Calendar-time year used by CAGR: the mean Gregorian year. */
const MS_PER_YEAR = 365.25 * MS_PER_DAY;

/** Options of an {@link EquityStats} fold. */
export interface EquityStatsOptions {
  /** Equity before the first bar (E_0); the first bar's return is measured against it. Must be > 0. */
  readonly initialEquity: number;
  /** Annualization factor, see `barsPerYear` in timeframe.ts. Must be > 0. */
  readonly barsPerYear: number;
  /** Annual risk-free rate as a fraction (0.04 = 4 %), compounded to a per-bar rate. Default 0. */
  readonly riskFreeRate?: number;
}

/**
 * Metrics of one equity curve. Keys are snake_case because they are written verbatim to
 * result files and named in workflow configs (`primary_metric: sharpe_ratio`).
 */
export interface EquityMetrics {
  /** Number of bars pushed. */
  readonly bars: number;
  /** Timestamp of the first bar (epoch ms), null when no bar was pushed. */
  readonly start_ts: number | null;
  /** Timestamp of the last bar (epoch ms), null when no bar was pushed. */
  readonly end_ts: number | null;
  readonly initial_equity: number;
  /** Equity at the last bar; the initial equity when no bar was pushed. */
  readonly final_equity: number;
  /** final / initial − 1. */
  readonly total_return: number;
  /** Compound annual growth rate over calendar time between the first and last bar. */
  readonly cagr: number;
  /** Sample standard deviation of per-bar returns × √barsPerYear. */
  readonly annual_volatility: number;
  /** Mean per-bar excess return / std of per-bar returns × √barsPerYear. */
  readonly sharpe_ratio: number;
  /** Mean per-bar excess return / downside deviation × √barsPerYear. */
  readonly sortino_ratio: number;
  /** Largest peak-to-trough loss as a positive fraction of the peak. */
  readonly max_drawdown: number;
  /** Bars from a peak to its recovery (or to the last bar) in the longest such stretch. */
  readonly max_drawdown_duration_bars: number;
  /** Calendar days of that same stretch. */
  readonly max_drawdown_duration_days: number;
  /** cagr / max_drawdown, 0 when there was no drawdown. */
  readonly calmar_ratio: number;
  /** Fraction of bars on which a position was open. */
  readonly exposure: number;
}

/**
 * Online fold of an equity curve into {@link EquityMetrics}.
 *
 * Per-bar simple returns are r_t = E_t / E_{t−1} − 1 with E_{−1} = `initialEquity`, so the
 * first bar has a return too. Mean and variance use Welford's update, which stays accurate
 * over millions of bars where the naive Σr² − (Σr)²/n loses every significant digit.
 *
 * For drawdown durations the initial equity sits one bar before the first bar (so a
 * drawdown that starts on the first bar counts that bar); in calendar days it has no
 * timestamp of its own and counts as at the first bar's timestamp.
 *
 * `push` trusts its input: it neither validates nor allocates (it runs once per bar).
 */
export class EquityStats {
  private readonly initialEquity: number;
  private readonly barsPerYear: number;
  /** Per-bar risk-free rate: (1 + annual)^(1/barsPerYear) − 1. */
  private readonly rfBar: number;

  private n = 0;
  private startTs = 0;
  private endTs = 0;
  private prevEquity: number;
  private investedBars = 0;

  // Welford state over r_t.
  private mean = 0;
  private m2 = 0;
  /** Σ min(0, r_t − rfBar)², for the downside deviation. */
  private downsideSq = 0;

  // Drawdown state. Peak index −1 is the initial equity.
  private peak: number;
  private peakIndex = -1;
  private peakTs = 0;
  private underwater = false;
  private maxDrawdown = 0;
  private maxDdBars = 0;
  private maxDdMs = 0;

  /** @throws Error when an option is out of range (checked once, here, not per bar). */
  constructor(opts: EquityStatsOptions) {
    const { initialEquity, barsPerYear, riskFreeRate = 0 } = opts;
    if (!(Number.isFinite(initialEquity) && initialEquity > 0)) {
      throw new Error(`initialEquity must be a finite number > 0, received ${initialEquity}`);
    }
    if (!(Number.isFinite(barsPerYear) && barsPerYear > 0)) {
      throw new Error(`barsPerYear must be a finite number > 0, received ${barsPerYear}`);
    }
    if (!(Number.isFinite(riskFreeRate) && riskFreeRate > -1)) {
      throw new Error(`riskFreeRate must be a finite number > -1, received ${riskFreeRate}`);
    }
    this.initialEquity = initialEquity;
    this.barsPerYear = barsPerYear;
    this.rfBar = Math.pow(1 + riskFreeRate, 1 / barsPerYear) - 1;
    this.prevEquity = initialEquity;
    this.peak = initialEquity;
  }

  /**
   * Adds the equity at one bar's close.
   *
   * @param ts the bar's timestamp, epoch ms, non-decreasing from call to call.
   * @param equity the book's marked-to-market equity at the bar's close.
   * @param invested whether a position was open at the bar's close.
   */
  push(ts: number, equity: number, invested: boolean): void {
    const index = this.n;
    if (index === 0) {
      this.startTs = ts;
      // The initial-equity peak has no timestamp; it counts as at the first bar.
      this.peakTs = ts;
    }
    this.n = index + 1;
    this.endTs = ts;
    if (invested) this.investedBars++;

    const r = equity / this.prevEquity - 1;
    this.prevEquity = equity;
    const delta = r - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (r - this.mean);
    const excess = r - this.rfBar;
    if (excess < 0) this.downsideSq += excess * excess;

    if (equity >= this.peak) {
      // A new high, or the old one regained: any stretch under water ends on this bar.
      if (this.underwater) {
        this.closeStretch(index, ts);
        this.underwater = false;
      }
      this.peak = equity;
      this.peakIndex = index;
      this.peakTs = ts;
    } else {
      this.underwater = true;
      const dd = 1 - equity / this.peak;
      if (dd > this.maxDrawdown) this.maxDrawdown = dd;
    }
  }

  /**
   * `push` of rows 0..count-1 of columns (`invested[i]` 1 or 0): the same fold, the same
   * operations in the same order, in a loop of its own with the state in locals, so the
   * per-bar values never leave registers nor the fold's fields memory until the end
   * (a columnar caller would otherwise box three numbers per call).
   */
  pushColumns(ts: Float64Array, equity: Float64Array, invested: Uint8Array, count: number): void {
    if (count <= 0) return;
    let n = this.n;
    if (n === 0) {
      this.startTs = ts[0]!;
      // The initial-equity peak has no timestamp; it counts as at the first bar.
      this.peakTs = ts[0]!;
    }
    const rfBar = this.rfBar;
    let investedBars = this.investedBars;
    let prevEquity = this.prevEquity;
    let mean = this.mean;
    let m2 = this.m2;
    let downsideSq = this.downsideSq;
    let peak = this.peak;
    let peakIndex = this.peakIndex;
    let peakTs = this.peakTs;
    let underwater = this.underwater;
    let maxDrawdown = this.maxDrawdown;
    let maxDdBars = this.maxDdBars;
    let maxDdMs = this.maxDdMs;
    for (let i = 0; i < count; i++) {
      const t = ts[i]!;
      const e = equity[i]!;
      const index = n;
      n = index + 1;
      if (invested[i] === 1) investedBars++;
      const r = e / prevEquity - 1;
      prevEquity = e;
      const delta = r - mean;
      mean += delta / n;
      m2 += delta * (r - mean);
      const excess = r - rfBar;
      if (excess < 0) downsideSq += excess * excess;
      if (e >= peak) {
        if (underwater) {
          // closeStretch, inlined: strictly longer only.
          const bars = index - peakIndex;
          if (bars > maxDdBars) {
            maxDdBars = bars;
            maxDdMs = t - peakTs;
          }
          underwater = false;
        }
        peak = e;
        peakIndex = index;
        peakTs = t;
      } else {
        underwater = true;
        const dd = 1 - e / peak;
        if (dd > maxDrawdown) maxDrawdown = dd;
      }
    }
    this.n = n;
    this.endTs = ts[count - 1]!;
    this.investedBars = investedBars;
    this.prevEquity = prevEquity;
    this.mean = mean;
    this.m2 = m2;
    this.downsideSq = downsideSq;
    this.peak = peak;
    this.peakIndex = peakIndex;
    this.peakTs = peakTs;
    this.underwater = underwater;
    this.maxDrawdown = maxDrawdown;
    this.maxDdBars = maxDdBars;
    this.maxDdMs = maxDdMs;
  }

  /** The metrics of everything pushed so far; callable at any time, also mid-run. */
  result(): EquityMetrics {
    const n = this.n;
    const finalEquity = n === 0 ? this.initialEquity : this.prevEquity;
    const totalReturn = finalEquity / this.initialEquity - 1;

    // A stretch still under water at the end runs to the last bar.
    let ddBars = this.maxDdBars;
    let ddMs = this.maxDdMs;
    if (this.underwater) {
      const bars = n - 1 - this.peakIndex;
      if (bars > ddBars) {
        ddBars = bars;
        ddMs = this.endTs - this.peakTs;
      }
    }

    const years = (this.endTs - this.startTs) / MS_PER_YEAR;
    let cagr: number;
    if (finalEquity <= 0) cagr = -1;
    else if (n === 0 || years <= 0) cagr = 0;
    else cagr = Math.pow(finalEquity / this.initialEquity, 1 / years) - 1;

    const annualize = Math.sqrt(this.barsPerYear);
    const std = n >= 2 ? Math.sqrt(this.m2 / (n - 1)) : 0;
    const meanExcess = this.mean - this.rfBar;
    const sharpe = n >= 2 && std > 0 ? (meanExcess / std) * annualize : 0;
    const downsideDev = n > 0 ? Math.sqrt(this.downsideSq / n) : 0;
    const sortino = downsideDev > 0 ? (meanExcess / downsideDev) * annualize : 0;

    return {
      bars: n,
      start_ts: n === 0 ? null : this.startTs,
      end_ts: n === 0 ? null : this.endTs,
      initial_equity: this.initialEquity,
      final_equity: finalEquity,
      total_return: totalReturn,
      cagr,
      annual_volatility: std * annualize,
      sharpe_ratio: sharpe,
      sortino_ratio: sortino,
      max_drawdown: this.maxDrawdown,
      max_drawdown_duration_bars: ddBars,
      max_drawdown_duration_days: ddMs / MS_PER_DAY,
      calmar_ratio: this.maxDrawdown > 0 ? cagr / this.maxDrawdown : 0,
      exposure: n === 0 ? 0 : this.investedBars / n,
    };
  }

  /** Records a finished under-water stretch from the current peak to bar `index`. */
  private closeStretch(index: number, ts: number): void {
    const bars = index - this.peakIndex;
    // Strictly longer only: of equally long stretches the first one is reported.
    if (bars > this.maxDdBars) {
      this.maxDdBars = bars;
      this.maxDdMs = ts - this.peakTs;
    }
  }
}
