import { EntryStore } from './entry-store.ts';
import { RingBuffer } from './ring-buffer.ts';
import type { TraceRetention } from './retention.ts';
import type { TraceEntry } from './trace-record.ts';

/**
 * `retention: trade_complete`: memory follows open positions, not the run's length.
 *
 * - Entries of an open trade (SIGNAL, ORDER, CANCEL, REJECT, FILL of one book and symbol) are kept
 *   together until the trade closes, i.e. the position is flat with no order outstanding;
 *   then they are all dropped. A trade's TRADE record (emitted after its closing fill)
 *   is not part of the episode, so the closed trade's summary survives.
 * - Every other entry (bars, features, portfolio snapshots, trades, errors) goes to a
 *   sliding window.
 * - Both together never exceed `capacity`: open trades come first, so a new trade entry
 *   evicts the oldest windowed entry; when open trades alone fill the budget, new entries
 *   are refused (and counted as dropped) until a trade closes.
 *
 * Entries live in one {@link EntryStore}; the window and the open trades hold slot numbers,
 * and the slots of dropped entries are reused.
 */
export class TradeCompleteRetention implements TraceRetention {
  private readonly store: EntryStore;
  private readonly window: RingBuffer<number>;
  private readonly open = new Map<string, number[]>();
  private readonly free: number[] = [];
  private fresh = 0;
  private openCount = 0;
  private lost = 0;

  /** @param featureWidth values per FEATURES entry stored inline (the graph's feature count). */
  constructor(
    readonly capacity: number,
    featureWidth = 0,
  ) {
    this.store = new EntryStore(capacity, featureWidth);
    this.window = new RingBuffer<number>(capacity);
  }

  get size(): number {
    return this.window.size + this.openCount;
  }

  get dropped(): number {
    return this.lost;
  }

  /** Number of trades (book, symbol) with entries held. */
  get openEpisodes(): number {
    return this.open.size;
  }

  add(entry: TraceEntry, episode: string | undefined): void {
    if (this.size >= this.capacity) {
      const oldest = this.window.shift();
      this.lost++;
      // Open trades hold the whole budget: nothing older may make room.
      if (oldest === undefined) return;
      this.release(oldest);
    }
    const slot = this.free.pop() ?? this.fresh++;
    this.store.write(slot, entry);
    if (episode === undefined) {
      this.window.push(slot);
      return;
    }
    const list = this.open.get(episode);
    if (list === undefined) this.open.set(episode, [slot]);
    else list.push(slot);
    this.openCount++;
  }

  closeEpisode(episode: string): void {
    const list = this.open.get(episode);
    if (list === undefined) return;
    this.open.delete(episode);
    for (const slot of list) this.release(slot);
    this.openCount -= list.length;
    this.lost += list.length;
  }

  entries(): TraceEntry[] {
    const slots = this.window.toArray();
    for (const list of this.open.values()) slots.push(...list);
    return slots.map((slot) => this.store.read(slot)).sort((a, b) => a.traceSeq - b.traceSeq);
  }

  private release(slot: number): void {
    this.store.clear(slot);
    this.free.push(slot);
  }
}
