/**
 * The pieces of a sweep handed out through shared memory: every thread working on a sweep
 * (the calling thread and the pool's worker threads) takes its next piece of combinations
 * itself, with one compare-and-swap on a counter they all see. Handing pieces out by
 * message instead made a worker wait for the main thread to answer, and the main thread
 * cannot answer while it computes a piece of its own; through the counter nobody waits.
 *
 * Pieces are sized by `pieceSize` (whole shards while plenty remain, then shrinking), the
 * same schedule whoever takes them; which thread runs which piece varies from run to run,
 * the results do not (each combination's book is computed alone).
 */
import { pieceSize } from './piece-size.ts';

/** Slots of the shared Int32Array. */
const NEXT = 0;
const STOP = 1;
const TOTAL = 2;
const SHARD = 3;
const THREADS = 4;
const SLOTS = 5;

/** A piece of the sweep's combination list: indices [from, to). */
export interface Piece {
  readonly from: number;
  readonly to: number;
}

export class SharedPieces {
  private readonly cells: Int32Array;

  /** Over a buffer made by {@link SharedPieces.create} (in this thread or another). */
  constructor(readonly buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
  }

  /** Pieces of `total` combinations for `threads` threads, in `shardSize` shards. */
  static create(total: number, shardSize: number, threads: number): SharedPieces {
    const pieces = new SharedPieces(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
    pieces.cells[TOTAL] = total;
    pieces.cells[SHARD] = shardSize;
    pieces.cells[THREADS] = threads;
    return pieces;
  }

  /** The next piece, or undefined when none is left or the sweep was stopped. */
  take(): Piece | undefined {
    const c = this.cells;
    const total = c[TOTAL]!;
    for (;;) {
      const from = Atomics.load(c, NEXT);
      if (from >= total || Atomics.load(c, STOP) !== 0) return undefined;
      const to = from + pieceSize(total - from, c[SHARD]!, c[THREADS]!);
      if (Atomics.compareExchange(c, NEXT, from, to) === from) return { from, to };
    }
  }

  /** Every piece has been handed out. */
  get exhausted(): boolean {
    return Atomics.load(this.cells, NEXT) >= this.cells[TOTAL]!;
  }

  /** How many pieces the whole sweep is cut into (the schedule does not depend on who takes them). */
  get count(): number {
    const c = this.cells;
    let n = 0;
    for (let from = 0; from < c[TOTAL]!; n++) from += pieceSize(c[TOTAL]! - from, c[SHARD]!, c[THREADS]!);
    return n;
  }

  /** No thread takes another piece (a failure, a cancel); pieces already taken finish. */
  stop(): void {
    Atomics.store(this.cells, STOP, 1);
  }

  get stopped(): boolean {
    return Atomics.load(this.cells, STOP) !== 0;
  }
}
