import type { BarChunk, BarSource, SourceStats } from './bar-source.ts';

/** Rows a {@link BarRecording} keeps in memory at most (50 bytes a row: about 100 MB). */
export const DEFAULT_MAX_RECORDED_ROWS = 2_000_000;

/**
 * The same bars for several passes, read from their files once: the first complete pass
 * reads the source and keeps a copy of every chunk; every later pass replays the copies
 * from memory, with the first pass's statistics. A replay sweep runs one graph per
 * portfolio/risk/execution variant over the same bars, and parsing a CSV file costs more
 * than many books' bookkeeping.
 *
 * Memory stays bounded: a source longer than `maxRows` is not kept (every pass reads the
 * files), and a pass that stops early (a failure, Ctrl-C) keeps nothing either, so a
 * later pass never sees a partial series.
 */
export class BarRecording {
  private recorded:
    { chunks: BarChunk[]; stats: SourceStats; description: string; symbols: readonly string[] } | undefined;
  private tooLong = false;

  /**
   * @param open opens the source anew (the files) for a pass that cannot replay
   * @param maxRows rows kept in memory at most
   */
  constructor(
    private readonly open: () => BarSource,
    private readonly maxRows = DEFAULT_MAX_RECORDED_ROWS,
  ) {}

  /** True once a complete pass has been kept: later passes read no file. */
  get inMemory(): boolean {
    return this.recorded !== undefined;
  }

  /** The source for the next pass. */
  source(): BarSource {
    const r = this.recorded;
    if (r !== undefined) return replaySource(r.chunks, r.stats, r.description, r.symbols);
    const inner = this.open();
    return this.tooLong ? inner : this.recording(inner);
  }

  private recording(inner: BarSource): BarSource {
    return {
      description: inner.description,
      get symbols() {
        return inner.symbols;
      },
      chunks: () => this.record(inner),
      stats: () => inner.stats(),
      close: () => inner.close(),
    };
  }

  private async *record(inner: BarSource): AsyncGenerator<BarChunk> {
    const kept: BarChunk[] = [];
    let rows = 0;
    let keeping = true;
    for await (const chunk of inner.chunks()) {
      if (keeping) {
        rows += chunk.length;
        if (rows > this.maxRows) {
          keeping = false;
          this.tooLong = true;
          kept.length = 0;
        } else {
          // Kept as a copy: a source may hand out views of buffers it reuses.
          const copy = copyChunk(chunk);
          kept.push(copy);
          yield copy;
          continue;
        }
      }
      yield chunk;
    }
    // Only a pass read to the end is kept.
    if (keeping)
      this.recorded = { chunks: kept, stats: inner.stats(), description: inner.description, symbols: inner.symbols };
  }
}

function copyChunk(c: BarChunk): BarChunk {
  const n = c.length;
  return {
    length: n,
    symbols: c.symbols,
    symbol: c.symbol.slice(0, n),
    ts: c.ts.slice(0, n),
    open: c.open.slice(0, n),
    high: c.high.slice(0, n),
    low: c.low.slice(0, n),
    close: c.close.slice(0, n),
    volume: c.volume.slice(0, n),
  };
}

/** Recorded chunks as a source; they are only read by consumers, so every pass shares them. */
function replaySource(
  chunks: readonly BarChunk[],
  stats: SourceStats,
  description: string,
  symbols: readonly string[],
): BarSource {
  return {
    description,
    symbols,
    async *chunks(): AsyncGenerator<BarChunk> {
      for (const c of chunks) yield c;
    },
    stats: () => stats,
    close: () => Promise.resolve(),
  };
}
