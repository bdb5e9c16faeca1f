import { jetstream } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { connectNats, manager } from './jetstream.ts';
import { openConsumer, pullLoop } from './jetstream-pull.ts';
import { parseNatsUrl, SIGNALS_STREAM, SIGNALS_SUBJECT } from './nats-subjects.ts';

export { SIGNALS_STREAM, SIGNALS_SUBJECT };

export interface SubscribeOptions {
  /** nats://host:port[/subject]; a subject in the path wins over `subject`. */
  readonly url: string;
  readonly stream?: string;
  readonly subject?: string;
  /** A durable consumer's name: resume where the last reader of that name stopped. Undefined: an ordered consumer. */
  readonly durable?: string;
  readonly deliver?: 'all' | 'new' | 'last_per_subject';
  readonly batch?: number;
  /** Stop once no message came for this long (ms): read what is there and end. Undefined: run until stopped. */
  readonly idleMs?: number;
  /** Each message's payload (a signal as JSON) — written out by the caller. */
  readonly onMessage: (data: string) => void;
  /** Awaited between pull requests: the caller's output back-pressure. */
  readonly drained?: () => Promise<void>;
  readonly signal?: AbortSignal;
  readonly logger: Logger;
}

/** What a subscription read. */
export interface SubscribeResult {
  readonly messages: number;
  readonly reason: 'stopped' | 'idle';
}

/**
 * Reads a stream's messages in stream order and hands over each payload — `sluice
 * subscribe`. With a durable consumer every message is acknowledged once handed over,
 * and a stop (Ctrl-C, SIGTERM, the idle limit) first finishes the pull request under way
 * and acknowledges it all (see {@link pullLoop}): the next run with the same name starts
 * at the very next message, so runs one after another see every message exactly once.
 */
export async function subscribeStream(opts: SubscribeOptions): Promise<SubscribeResult> {
  const url = parseNatsUrl(opts.url);
  const nc = await connectNats(url, 'sluice subscribe', opts.logger);
  let messages = 0;
  let last = performance.now();
  let idle = false;
  try {
    const consumer = await openConsumer(jetstream(nc), await manager(nc, url), {
      stream: opts.stream ?? SIGNALS_STREAM,
      subject: url.subject ?? opts.subject ?? SIGNALS_SUBJECT,
      durable: opts.durable,
      deliver: opts.deliver ?? 'all',
    });
    await pullLoop({
      consumer,
      batch: opts.batch ?? 256,
      // A pull request waits at most this long, so the idle limit is checked at least as often.
      expiresMs: Math.max(1000, Math.min(opts.idleMs ?? 5000, 5000)),
      ack: opts.durable !== undefined,
      onMessage: (m) => {
        messages++;
        last = performance.now();
        opts.onMessage(m.string());
        return false;
      },
      stopped: () => {
        idle = opts.idleMs !== undefined && performance.now() - last >= opts.idleMs;
        return opts.signal?.aborted === true || idle;
      },
      ...(opts.drained !== undefined ? { resumed: opts.drained } : {}),
      logger: opts.logger,
    });
  } finally {
    // Drain sends the acknowledgements still buffered before the connection closes.
    await nc.drain().catch(() => nc.close());
  }
  return { messages, reason: idle ? 'idle' : 'stopped' };
}
