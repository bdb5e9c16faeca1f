import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { NatsFeedConfig } from '../../config/schema/live.ts';
import type { Feed, FeedCounters, FeedEnd } from './feed.ts';
import type { FeedIntake } from './feed-intake.ts';
import { asLiveError, connectNats, manager } from '../../transport/nats/jetstream.ts';
import { openConsumer, pullLoop } from '../../transport/nats/jetstream-pull.ts';
import { parseNatsUrl, type NatsUrl } from '../../transport/nats/nats-subjects.ts';

/** One pull request waits this long for messages: the longest a stop or a pause waits. */
const EXPIRES_MS = 1000;

/** Options of a {@link NatsFeed}. */
export interface NatsFeedOptions {
  /** nats://host:port[/subject]; a subject in the path wins over `nats.subject`. */
  readonly url: string;
  readonly nats: NatsFeedConfig;
  readonly intake: FeedIntake;
  readonly logger: Logger;
}

/**
 * A feed read from a JetStream stream (bars published by `sluice replay --to nats://…`,
 * by another run's NATS sink with `publish_bars`, or by any feed handler), each message
 * read by the feed mapping like a WebSocket message.
 *
 * By default an **ordered consumer** from the start of the stream: a live run's state is
 * in memory and rebuilt by its warm-up, so where to start belongs to the run, not to the
 * server — bars up to the last warm-up bar are dropped as seen, later ones go through,
 * repeated ones (a restarted feed handler) are dropped as duplicates. Nothing is left on
 * the server when the run ends. A **durable consumer** (`durable: NAME`) resumes where
 * the last run acknowledged instead, for a run without warm-up that must not re-read
 * history; each message is acknowledged once it is in the live buffer.
 *
 * Pausing (the input buffer is full) stops asking for messages: the stream holds them,
 * nothing is lost and nothing piles up in this process.
 */
export class NatsFeed implements Feed {
  readonly description: string;
  private readonly url: NatsUrl;
  private readonly subject: string;
  private nc: NatsConnection | undefined;
  private stopping = false;
  private paused: { promise: Promise<void>; resolve: () => void } | undefined;
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly opts: NatsFeedOptions) {
    this.url = parseNatsUrl(opts.url);
    this.subject = this.url.subject ?? opts.nats.subject ?? 'sluice.bars.>';
    this.description = `${this.url.servers.join(',')} stream ${opts.nats.stream} '${this.subject}'${opts.nats.durable !== null ? ` durable ${opts.nats.durable}` : ''}`;
  }

  get counters(): FeedCounters {
    return this.opts.intake.counters;
  }

  get ended(): FeedEnd | undefined {
    return this.opts.intake.ended;
  }

  start(): void {
    this.done = this.run().catch((err: unknown) => this.opts.intake.fail(asLiveError(err, `feed ${this.url.text}`)));
  }

  pause(): void {
    if (this.paused !== undefined) return;
    let resolve = (): void => {};
    const promise = new Promise<void>((r) => (resolve = r));
    this.paused = { promise, resolve };
  }

  resume(): void {
    const p = this.paused;
    this.paused = undefined;
    p?.resolve();
  }

  /** Ends the pull loop (after the request under way) and drains the connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.resume();
    await this.done;
    const nc = this.nc;
    this.nc = undefined;
    if (nc !== undefined) await nc.drain().catch(() => nc.close());
    this.opts.intake.finish('stopped');
  }

  private async run(): Promise<void> {
    const { intake, logger, nats } = this.opts;
    const nc = await connectNats(this.url, 'sluice live (feed)', logger);
    this.nc = nc;
    if (this.stopping) return;
    intake.counters.connects++;
    // Counts reconnects for as long as the connection lives (the iteration ends when it
    // closes): nothing waits for it; an error from the status stream is only logged.
    void (async () => {
      for await (const s of nc.status()) if (s.type === 'reconnect') intake.counters.reconnects++;
    })().catch((err: unknown) => logger.debug({ err: String(err) }, 'nats: status stream ended with an error'));
    const consumer = await openConsumer(jetstream(nc), await manager(nc, this.url), {
      stream: nats.stream,
      subject: this.subject,
      durable: nats.durable ?? undefined,
      deliver: nats.deliver,
    });
    logger.info({ feed: this.description }, 'feed connected');
    const ended = await pullLoop({
      consumer,
      batch: nats.batch,
      expiresMs: EXPIRES_MS,
      ack: nats.durable !== null,
      onMessage: (m) => intake.message(m.string()),
      stopped: () => this.stopping || intake.ended !== undefined,
      resumed: () => this.paused?.promise ?? Promise.resolve(),
      logger,
    });
    if (ended) logger.info({ feed: this.description }, 'feed ended (end message)');
  }
}
