/**
 * A fixed-capacity FIFO ring: the storage of the sliding-window trace retention.
 *
 * The slot array is allocated once at construction and never grows, so the memory a trace
 * holds is decided by its `max_events` before the first bar, not by the run's length.
 * Pushing onto a full ring overwrites (and returns) the oldest item.
 */
export class RingBuffer<T> {
  readonly capacity: number;
  private readonly slots: (T | undefined)[];
  /** Index of the oldest item. */
  private head = 0;
  private count = 0;

  /** @throws RangeError unless `capacity` is a positive integer. */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  /** Number of items held, never more than `capacity`. */
  get size(): number {
    return this.count;
  }

  /** Appends `item`; when full, the oldest item is overwritten and returned. */
  push(item: T): T | undefined {
    const cap = this.capacity;
    if (this.count < cap) {
      this.slots[(this.head + this.count) % cap] = item;
      this.count++;
      return undefined;
    }
    const evicted = this.slots[this.head];
    this.slots[this.head] = item;
    this.head = (this.head + 1) % cap;
    return evicted;
  }

  /** Removes and returns the oldest item, or undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.slots[this.head];
    // Release the reference so a dropped trace record can be collected.
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return item;
  }

  /** The items, oldest first (a copy). */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.slots[(this.head + i) % this.capacity] as T);
    return out;
  }
}
