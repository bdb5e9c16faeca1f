import { EntryStore } from './entry-store.ts';
import type { TraceRetention } from './retention.ts';
import type { TraceEntry } from './trace-record.ts';

/**
 * `retention: sliding_window`: the last `capacity` entries, as a ring buffer over the
 * slots of an {@link EntryStore}: entry k goes to slot k mod capacity, so once the ring is
 * full each new entry overwrites the oldest. Trades play no part.
 */
export class SlidingWindowRetention implements TraceRetention {
  private readonly store: EntryStore;
  /** Entries ever added; the next one goes to slot `added % capacity`. */
  private added = 0;

  /** @param featureWidth values per FEATURES entry stored inline (the graph's feature count). */
  constructor(
    readonly capacity: number,
    featureWidth = 0,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`trace capacity must be a positive integer, got ${capacity}`);
    this.store = new EntryStore(capacity, featureWidth);
  }

  get size(): number {
    return Math.min(this.added, this.capacity);
  }

  get dropped(): number {
    return Math.max(0, this.added - this.capacity);
  }

  add(entry: TraceEntry): void {
    this.store.write(this.added % this.capacity, entry);
    this.added++;
  }

  closeEpisode(): void {
    // A window forgets by age only.
  }

  entries(): TraceEntry[] {
    const out: TraceEntry[] = [];
    const first = this.added - this.size;
    for (let k = first; k < this.added; k++) out.push(this.store.read(k % this.capacity));
    return out;
  }
}
