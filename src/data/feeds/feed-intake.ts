import type { Logger } from 'pino';
import type { FeedCounters, FeedEnd } from './feed.ts';
import type { LiveBarSource } from './live-source.ts';
import { MAX_MESSAGE_BYTES, parseFeedMessage, type FeedItem, type MessageDecoder } from './messages.ts';
import type { TickAggregator } from './tick-aggregator.ts';

/** Malformed messages logged one by one before only every power of two is. */
const MALFORMED_LOGGED = 20;

/**
 * How far ahead of the wall clock a bar's or trade's timestamp may be: 24 hours, room for
 * clock skew and for feeds that stamp bars in an exchange's local time as if it were UTC.
 * A later one is malformed: taken, it would make every following bar "out of order".
 */
export const MAX_AHEAD_MS = 86_400_000;

/** Options of a {@link FeedIntake}. */
export interface FeedIntakeOptions {
  /** The wall clock, epoch ms (default Date.now; tests fix it). */
  readonly now?: () => number;
}

/**
 * Where a feed's raw messages go: decoded by the mapping, bars into the live source,
 * trades into the tick aggregator, the end message ends the source. Never throws: a bad
 * message is counted and logged (the first ones in full, then sparsely).
 */
export class FeedIntake {
  readonly counters: FeedCounters = {
    messages: 0,
    malformed: 0,
    other: 0,
    connects: 0,
    reconnects: 0,
    heartbeatTimeouts: 0,
  };
  private finished: FeedEnd | undefined;

  private readonly now: () => number;

  constructor(
    private readonly source: LiveBarSource,
    private readonly decoder: MessageDecoder,
    private readonly aggregator: TickAggregator | undefined,
    private readonly logger: Logger,
    options: FeedIntakeOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** How the input ended, once it has. */
  get ended(): FeedEnd | undefined {
    return this.finished;
  }

  /** One raw message; returns true when it was the end message. */
  message(text: string): boolean {
    if (!this.received()) return false;
    for (const item of this.decoder.decode(text)) if (this.item(item, text)) return true;
    return false;
  }

  /**
   * Counts one raw message read by a provider protocol (which decodes it itself and hands
   * its items to {@link item}); false when the input has ended already (ignore it).
   */
  received(): boolean {
    if (this.finished !== undefined) return false;
    this.counters.messages++;
    return true;
  }

  /**
   * A provider protocol's first step with a raw message: counts it and parses its JSON
   * under the feed's limits (size, depth); a malformed one is counted and logged here.
   * Returns the parsed value, or `undefined` when there is nothing to decode (the input
   * ended, or the message was malformed).
   */
  receivedJson(text: string): { value: unknown } | undefined {
    if (!this.received()) return undefined;
    const parsed = parseFeedMessage(text);
    if ('malformed' in parsed) {
      this.item({ kind: 'malformed', reason: parsed.malformed }, text);
      return undefined;
    }
    return { value: parsed.value };
  }

  /**
   * One decoded item of the raw message `text` (quoted in logs when malformed): a bar goes
   * into the live source, a trade into the tick aggregator, an end ends the input (returns
   * true). Bars and trades stamped more than 24 h ahead of the wall clock are malformed.
   */
  item(item: FeedItem, text: string): boolean {
    if (this.finished !== undefined) return false;
    if ((item.kind === 'bar' || item.kind === 'trade') && !this.inTime(item.ts, text)) return false;
    switch (item.kind) {
      case 'bar':
        this.source.push(item.symbol, item.ts, item.open, item.high, item.low, item.close, item.volume);
        break;
      case 'trade':
        if (this.aggregator === undefined) this.malformed('trade messages are not aggregated by this feed', text);
        else this.aggregator.trade(item.symbol, item.ts, item.price, item.size);
        break;
      case 'end':
        this.logger.info({ reason: item.reason }, 'feed sent its end message');
        this.finish('end message');
        return true;
      case 'other':
        this.counters.other++;
        break;
      case 'malformed':
        this.malformed(item.reason, text);
        break;
    }
    return false;
  }

  /**
   * Whether a bar or trade stamped `ts` is at most 24 h ahead of the wall clock; when not,
   * the message `text` is counted and logged as malformed. Provider protocols ask before
   * aggregating, so a bar dated 2099 cannot make the bars after it late.
   */
  inTime(ts: number, text: string): boolean {
    if (ts <= this.now() + MAX_AHEAD_MS) return true;
    this.malformed(
      `timestamp ${new Date(ts).toISOString()} is more than 24 h ahead of the wall clock (${new Date(this.now()).toISOString()})`,
      text,
    );
    return false;
  }

  /**
   * A raw message too long to read (`bytes` of it, and more): counted and skipped like a
   * malformed one, never decoded. `head` is its first bytes, for the log.
   */
  oversized(bytes: number, head: string, unit: 'message' | 'line' = 'message'): void {
    if (this.finished !== undefined) return;
    this.counters.messages++;
    this.malformed(
      `${unit} longer than ${MAX_MESSAGE_BYTES.toLocaleString('en-US')} bytes (${bytes.toLocaleString('en-US')}): skipped unread`,
      head,
    );
  }

  /** The input ended (end message, EOF) or was stopped: open tick bars close, the source ends. */
  finish(how: FeedEnd): void {
    if (this.finished !== undefined) return;
    this.finished = how;
    if (how === 'end message' || how === 'eof') this.aggregator?.flush();
    this.aggregator?.dispose();
    this.source.end();
  }

  /** The feed failed for good: the run fails with `err`. */
  fail(err: Error): void {
    if (this.finished !== undefined) return;
    this.finished = 'failed';
    this.aggregator?.dispose();
    this.source.fail(err);
  }

  private malformed(reason: string, text: string): void {
    const n = ++this.counters.malformed;
    if (n <= MALFORMED_LOGGED || (n & (n - 1)) === 0) {
      this.logger.warn(
        { malformed: n, message: text.length > 200 ? `${text.slice(0, 197)}...` : text },
        `malformed feed message skipped: ${reason}`,
      );
    }
  }
}
