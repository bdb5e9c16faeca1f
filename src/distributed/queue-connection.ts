/**
 * `--queue redis://…`: reading the URL, checking the server answers, and handing BullMQ
 * the connection options it builds its own connections from (with ioredis, the driver
 * BullMQ is built and tested against).
 *
 * A bad URL or an unreachable server is a {@link QueueError}: one line for the user, not
 * a stack, and never a hang — the first connection has a timeout and is not retried.
 */
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { QueueError } from './queue-error.ts';

// QueueError is in a file of its own so the CLI can recognise it without loading ioredis.
export { QueueError };

/** What a connection needs, from the URL. */
interface ClientOptions {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: boolean;
  readonly connectTimeoutMs: number;
}

/** Where the queue lives, from `--queue`. */
export interface QueueTarget {
  /** The URL as given, password masked: for messages and logs. */
  readonly display: string;
  readonly client: ClientOptions;
}

/** Prefix of every BullMQ key Sluice writes (`sluice:<queue>:…`). */
export const KEY_PREFIX = 'sluice';

/**
 * Reads `redis://[user:password@]host[:port][/db]` or `rediss://…` (TLS).
 *
 * @throws QueueError naming what is wrong with the URL.
 */
export function parseQueueUrl(text: string, connectTimeoutMs = 5000): QueueTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new QueueError(`--queue: '${text}' is not a URL; write redis://HOST:PORT (or rediss:// for TLS)`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new QueueError(
      `--queue: '${text}' is not a Redis URL (${url.protocol}); write redis://HOST:PORT (or rediss:// for TLS)`,
    );
  }
  if (url.hostname === '') throw new QueueError(`--queue: '${text}' names no host; write redis://HOST:PORT`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0)
    throw new QueueError(`--queue: '${dbText}' in '${text}' is not a database number`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  const username = url.username === '' ? undefined : decodeURIComponent(url.username);
  const masked = new URL(url.href);
  if (masked.password !== '') masked.password = '***';
  return {
    display: masked.href.replace(/\/$/, ''),
    client: {
      host,
      port,
      db,
      connectTimeoutMs,
      ...(username !== undefined && password !== undefined ? { username } : {}),
      ...(password !== undefined ? { password } : username !== undefined ? { password: username } : {}),
      ...(url.protocol === 'rediss:' ? { tls: true } : {}),
    },
  };
}

/** The connection options BullMQ objects take for `target`. */
export function bullConnection(target: QueueTarget): RedisOptions {
  return { ...ioredisOptions(target.client), maxRetriesPerRequest: null };
}

function ioredisOptions(c: ClientOptions) {
  return {
    host: c.host,
    port: c.port,
    db: c.db,
    ...(c.username !== undefined ? { username: c.username } : {}),
    ...(c.password !== undefined ? { password: c.password } : {}),
    ...(c.tls === true ? { tls: {} } : {}),
    connectTimeout: c.connectTimeoutMs,
  };
}

/**
 * Opens one connection and sends PING, so that a wrong host, port, password or a server
 * that is down is reported in one line before any BullMQ object retries in a loop (BullMQ's
 * own connections reconnect forever, which is right for a worker once it has started).
 *
 * @throws QueueError saying what failed.
 */
export async function checkReachable(target: QueueTarget): Promise<void> {
  const client = new Redis({
    ...ioredisOptions(target.client),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // The socket's error (ECONNREFUSED…) comes as an event; connect() only says the connection closed.
  let socketError: Error | undefined;
  client.on('error', (err: Error) => (socketError ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const cause = socketError ?? err;
    const reason = cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : String(cause);
    throw new QueueError(`cannot reach Redis at ${target.display}: ${reason}`);
  } finally {
    client.disconnect();
  }
}
