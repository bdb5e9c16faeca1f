import { chunkOf, type BarChunk, type BarSource, type SourceStats } from './bar-source.ts';
import { checkChunkSize, DEFAULT_CHUNK_SIZE, MAX_SKIP_NOTES } from './bar-source-options.ts';

/** Options of {@link mergeSources}. */
export interface MergeOptions {
  /** Rows per output chunk (default 8192). */
  readonly chunkSize?: number;
}

/** Where the merge stands in one input. */
interface Cursor {
  readonly index: number;
  readonly iterator: AsyncIterator<BarChunk>;
  chunk: BarChunk | null;
  pos: number;
  /** Input symbol index → output symbol index, for `mappedFor`. */
  map: Uint16Array;
  mappedFor: readonly string[] | null;
}

/**
 * Merges sources of one or more symbols each into one source in (timestamp, symbol)
 * order: bars with equal timestamps come out by symbol name, compared by UTF-16 code
 * units (`QQQ` before `SPY`), never by locale, input order or which input answered
 * first, so every run gives the same sequence. Should two inputs carry the same symbol at
 * the same time, the earlier input's bar comes first.
 *
 * Inputs are pulled lazily: an input's next chunk is requested only when its current one
 * is used up and the merge needs its next bar. The output has chunks of its own size and
 * its `symbols` are the inputs' symbols, sorted and deduplicated. Stats add up the
 * inputs' skipped rows and prefix their notes with the input's description.
 *
 * @example
 * ```ts
 * const bars = mergeSources([spy, qqq]); // one stream, SPY and QQQ interleaved by time
 * ```
 */
export function mergeSources(sources: readonly BarSource[], opts: MergeOptions = {}): BarSource {
  return new MergedSource(sources, opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
}

class MergedSource implements BarSource {
  readonly description: string;
  readonly symbols: readonly string[];
  private readonly sources: readonly BarSource[];
  private readonly symbolIndex: Map<string, number>;
  private readonly chunkSize: number;
  private rows = 0;
  private firstTs: number | null = null;
  private lastTs: number | null = null;
  private closed = false;

  constructor(sources: readonly BarSource[], chunkSize: number) {
    checkChunkSize(chunkSize);
    const symbols = [...new Set(sources.flatMap((s) => s.symbols))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (symbols.length > 65_536) throw new RangeError(`at most 65536 symbols fit a chunk, got ${symbols.length}`);
    this.sources = sources;
    this.symbols = symbols;
    this.symbolIndex = new Map(symbols.map((s, i) => [s, i]));
    this.chunkSize = chunkSize;
    this.description = `merge(${sources.map((s) => s.description).join(', ')})`;
  }

  async *chunks(): AsyncGenerator<BarChunk, void, undefined> {
    this.closed = false;
    this.rows = 0;
    this.firstTs = null;
    this.lastTs = null;
    const cursors: Cursor[] = this.sources.map((source, index) => ({
      index,
      iterator: source.chunks()[Symbol.asyncIterator](),
      chunk: null,
      pos: 0,
      map: new Uint16Array(0),
      mappedFor: null,
    }));
    try {
      // A binary min-heap of the inputs that still have bars, keyed by their next bar.
      const heap: Cursor[] = [];
      for (const cursor of cursors) {
        if (await this.advanceChunk(cursor)) heapPush(heap, cursor);
      }
      let out = this.newChunk();
      let fill = 0;
      while (heap.length > 0 && !this.closed) {
        const top = heap[0] as Cursor;
        const chunk = top.chunk as BarChunk;
        const p = top.pos;
        out.ts[fill] = chunk.ts[p] as number;
        out.symbol[fill] = top.map[chunk.symbol[p] as number] as number;
        out.open[fill] = chunk.open[p] as number;
        out.high[fill] = chunk.high[p] as number;
        out.low[fill] = chunk.low[p] as number;
        out.close[fill] = chunk.close[p] as number;
        out.volume[fill] = chunk.volume[p] as number;
        fill++;
        top.pos = p + 1;
        if (top.pos === chunk.length && !(await this.advanceChunk(top))) {
          heapPopTop(heap);
        } else {
          // Usually the same input stays smallest, and the sift stops after one compare.
          siftDown(heap, 0);
        }
        if (fill === this.chunkSize) {
          yield this.hand(out, fill);
          out = this.newChunk();
          fill = 0;
        }
      }
      if (fill > 0 && !this.closed) yield this.hand(out, fill);
    } finally {
      // Early exit or an input's error: let every input release its file. An iterator
      // without return() has nothing to release; one whose return() throws (even
      // synchronously) must not keep the others from releasing theirs.
      await Promise.allSettled(
        cursors.map(async (c) => {
          await c.iterator.return?.();
        }),
      );
    }
  }

  stats(): SourceStats {
    let skipped = 0;
    const notes: string[] = [];
    for (const source of this.sources) {
      const s = source.stats();
      skipped += s.skipped;
      for (const note of s.notes) {
        if (notes.length < MAX_SKIP_NOTES) notes.push(`${source.description}: ${note}`);
      }
    }
    return { rows: this.rows, skipped, notes, firstTs: this.firstTs, lastTs: this.lastTs };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.sources.map((s) => s.close()));
  }

  /** Moves a cursor to its input's next non-empty chunk; false once the input is done. */
  private async advanceChunk(cursor: Cursor): Promise<boolean> {
    for (;;) {
      const next = await cursor.iterator.next();
      if (next.done === true) {
        cursor.chunk = null;
        return false;
      }
      const chunk = next.value;
      if (chunk.length === 0) continue;
      if (cursor.mappedFor !== chunk.symbols) this.mapSymbols(cursor, chunk.symbols);
      cursor.chunk = chunk;
      cursor.pos = 0;
      return true;
    }
  }

  private mapSymbols(cursor: Cursor, symbols: readonly string[]): void {
    const map = new Uint16Array(symbols.length);
    symbols.forEach((s, i) => {
      const out = this.symbolIndex.get(s);
      if (out === undefined) {
        const source = this.sources[cursor.index] as BarSource;
        throw new Error(`source ${source.description} yielded symbol ${s}, which its symbols list does not name`);
      }
      map[i] = out;
    });
    cursor.map = map;
    cursor.mappedFor = symbols;
  }

  private newChunk(): Omit<BarChunk, 'length' | 'symbols'> {
    const n = this.chunkSize;
    return {
      symbol: new Uint16Array(n),
      ts: new Float64Array(n),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: new Float64Array(n),
    };
  }

  private hand(out: Omit<BarChunk, 'length' | 'symbols'>, fill: number): BarChunk {
    this.rows += fill;
    this.firstTs ??= out.ts[0] as number;
    this.lastTs = out.ts[fill - 1] as number;
    if (fill === this.chunkSize) return { length: fill, symbols: this.symbols, ...out };
    return chunkOf(out, fill, this.symbols);
  }
}

/** a's next bar comes before b's: by time, then output symbol, then input order. */
function before(a: Cursor, b: Cursor): boolean {
  const ca = a.chunk as BarChunk;
  const cb = b.chunk as BarChunk;
  const ta = ca.ts[a.pos] as number;
  const tb = cb.ts[b.pos] as number;
  if (ta !== tb) return ta < tb;
  const sa = a.map[ca.symbol[a.pos] as number] as number;
  const sb = b.map[cb.symbol[b.pos] as number] as number;
  if (sa !== sb) return sa < sb;
  return a.index < b.index;
}

function heapPush(heap: Cursor[], cursor: Cursor): void {
  heap.push(cursor);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const up = heap[i] as Cursor;
    const down = heap[parent] as Cursor;
    if (!before(up, down)) break;
    heap[i] = down;
    heap[parent] = up;
    i = parent;
  }
}

function heapPopTop(heap: Cursor[]): void {
  const last = heap.pop() as Cursor;
  if (heap.length === 0) return;
  heap[0] = last;
  siftDown(heap, 0);
}

function siftDown(heap: Cursor[], start: number): void {
  const n = heap.length;
  let i = start;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) return;
    const r = l + 1;
    const child = r < n && before(heap[r] as Cursor, heap[l] as Cursor) ? r : l;
    const up = heap[child] as Cursor;
    const down = heap[i] as Cursor;
    if (!before(up, down)) return;
    // Plain assignments, not a destructuring swap: that would allocate an array per row.
    heap[i] = up;
    heap[child] = down;
    i = child;
  }
}
