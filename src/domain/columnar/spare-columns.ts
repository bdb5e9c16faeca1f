/**
 * The column arrays of finished graphs, kept for the next graph in the same thread. A
 * sweep runs one fused graph per shard, and each took fresh chunk-sized columns (every
 * feature of the hub, every strategy's signals: about 5 MB a shard of 250 combinations,
 * 45 MB for 2,000). Memory outside the JavaScript heap counts towards V8's collection
 * heuristics, so that churn alone set off most of a sweep's full collections (15–19 of
 * them over 10,000 combinations, 5–6 with the arrays reused), whose concurrent marking is
 * the CPU a sweep spends on the other core. An array handed back is zeroed when taken
 * again, so a graph sees exactly what a fresh one would give it.
 *
 * At most `maxBytes` are kept (per thread: each worker thread has its own module), so a
 * run that once used a wide hub does not hold its columns for ever.
 */
export class SpareColumns {
  private readonly float64 = new Map<number, Float64Array[]>();
  private readonly int8 = new Map<number, Int8Array[]>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** A zeroed Float64Array of `length`, reused when one was handed back. */
  takeFloat64(length: number): Float64Array {
    const a = this.float64.get(length)?.pop();
    if (a === undefined) return new Float64Array(length);
    this.bytes -= a.byteLength;
    return a.fill(0);
  }

  /** A zeroed Int8Array of `length`, reused when one was handed back. */
  takeInt8(length: number): Int8Array {
    const a = this.int8.get(length)?.pop();
    if (a === undefined) return new Int8Array(length);
    this.bytes -= a.byteLength;
    return a.fill(0);
  }

  /** Arrays their graph no longer reads (it must not keep them). */
  give(arrays: readonly (Float64Array | Int8Array)[]): void {
    for (const a of arrays) {
      if (this.bytes + a.byteLength > this.maxBytes) return;
      const lists: Map<number, (Float64Array | Int8Array)[]> = a instanceof Float64Array ? this.float64 : this.int8;
      let list = lists.get(a.length);
      if (list === undefined) lists.set(a.length, (list = []));
      list.push(a);
      this.bytes += a.byteLength;
    }
  }

  /** Bytes held. */
  get held(): number {
    return this.bytes;
  }
}

/** This thread's spare columns: up to 64 MB. */
export const spareColumns = new SpareColumns(64 << 20);
