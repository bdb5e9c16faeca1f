import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { NatsSinkConfig } from '../config/schema/live.ts';
import { asLiveError, connectNats, ensureStream, manager } from '../transport/nats/jetstream.ts';
import { JetStreamPublisher, type PublisherCounters } from '../transport/nats/jetstream-publisher.ts';
import { encodeBar } from '../data/feeds/messages.ts';
import {
  barMsgId,
  barSubject,
  checkPrefix,
  parseNatsUrl,
  signalMsgId,
  signalSubject,
  type NatsUrl,
} from '../transport/nats/nats-subjects.ts';
import type { MessageSink, SignalMessage } from './message-sink.ts';

/**
 * Publishes a live run's signals to a NATS JetStream stream: each signal to
 * `<subject_prefix>.<symbol>.<strategy_id>` (tokens escaped, see nats-subjects.ts) with
 * the message id `<strategy_id>:<symbol>:<bar ts>`, its ack awaited (bounded in flight,
 * back-pressure on the run). With `publish_bars`, the run's live bars go to
 * `<bars_prefix>.<symbol>` in the feed format, for other processes to read as a feed.
 *
 * Regime changes, gap notices and the end message are not published: the stream is the
 * signals' history, shared by publishers that come and go, and has no end.
 */
export class NatsSink implements MessageSink {
  readonly description: string;
  private readonly url: NatsUrl;
  private nc: NatsConnection | undefined;
  private publisher: JetStreamPublisher | undefined;

  constructor(
    private readonly cfg: NatsSinkConfig,
    private readonly logger: Logger,
  ) {
    this.url = parseNatsUrl(cfg.url);
    checkPrefix(cfg.subjectPrefix, 'subject_prefix');
    checkPrefix(cfg.barsPrefix, 'bars_prefix');
    this.description = `${this.url.servers.join(',')} stream ${cfg.stream}`;
  }

  /** What the stream made of the messages sent so far. */
  get counters(): Readonly<PublisherCounters> {
    return this.publisher?.counters ?? { stored: 0, duplicates: 0, retries: 0 };
  }

  /** Connects, and creates the streams when missing. */
  async open(): Promise<void> {
    if (this.nc !== undefined) return;
    const nc = await connectNats(this.url, 'sluice live (signals)', this.logger);
    try {
      const jsm = await manager(nc, this.url);
      const { cfg } = this;
      await ensureStream(
        jsm,
        { name: cfg.stream, subjects: [`${cfg.subjectPrefix}.>`], settings: cfg.streamSettings },
        this.logger,
      );
      if (cfg.publishBars)
        await ensureStream(
          jsm,
          { name: cfg.barsStream, subjects: [`${cfg.barsPrefix}.>`], settings: cfg.streamSettings },
          this.logger,
        );
    } catch (err) {
      await nc.close();
      throw asLiveError(err, this.url.text);
    }
    this.nc = nc;
    this.publisher = new JetStreamPublisher(jetstream(nc), {
      maxInFlight: this.cfg.maxInFlight,
      ackTimeoutMs: this.cfg.ackTimeoutMs,
      retries: this.cfg.retries,
      logger: this.logger,
    });
  }

  send(json: string): void {
    // Only signals travel; the check on the text spares parsing the other messages.
    if (this.publisher === undefined || !json.startsWith('{"type":"signal"')) return;
    const s = JSON.parse(json) as SignalMessage;
    this.publisher.publish(
      signalSubject(this.cfg.subjectPrefix, s.symbol, s.strategy_id),
      json,
      signalMsgId(s.strategy_id, s.symbol, s.ts),
    );
  }

  /** A live bar, in the feed format (publish_bars). */
  bar(symbol: string, ts: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.publisher === undefined || !this.cfg.publishBars) return;
    this.publisher.publish(
      barSubject(this.cfg.barsPrefix, symbol),
      encodeBar(symbol, ts, open, high, low, close, volume),
      barMsgId(symbol, new Date(ts).toISOString()),
    );
  }

  get needsDrain(): boolean {
    return this.publisher?.needsDrain ?? false;
  }

  drained(): Promise<void> {
    return this.publisher?.drained() ?? Promise.resolve();
  }

  /** Waits for every pending ack, then drains and closes the connection. */
  async close(): Promise<void> {
    const nc = this.nc;
    if (nc === undefined) return;
    this.nc = undefined;
    try {
      await this.publisher?.flush();
    } finally {
      const c = this.counters;
      this.logger.info(
        { stream: this.cfg.stream, ...c },
        `nats: ${c.stored} messages stored, ${c.duplicates} duplicates, ${c.retries} retries`,
      );
      await nc.drain().catch(() => nc.close());
    }
  }
}
