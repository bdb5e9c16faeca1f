import { jetstream } from '@nats-io/jetstream';
import { parseCamel } from '../config/schema-keys.ts';
import type { Logger } from 'pino';
import { StreamSettingsSchema } from '../config/schema/live.ts';
import { asLiveError, connectNats, ensureStream, manager } from '../transport/nats/jetstream.ts';
import { JetStreamPublisher, type PublisherCounters } from '../transport/nats/jetstream-publisher.ts';
import { barMsgId, barSubject, checkPrefix, parseNatsUrl } from '../transport/nats/nats-subjects.ts';
import type { ReplayOutput } from './replay.ts';

/** Default stream and subject prefix of bars on NATS: what a `nats://` feed reads by default. */
export const BARS_STREAM = 'SLUICE_BARS';
export const BARS_PREFIX = 'sluice.bars';

/** A replay's NATS output, and how to finish it. */
export interface NatsReplayOutput {
  readonly output: ReplayOutput;
  /** `stream S, subjects P.<symbol>` for the log. */
  readonly description: string;
  /** Waits for every ack and drains the connection; the stream's verdict on what was sent. */
  close(): Promise<PublisherCounters>;
}

/**
 * `sluice replay --to nats://host:port[/prefix]`: every bar is published to
 * `<prefix>.<symbol>` (default `sluice.bars.<symbol>`) of a JetStream stream (default
 * `SLUICE_BARS`, created when missing) with the message id `bar:<symbol>:<ts>`, so a
 * restarted replay over bars already sent stores nothing twice within the duplicate
 * window (and a consumer drops repeated bars by timestamp after it). The bars go out in
 * the replay's (timestamp, symbol) order, its back-pressure being the publisher's bound on
 * unacknowledged messages.
 *
 * A replay that ran to its end publishes the end message to each symbol's subject, so a
 * `sluice live` reading the stream ends with it as with a WebSocket replay. An interrupted
 * replay publishes none: the stream is meant to go on when it is restarted (`--start`).
 */
export async function openNatsReplayOutput(
  url: string,
  symbols: readonly string[],
  opts: { stream?: string; logger: Logger },
): Promise<NatsReplayOutput> {
  const parsed = parseNatsUrl(url);
  const prefix = checkPrefix(parsed.subject ?? BARS_PREFIX, 'subject prefix');
  const stream = opts.stream ?? BARS_STREAM;
  const nc = await connectNats(parsed, 'sluice replay', opts.logger);
  try {
    await ensureStream(
      await manager(nc, parsed),
      { name: stream, subjects: [`${prefix}.>`], settings: parseCamel(StreamSettingsSchema, {}) },
      opts.logger,
    );
  } catch (err) {
    await nc.close();
    throw asLiveError(err, parsed.text);
  }
  const publisher = new JetStreamPublisher(jetstream(nc), {
    maxInFlight: 1024,
    ackTimeoutMs: 5000,
    retries: 5,
    logger: opts.logger,
  });
  const lastTs = new Map<string, string>();
  const output: ReplayOutput = {
    send(text: string): void {
      const msg = JSON.parse(text) as { type: string; symbol?: string; ts?: string; reason?: string };
      if (msg.type === 'bar' && msg.symbol !== undefined && msg.ts !== undefined) {
        lastTs.set(msg.symbol, msg.ts);
        publisher.publish(barSubject(prefix, msg.symbol), text, barMsgId(msg.symbol, msg.ts));
      } else if (msg.type === 'end' && msg.reason === 'complete') {
        for (const s of symbols) publisher.publish(barSubject(prefix, s), text, `end:${s}:${lastTs.get(s) ?? 'none'}`);
      }
    },
    get needsDrain() {
      return publisher.needsDrain;
    },
    drained: () => publisher.drained(),
  };
  return {
    output,
    description: `${parsed.servers.join(',')} stream ${stream}, subjects ${prefix}.<symbol>`,
    async close() {
      try {
        await publisher.flush();
      } finally {
        await nc.drain().catch(() => nc.close());
      }
      return publisher.counters;
    },
  };
}
