import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { ReconnectConfig } from '../../config/schema/live.ts';
import { LiveError } from '../../errors/live-error.ts';
import type { Feed, FeedCounters, FeedEnd } from './feed.ts';
import type { FeedIntake } from './feed-intake.ts';
import { MAX_MESSAGE_BYTES } from './messages.ts';

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
      logger.info(
        { url: this.opts.url, connects: intake.counters.connects },
        intake.counters.connects > 1 ? 'feed reconnected' : 'feed connected',
      );
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
      const ended =
        this.opts.protocol !== undefined ? this.opts.protocol.message(text, connection) : intake.message(text);
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
        this.opts.logger.warn(
          { url: this.opts.url, heartbeat_ms: every },
          `feed ${this.opts.url}: no message and no pong for ${every} ms: dropping the connection`,
        );
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
    if (r.maxAttempts > 0 && this.attempts > r.maxAttempts) {
      this.opts.intake.fail(
        new LiveError(
          `feed ${this.opts.url}: ${why}; gave up after ${r.maxAttempts} reconnect attempt${r.maxAttempts === 1 ? '' : 's'} (live.feed.reconnect.max_attempts)`,
        ),
      );
      return;
    }
    const base = Math.min(r.maxDelayMs, r.initialDelayMs * r.factor ** (this.attempts - 1));
    const delay = Math.max(1, Math.round(base * (1 + r.jitter * (2 * this.random() - 1))));
    this.opts.logger.warn(
      { url: this.opts.url, attempt: this.attempts, delay_ms: delay },
      `feed ${why}: reconnecting in ${delay} ms (attempt ${this.attempts})`,
    );
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopping) this.connect();
    }, delay);
  }
}
