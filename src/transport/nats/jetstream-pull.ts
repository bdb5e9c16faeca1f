/**
 * Reading a JetStream stream: opening the consumer (ordered or durable) and the pull loop
 * shared by the NATS bar feed and `sluice subscribe`.
 */
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type Consumer,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { asLiveError } from './jetstream.ts';
import { LiveError } from '../../errors/live-error.ts';

/** Which consumer reads a stream. */
export interface ConsumerSpec {
  readonly stream: string;
  readonly subject: string;
  /** A durable consumer's name; undefined: an ordered consumer. */
  readonly durable: string | undefined;
  readonly deliver: 'all' | 'new' | 'last_per_subject';
}

const DELIVER = {
  all: DeliverPolicy.All,
  new: DeliverPolicy.New,
  last_per_subject: DeliverPolicy.LastPerSubject,
} as const;

/**
 * Opens the consumer of `spec`:
 * - **ordered** (no name): an ephemeral consumer the client recreates at the right
 *   sequence whenever it sees a gap, delivering in stream order exactly once per run, with
 *   no acks and nothing kept on the server; where it starts is `deliver`.
 * - **durable** (a name): kept by the server with the sequence acknowledged so far, so a
 *   restarted reader goes on where the last one acknowledged. Created on first use (explicit
 *   acks, filtered on the subject, starting at `deliver`); an existing one must filter the
 *   same subject — another reader's consumer is never changed silently.
 *
 * @throws LiveError when the stream does not exist or the durable filters another subject.
 */
export async function openConsumer(js: JetStreamClient, jsm: JetStreamManager, spec: ConsumerSpec): Promise<Consumer> {
  try {
    await jsm.streams.info(spec.stream);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)
      throw new LiveError(`stream ${spec.stream} does not exist (nothing published yet?)`);
    throw asLiveError(err, `stream ${spec.stream}`);
  }
  if (spec.durable === undefined)
    return js.consumers.get(spec.stream, { filter_subjects: spec.subject, deliver_policy: DELIVER[spec.deliver] });
  try {
    const info = await jsm.consumers.info(spec.stream, spec.durable);
    const filter = info.config.filter_subject ?? info.config.filter_subjects?.join(',') ?? '>';
    if (filter !== spec.subject)
      throw new LiveError(
        `durable consumer ${spec.durable} of stream ${spec.stream} reads '${filter}', not '${spec.subject}': use another name, or delete it first`,
      );
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound))
      throw asLiveError(err, `consumer ${spec.durable}`);
    await jsm.consumers.add(spec.stream, {
      durable_name: spec.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DELIVER[spec.deliver],
      filter_subject: spec.subject,
    });
  }
  return js.consumers.get(spec.stream, spec.durable);
}

/** Options of {@link pullLoop}. */
export interface PullLoopOptions {
  readonly consumer: Consumer;
  /** Messages asked for per pull request. */
  readonly batch: number;
  /** How long one pull request waits for its messages (and so the longest a stop waits). */
  readonly expiresMs: number;
  /** Acknowledge each message after `onMessage` (durable consumers). */
  readonly ack: boolean;
  /** Handles one message; true stops the loop after it (an end message). */
  readonly onMessage: (msg: JsMsg) => boolean;
  /** Checked before each pull request: true ends the loop. */
  readonly stopped: () => boolean;
  /** Awaited before each pull request (a paused feed). */
  readonly resumed?: () => Promise<void>;
  readonly logger: Logger;
}

/**
 * Pulls batches until stopped. A stop never cuts a batch short: the messages of the
 * request under way are all handled and acknowledged before the loop returns, so a
 * durable consumer stopped this way has nothing delivered-but-unacknowledged, and the
 * next reader starts at the very next message — no gap, no duplicate, no redelivery
 * out of order after the ack wait. (A reader killed outright leaves its last batch
 * unacknowledged: the server delivers it again after the ack wait, at least once.)
 *
 * A failed request (a nats-server restart) is retried every half second while stopped()
 * is false; a consumer or stream deleted under it fails the loop.
 *
 * @returns true when onMessage asked to stop.
 */
export async function pullLoop(opts: PullLoopOptions): Promise<boolean> {
  let failures = 0;
  while (!opts.stopped()) {
    await opts.resumed?.();
    if (opts.stopped()) break;
    try {
      const batch = await opts.consumer.fetch({ max_messages: opts.batch, expires: opts.expiresMs });
      for await (const m of batch) {
        const ended = opts.onMessage(m);
        if (opts.ack) m.ack();
        // Messages after an end message stay unacknowledged for whoever reads next.
        if (ended) return true;
      }
      failures = 0;
    } catch (err) {
      if (
        err instanceof JetStreamApiError &&
        (err.code === JetStreamApiCodes.ConsumerNotFound || err.code === JetStreamApiCodes.StreamNotFound)
      )
        throw asLiveError(err, 'nats consumer');
      failures++;
      if (failures === 1 || (failures & (failures - 1)) === 0)
        opts.logger.warn(
          { failures },
          `nats: pull request failed (${err instanceof Error ? err.message : String(err)}); retrying`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return false;
}
