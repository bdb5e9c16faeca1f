import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { ReconnectConfig } from '../../config/schema/live.ts';
import type { LiveBarSource } from './live-source.ts';
import { MAX_MESSAGE_BYTES, parseFeedMessage, type FeedItem, type MessageDecoder } from './messages.ts';
import type { TickAggregator } from './tick-aggregator.ts';
import { LiveError } from '../../errors/live-error.ts';

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
  readonly counters: FeedCounters = { messages: 0, malformed: 0, other: 0, connects: 0, reconnects: 0, heartbeatTimeouts: 0 };
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
    this.malformed(`timestamp ${new Date(ts).toISOString()} is more than 24 h ahead of the wall clock (${new Date(this.now()).toISOString()})`, text);
    return false;
  }

  /**
   * A raw message too long to read (`bytes` of it, and more): counted and skipped like a
   * malformed one, never decoded. `head` is its first bytes, for the log.
   */
  oversized(bytes: number, head: string, unit: 'message' | 'line' = 'message'): void {
    if (this.finished !== undefined) return;
    this.counters.messages++;
    this.malformed(`${unit} longer than ${MAX_MESSAGE_BYTES.toLocaleString('en-US')} bytes (${bytes.toLocaleString('en-US')}): skipped unread`, head);
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
      this.logger.warn({ malformed: n, message: text.length > 200 ? `${text.slice(0, 197)}...` : text }, `malformed feed message skipped: ${reason}`);
    }
  }
}

/** Options of a {@link WebSocketFeed}. */
export interface WebSocketFeedOptions {
  readonly url: string;
  readonly intake: FeedIntake;
  readonly reconnect: ReconnectConfig;
  /** Ping interval, ms; a connection that answers nothing (no message, no pong) for one interval is dropped and reconnected. 0: none. */
  readonly heartbeatMs?: number;
  /** Sent after every (re)connect; mappings as JSON. */
  readonly subscribe?: readonly (string | Record<string, unknown>)[];
  readonly logger: Logger;
  /** Random numbers in [0, 1) for the jitter (tests fix it). */
  readonly random?: () => number;
  /**
   * A provider's protocol spoken on the connection (Binance, Alpaca); default: every text
   * message goes to the intake's mapping, and `subscribe` is sent after each connect.
   */
  readonly protocol?: WsProtocol;
  /** What logs and the store's metadata call the feed (default the URL). */
  readonly description?: string;
}

/**
 * A provider protocol over a {@link WebSocketFeed} connection: what to send on connecting
 * and how to read each text message. Reconnection, heartbeat, pausing and the oversized
 * message rule stay the feed's.
 */
export interface WsProtocol {
  /** A new connection is open (after every reconnect too). */
  open?(connection: WsConnection): void;
  /** One text message; true when the feed has ended or failed (the connection is closed). */
  message(text: string, connection: WsConnection): boolean;
}

/** What a {@link WsProtocol} may do with the connection. */
export interface WsConnection {
  send(text: string): void;
  /** Cuts the connection, which is then reconnected with back-off. */
  drop(): void;
  /**
   * The connection works (subscribed, data flowing): the reconnect back-off starts again
   * from its first delay. With a protocol, a message alone does not say so — a server
   * that greets and then refuses each connection must not be retried at the first delay
   * for ever.
   */
  delivered(): void;
}

/**
 * A WebSocket client feed. Every text message goes to the intake. When the connection
 * drops (or cannot be made) before the feed's end message, it reconnects after an
 * exponential backoff with jitter: `initial_delay_ms · factor^(attempt-1)`, capped at
 * `max_delay_ms`, times a random factor in [1 - jitter, 1 + jitter]. The attempt count
 * resets once a new connection delivers a message; after `max_attempts` consecutive
 * failures (0: never) the run fails. Bars a restarted server sends again are dropped by
 * the live source as duplicates.
 */
export class WebSocketFeed implements Feed {
  readonly description: string;
  private ws: WebSocket | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private stopping = false;
  private paused = false;
  private delivered = false;
  private closed: Promise<void> = Promise.resolve();
  private readonly random: () => number;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  /** Whether anything (a message, a pong) came since the last heartbeat tick. */
  private heard = true;

  constructor(private readonly opts: WebSocketFeedOptions) {
    this.description = opts.description ?? opts.url;
    this.random = opts.random ?? Math.random;
  }

  get counters(): FeedCounters {
    return this.opts.intake.counters;
  }

  get ended(): FeedEnd | undefined {
    return this.opts.intake.ended;
  }

  start(): void {
    this.connect();
  }

  pause(): void {
    this.paused = true;
    this.ws?.pause();
  }

  resume(): void {
    this.paused = false;
    this.ws?.resume();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.stopHeartbeat();
    const ws = this.ws;
    if (ws !== undefined && ws.readyState !== WebSocket.CLOSED) {
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'client stopping');
      // A peer that does not answer the close handshake is cut off.
      const kill = setTimeout(() => ws.terminate(), 1000);
      await this.closed;
      clearTimeout(kill);
    }
    this.opts.intake.finish('stopped');
  }

  private connect(): void {
    const { intake, logger } = this.opts;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.opts.url, { perMessageDeflate: false });
    } catch (err) {
      intake.fail(new LiveError(`feed ${this.opts.url}: ${(err as Error).message}`));
      return;
    }
    this.ws = ws;
    this.delivered = false;
    let lastError: Error | undefined;
    this.closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    if (this.paused) ws.pause();
    const send = (text: string): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
    };
    const connection: WsConnection = {
      send,
      drop: () => ws.terminate(),
      delivered: () => {
        if (this.ws === ws) this.attempts = 0;
      },
    };
    ws.on('open', () => {
      intake.counters.connects++;
      if (intake.counters.connects > 1) intake.counters.reconnects++;
      logger.info({ url: this.opts.url, connects: intake.counters.connects }, intake.counters.connects > 1 ? 'feed reconnected' : 'feed connected');
      if (this.opts.protocol?.open !== undefined) this.opts.protocol.open(connection);
      else for (const m of this.opts.subscribe ?? []) ws.send(typeof m === 'string' ? m : JSON.stringify(m));
      this.startHeartbeat(ws);
    });
    ws.on('pong', () => (this.heard = true));
    ws.on('message', (data, isBinary) => {
      this.heard = true;
      if (!this.delivered && this.opts.protocol === undefined) {
        this.delivered = true;
        this.attempts = 0;
      }
      const buffer = data as Buffer;
      if (buffer.length > MAX_MESSAGE_BYTES) {
        intake.oversized(buffer.length, buffer.subarray(0, 200).toString('utf8'));
        return;
      }
      const text = isBinary ? Buffer.from(buffer).toString('utf8') : buffer.toString('utf8');
      const ended = this.opts.protocol !== undefined ? this.opts.protocol.message(text, connection) : intake.message(text);
      if (ended) ws.close(1000, 'end of feed');
    });
    ws.on('error', (err) => {
      lastError = err;
    });
    ws.on('close', (code) => {
      if (this.ws !== ws) return;
      this.stopHeartbeat();
      if (this.stopping || intake.ended !== undefined) return;
      this.retry(code, lastError);
    });
  }

  /**
   * TCP does not notice a peer that vanished without closing (a dropped link, a hung
   * server): the socket just stays silent. A ping every interval, and a connection that
   * answered nothing since the last one is cut, which reconnects it like any drop. While
   * the feed is paused (backpressure) nothing is read, pongs included, so no verdict then.
   */
  private startHeartbeat(ws: WebSocket): void {
    const every = this.opts.heartbeatMs ?? 0;
    this.stopHeartbeat();
    if (every <= 0) return;
    this.heard = true;
    this.heartbeat = setInterval(() => {
      if (this.paused || ws.readyState !== WebSocket.OPEN) return;
      if (!this.heard) {
        this.opts.logger.warn({ url: this.opts.url, heartbeat_ms: every }, `feed ${this.opts.url}: no message and no pong for ${every} ms: dropping the connection`);
        this.opts.intake.counters.heartbeatTimeouts++;
        ws.terminate();
        return;
      }
      this.heard = false;
      ws.ping();
    }, every);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private retry(code: number, err: Error | undefined): void {
    const r = this.opts.reconnect;
    this.attempts++;
    const why = err !== undefined ? err.message : `connection closed (code ${code})`;
    if (r.max_attempts > 0 && this.attempts > r.max_attempts) {
      this.opts.intake.fail(new LiveError(`feed ${this.opts.url}: ${why}; gave up after ${r.max_attempts} reconnect attempt${r.max_attempts === 1 ? '' : 's'} (live.feed.reconnect.max_attempts)`));
      return;
    }
    const base = Math.min(r.max_delay_ms, r.initial_delay_ms * r.factor ** (this.attempts - 1));
    const delay = Math.max(1, Math.round(base * (1 + r.jitter * (2 * this.random() - 1))));
    this.opts.logger.warn({ url: this.opts.url, attempt: this.attempts, delay_ms: delay }, `feed ${why}: reconnecting in ${delay} ms (attempt ${this.attempts})`);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopping) this.connect();
    }, delay);
  }
}

/**
 * NDJSON from a readable stream (standard input): one message per line, blank lines
 * skipped. EOF ends the feed like an end message. Lines are cut by a {@link LineReader}
 * that holds at most {@link MAX_MESSAGE_BYTES} of a line: a longer one is skipped as it
 * streams by and counted as malformed, however long it is.
 */
export class StreamFeed implements Feed {
  readonly description: string;
  private reader: LineReader | undefined;
  private closed = false;
  private done: Promise<void> = Promise.resolve();
  private resolveDone: () => void = () => undefined;
  private readonly onData = (chunk: Buffer | string): void => {
    this.reader?.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  };

  constructor(
    private readonly input: Readable,
    private readonly intake: FeedIntake,
    description = 'stdin',
  ) {
    this.description = description;
  }

  get counters(): FeedCounters {
    return this.intake.counters;
  }

  get ended(): FeedEnd | undefined {
    return this.intake.ended;
  }

  start(): void {
    this.done = new Promise<void>((resolve) => (this.resolveDone = resolve));
    this.reader = new LineReader(
      MAX_MESSAGE_BYTES,
      (line) => {
        if (line.trim() === '') return true;
        if (!this.intake.message(line)) return true;
        this.close();
        return false;
      },
      (bytes, head) => this.intake.oversized(bytes, head, 'line'),
    );
    this.input.on('data', this.onData);
    this.input.once('end', () => {
      this.reader?.end();
      this.intake.finish('eof');
      this.close();
    });
    this.input.once('error', (err: Error) => {
      this.intake.fail(new LiveError(`${this.description}: ${err.message}`));
      this.close();
    });
  }

  pause(): void {
    this.input.pause();
  }

  resume(): void {
    if (!this.closed) this.input.resume();
  }

  async stop(): Promise<void> {
    this.intake.finish('stopped');
    this.close();
    await this.done;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.reader?.stop();
    this.input.off('data', this.onData);
    this.input.pause();
    // Standard input would otherwise keep the process alive after Ctrl-C.
    if (this.input === process.stdin) process.stdin.destroy();
    this.resolveDone();
  }
}

/**
 * Cuts a byte stream into lines (LF or CRLF) without ever holding more than `maxBytes` of
 * one: a longer line is dropped piece by piece as it arrives and reported once, with its
 * length and first bytes, when its newline (or the end) comes. Multi-byte characters cut
 * between pieces are joined before decoding.
 */
export class LineReader {
  private parts: Buffer[] = [];
  private held = 0;
  /** Bytes of the current line when it is over-long (being skipped); -1 otherwise. */
  private skipped = -1;
  private head = '';
  private stopped = false;

  /**
   * @param onLine one line, without its line break; returns false to stop reading
   * @param onOversized a line longer than `maxBytes`: its length and first bytes
   */
  constructor(
    private readonly maxBytes: number,
    private readonly onLine: (line: string) => boolean,
    private readonly onOversized: (bytes: number, head: string) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (!this.stopped && start <= chunk.length) {
      const nl = chunk.indexOf(10, start);
      if (nl !== -1 && this.held === 0 && this.skipped < 0 && nl - start <= this.maxBytes) {
        // The common case: a whole line within the chunk, decoded where it lies.
        const end = nl > start && chunk[nl - 1] === 13 ? nl - 1 : nl;
        if (!this.onLine(chunk.toString('utf8', start, end))) this.stop();
        start = nl + 1;
        continue;
      }
      const piece = chunk.subarray(start, nl === -1 ? chunk.length : nl);
      this.add(piece);
      if (nl === -1) return;
      this.lineEnd();
      start = nl + 1;
    }
  }

  /** The input ended: a last line without a newline is a line too. */
  end(): void {
    if (!this.stopped && (this.held > 0 || this.skipped >= 0)) this.lineEnd();
    this.stop();
  }

  stop(): void {
    this.stopped = true;
    this.parts = [];
    this.held = 0;
  }

  private add(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.skipped >= 0) {
      this.skipped += piece.length;
      return;
    }
    if (this.held + piece.length > this.maxBytes) {
      this.head = Buffer.concat([...this.parts, piece.subarray(0, 200)]).subarray(0, 200).toString('utf8');
      this.skipped = this.held + piece.length;
      this.parts = [];
      this.held = 0;
      return;
    }
    // A copy: the stream may reuse the buffer it handed over.
    this.parts.push(Buffer.from(piece));
    this.held += piece.length;
  }

  private lineEnd(): void {
    if (this.skipped >= 0) {
      const bytes = this.skipped;
      this.skipped = -1;
      this.onOversized(bytes, this.head);
      return;
    }
    const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.held);
    this.parts = [];
    this.held = 0;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 13) end--;
    if (!this.onLine(bytes.toString('utf8', 0, end))) this.stop();
  }
}
