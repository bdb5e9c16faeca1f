/**
 * What a feed is: a source of feed messages started once and stopped once, and its
 * counters. The feeds: `WebSocketFeed` (websocket-feed.ts), `StreamFeed` (stream-feed.ts),
 * the NATS feed (nats-feed.ts) and the provider feeds (provider-feed.ts); each hands its
 * messages to a `FeedIntake` (feed-intake.ts). Types only, so that every feed file and
 * the intake can import them without importing each other.
 */

/** Counters of a feed's messages and connection. */
export interface FeedCounters {
  /** Raw messages (WebSocket messages, stdin lines) read. */
  messages: number;
  /** Messages (or array items) that could not be read as a bar, trade or end: logged and skipped. */
  malformed: number;
  /** Messages of another type (hello, heartbeats): ignored. */
  other: number;
  /** Successful connections (WebSocket feeds). */
  connects: number;
  /** Reconnections after a dropped or refused connection. */
  reconnects: number;
  /** Connections dropped because they answered neither messages nor pings (heartbeat). */
  heartbeatTimeouts: number;
}

/** How a feed ended. */
export type FeedEnd = 'end message' | 'eof' | 'stopped' | 'failed';

/** A source of feed messages: started once, stopped once, tells when it is done. */
export interface Feed {
  readonly description: string;
  readonly counters: FeedCounters;
  /** Starts reading (connecting). */
  start(): void;
  /** Pauses / resumes reading (the live source's `block` overflow policy). */
  pause(): void;
  resume(): void;
  /** Stops reading and releases the connection; resolves once it is released. Idempotent. */
  stop(): Promise<void>;
  /** How it ended, once it has. */
  readonly ended: FeedEnd | undefined;
}
