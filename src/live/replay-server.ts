import type { Logger } from 'pino';
import type { BarSource } from '../data/bar-source.ts';
import { BroadcastServer } from '../transport/websocket/broadcast-server.ts';
import { replay, replayHello, type ReplayOutput, type ReplayResult, type ReplaySpeed } from './replay.ts';

export interface ReplayServerOptions {
  readonly source: BarSource;
  /** ws://host:port to listen on; port 0 picks a free one (see `url`). */
  readonly listen: string;
  readonly speed: ReplaySpeed;
  readonly logger: Logger;
  /** Clients to wait for before the first bar (default 1; 0: start at once). */
  readonly waitClients?: number;
  /** Pause while no client is connected (after the first wait; default true). */
  readonly pause?: boolean;
  readonly maxWaitMs?: number;
  /** Abort to stop: the end message says `interrupted`. */
  readonly signal?: AbortSignal;
  readonly onBar?: (sent: number) => void;
  /** Bytes a client may have queued before the replay waits for it (default 1 MiB). */
  readonly highWaterMark?: number;
}

/** A running replay feed on a WebSocket server. */
export interface ReplayServer {
  /** ws://host:port clients connect to (the bound port). */
  readonly url: string;
  readonly port: number;
  /** Resolves once the end message is sent and every client is closed. */
  readonly done: Promise<ReplayResult>;
  /**
   * Simulates a crash: cuts every connection at once, without an end message, and stops
   * listening (clients see a dropped connection and reconnect). Resolves once closed.
   */
  kill(): Promise<void>;
}

/**
 * Serves a replay on a WebSocket server (`sluice replay --to ws://…`): every connected
 * client gets the `hello`, then every bar and the `end` message. The replay waits for
 * `waitClients` clients before the first bar and, with `pause`, while no client is
 * connected, so a client that reconnects misses nothing; the slowest client sets the pace
 * at max speed (its queued bytes are the backpressure).
 */
export async function startReplayServer(opts: ReplayServerOptions): Promise<ReplayServer> {
  const server = await BroadcastServer.listen(opts.listen, {
    logger: opts.logger,
    name: 'replay feed',
    hello: () => replayHello(opts.source, opts.speed),
    ...(opts.highWaterMark !== undefined ? { highWaterMark: opts.highWaterMark } : {}),
  });
  const waitClients = opts.waitClients ?? 1;
  const pause = opts.pause ?? true;
  const { logger } = opts;
  let started = false;
  const output: ReplayOutput = {
    send: (text) => server.send(text),
    get needsDrain() {
      return server.needsDrain;
    },
    drained: () => server.drained(),
    ready: (signal) => {
      if (started && (!pause || waitClients === 0 || server.clients > 0)) return true;
      const wanted = started ? 1 : waitClients;
      if (server.clients >= wanted) {
        started = true;
        return true;
      }
      logger.info(
        { url: server.url, clients: server.clients },
        started
          ? 'no client connected: replay paused until one connects'
          : `waiting for ${wanted} client${wanted === 1 ? '' : 's'}`,
      );
      return server.waitForClients(wanted, signal).then((ok) => {
        if (ok)
          logger.info({ clients: server.clients }, started ? 'client connected: replay resumed' : 'replay started');
        started = true;
        return ok;
      });
    },
  };
  const done = replay({
    source: opts.source,
    speed: opts.speed,
    output,
    logger,
    ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
    ...(opts.maxWaitMs !== undefined ? { maxWaitMs: opts.maxWaitMs } : {}),
    ...(opts.onBar !== undefined ? { onBar: opts.onBar } : {}),
  }).finally(() => server.close());
  return { url: server.url, port: server.port, done, kill: () => server.terminate() };
}
