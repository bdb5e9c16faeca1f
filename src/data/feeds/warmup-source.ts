import { systemClock, type Clock } from '../../runtime/clock.ts';
import type { BarChunk, BarSource, SourceStats } from '../bar-source.ts';
import type { LiveBarSource } from './live-source.ts';

/**
 * History first, then the live feed, as one source: the graph sees the warm-up bars
 * exactly as a backtest would (same chunks, same `seq` numbers), so indicators and
 * strategies are in the very state a run over history + live would have at the first
 * live bar. Before the first live chunk, the last warm-up bar of every symbol is handed
 * to the live source (`prime`): live bars up to it were seen already and are dropped.
 *
 * `liveFrom` is the `seq` of the first live bar: Infinity while warm-up bars flow, then
 * the number of warm-up bars. Signals of bars before it are not emitted live. Live bars
 * that arrived during the warm-up are timed (latency) from its end.
 */
export class WarmupSource implements BarSource {
  readonly description: string;
  readonly symbols: readonly string[];
  /** Seq of the first live bar; Infinity until the warm-up is done. */
  liveFrom = Number.POSITIVE_INFINITY;
  /** Warm-up bars read so far. */
  warmupBars = 0;
  /** Wall time the warm-up took, ms. */
  warmupMs = 0;

  constructor(
    private readonly warmup: BarSource | undefined,
    readonly live: LiveBarSource,
    /** Times the warm-up ({@link warmupMs}). */
    private readonly clock: Clock = systemClock,
  ) {
    this.symbols = [...new Set([...(warmup?.symbols ?? []), ...live.symbols])].sort();
    this.description = warmup === undefined ? live.description : `${warmup.description} then ${live.description}`;
  }

  async *chunks(): AsyncGenerator<BarChunk, void, undefined> {
    if (this.warmup !== undefined) {
      const t0 = this.clock.monotonic();
      const last = new Map<string, number>();
      for await (const chunk of this.warmup.chunks()) {
        for (let i = 0; i < chunk.length; i++) last.set(chunk.symbols[chunk.symbol[i]!]!, chunk.ts[i]!);
        this.warmupBars += chunk.length;
        yield chunk;
      }
      for (const [symbol, ts] of last) this.live.prime(symbol, ts);
      this.warmupMs = this.clock.monotonic() - t0;
      this.live.restampWaiting();
    }
    this.liveFrom = this.warmupBars;
    yield* this.live.chunks();
  }

  /** Rows of both; skipped rows and notes of the warm-up file, plus the live source's drops. */
  stats(): SourceStats {
    const w = this.warmup?.stats();
    const l = this.live.stats();
    return {
      rows: (w?.rows ?? 0) + l.rows,
      skipped: (w?.skipped ?? 0) + l.skipped,
      notes: w?.notes ?? [],
      firstTs: w?.firstTs ?? l.firstTs,
      lastTs: l.lastTs ?? w?.lastTs ?? null,
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.warmup?.close(), this.live.close()]);
  }
}
