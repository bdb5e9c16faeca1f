/**
 * Connecting to NATS and making sure a JetStream stream exists: the two steps every NATS
 * part of a live run starts with (signal sink, bar feed, `sluice replay --to nats://`,
 * `sluice subscribe`). Failures become one-line {@link LiveError}s.
 */
import {
  jetstreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { StreamSettings } from '../../config/schema/live.ts';
import { parseTimeframe } from '../../domain/metrics/timeframe.ts';
import { LiveError } from '../../errors/live-error.ts';
import type { NatsUrl } from './nats-subjects.ts';

/** Nanoseconds per millisecond: JetStream durations are nanoseconds. */
const NS = 1_000_000;
/** The server's "stream name already in use" (not among the client's named codes). */
const STREAM_NAME_IN_USE = 10058;

/**
 * Connects to the first reachable server of `url`. The first connection must succeed
 * (an unreachable server or a typo is reported at once); once connected, the client
 * reconnects by itself for as long as the process runs, re-sending what was buffered, so
 * a nats-server restart costs a pause, not the run.
 *
 * @throws LiveError `cannot connect to nats://…: connection refused` and the like.
 */
export async function connectNats(url: NatsUrl, name: string, logger: Logger): Promise<NatsConnection> {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: url.servers, name, timeout: 5000, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
  } catch (err) {
    throw new LiveError(`cannot connect to ${url.servers.join(',')}: ${reason(err)}`);
  }
  // Runs until the connection closes; nothing waits for it, and an error from the status
  // stream is only logged.
  void watchStatus(nc, url, logger).catch((err: unknown) =>
    logger.debug({ url: url.text, err: String(err) }, 'nats: status stream ended with an error'),
  );
  return nc;
}

/** Logs disconnects and reconnects (each once), until the connection closes. */
async function watchStatus(nc: NatsConnection, url: NatsUrl, logger: Logger): Promise<void> {
  for await (const s of nc.status()) {
    if (s.type === 'disconnect') logger.warn({ url: url.text }, 'nats: disconnected, reconnecting');
    else if (s.type === 'reconnect') logger.info({ url: url.text }, 'nats: reconnected');
  }
}

/** The JetStream manager of a connection; a server without JetStream is a clear error. */
export async function manager(nc: NatsConnection, url: NatsUrl): Promise<JetStreamManager> {
  try {
    return await jetstreamManager(nc);
  } catch (err) {
    throw new LiveError(`${url.text}: JetStream is not available (${reason(err)}); run nats-server with -js`);
  }
}

/** A stream and the subjects it must take. */
export interface StreamSpec {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly settings: StreamSettings;
}

/**
 * Makes sure the stream exists: created with the settings when missing (unless
 * `create: false`); an existing stream is used as it is — its limits are the operator's
 * — but must take every subject of the spec, or publishes would go nowhere.
 *
 * @throws LiveError when it is missing and may not be created, or takes other subjects.
 */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec, logger: Logger): Promise<void> {
  try {
    const info = await jsm.streams.info(spec.name);
    const have = info.config.subjects ?? [];
    const missing = spec.subjects.filter((s) => !have.some((h) => subjectCovers(h, s)));
    if (missing.length > 0)
      throw new LiveError(
        `stream ${spec.name} exists but does not take ${missing.join(', ')} (its subjects: ${have.join(', ')}); add them or use another stream`,
      );
    return;
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound))
      throw asLiveError(err, `stream ${spec.name}`);
  }
  const s = spec.settings;
  if (!s.create) throw new LiveError(`stream ${spec.name} does not exist (stream_settings.create is false)`);
  try {
    await jsm.streams.add({
      name: spec.name,
      subjects: [...spec.subjects],
      retention: RetentionPolicy.Limits,
      storage: s.storage === 'file' ? StorageType.File : StorageType.Memory,
      num_replicas: s.replicas,
      duplicate_window: parseTimeframe(s.duplicateWindow) * NS,
      ...(s.maxAge !== null ? { max_age: parseTimeframe(s.maxAge) * NS } : {}),
      ...(s.maxBytes !== null ? { max_bytes: s.maxBytes } : {}),
      ...(s.maxMsgsPerSubject !== null ? { max_msgs_per_subject: s.maxMsgsPerSubject } : {}),
    });
  } catch (err) {
    // Another process created it meanwhile (several publishers start together): fine.
    if (err instanceof JetStreamApiError && err.code === STREAM_NAME_IN_USE) return;
    throw asLiveError(err, `creating stream ${spec.name}`);
  }
  logger.info(
    { stream: spec.name, subjects: spec.subjects, duplicate_window: s.duplicateWindow },
    `nats: created stream ${spec.name}`,
  );
}

/** Whether the subject pattern `have` (`a.>`, `a.*.c`) matches every subject of `want`. */
export function subjectCovers(have: string, want: string): boolean {
  const h = have.split('.');
  const w = want.split('.');
  for (let i = 0; i < h.length; i++) {
    const t = h[i]!;
    if (t === '>') return i < w.length;
    const u = w[i];
    if (u === undefined || u === '>') return false;
    if (t !== '*' && (t !== u || u === '*')) return false;
  }
  return h.length === w.length;
}

/** An error of the NATS client as a one-line LiveError. */
export function asLiveError(err: unknown, what: string): LiveError {
  if (err instanceof LiveError) return err;
  return new LiveError(`${what}: ${reason(err)}`);
}

function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : undefined;
  return cause !== undefined && !err.message.includes(cause) ? `${err.message} (${cause})` : err.message;
}
