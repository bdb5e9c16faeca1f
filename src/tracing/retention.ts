import type { TraceEntry } from './trace-record.ts';

/**
 * What a trace keeps in memory until the end of the run. Every retention holds at most
 * `capacity` entries at any time, so memory is bounded by `max_events` whatever the
 * run's length.
 */
export interface TraceRetention {
  readonly capacity: number;
  /** Entries held now, never more than `capacity`. */
  readonly size: number;
  /** Entries dropped so far (evicted, refused or closed). */
  readonly dropped: number;
  /**
   * Keeps a copy of `entry` (the caller may reuse the object). `episode` names the open trade it belongs to (book and symbol) for
   * events that are part of one (SIGNAL, ORDER, CANCEL, REJECT, FILL), else undefined.
   */
  add(entry: TraceEntry, episode: string | undefined): void;
  /** The trade `episode` is closed (its position is flat again). */
  closeEpisode(episode: string): void;
  /** The entries held, oldest (lowest trace_seq) first. */
  entries(): TraceEntry[];
}
