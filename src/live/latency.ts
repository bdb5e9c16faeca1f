/** Percentiles of a latency sample, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * Collects latencies in bounded memory: the first `capacity` samples are all kept, later
 * ones replace a kept sample at a pseudo-random slot (reservoir sampling, a fixed LCG so
 * runs are repeatable). Max and mean are exact over every sample.
 */
export class LatencyRecorder {
  private readonly samples: Float64Array;
  private n = 0;
  private sum = 0;
  private maxSeen = 0;
  private lcg = 0x2545f491;

  constructor(capacity = 1_000_000) {
    this.samples = new Float64Array(capacity);
  }

  get count(): number {
    return this.n;
  }

  add(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const cap = this.samples.length;
    if (this.n < cap) this.samples[this.n] = ms;
    else {
      this.lcg = (Math.imul(this.lcg, 1_664_525) + 1_013_904_223) >>> 0;
      const slot = Math.floor((this.lcg / 2 ** 32) * (this.n + 1));
      if (slot < cap) this.samples[slot] = ms;
    }
    this.n++;
    this.sum += ms;
    if (ms > this.maxSeen) this.maxSeen = ms;
  }

  /** Percentiles by the nearest-rank method; all NaN without samples. */
  summary(): LatencySummary {
    const kept = this.samples.slice(0, Math.min(this.n, this.samples.length)).sort();
    const rank = (p: number): number =>
      kept.length === 0 ? Number.NaN : kept[Math.min(kept.length - 1, Math.ceil((p / 100) * kept.length) - 1)]!;
    return {
      count: this.n,
      p50: rank(50),
      p95: rank(95),
      p99: rank(99),
      max: this.n === 0 ? Number.NaN : this.maxSeen,
      mean: this.n === 0 ? Number.NaN : this.sum / this.n,
    };
  }
}
