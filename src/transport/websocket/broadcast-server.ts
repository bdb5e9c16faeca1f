import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import WebSocket, { WebSocketServer } from 'ws';
import { LiveError } from '../../errors/live-error.ts';

/** What corking needs of a client's socket. */
interface CorkableSocket {
  cork(): void;
  uncork(): void;
  readonly destroyed: boolean;
}

/** Options of {@link BroadcastServer.listen}. */
export interface BroadcastServerOptions {
  readonly logger: Logger;
  /** What the server is, for logs: 'replay feed', 'signal server'. */
  readonly name: string;
  /** The first message every client gets when it connects. */
  readonly hello?: () => string;
  /**
   * Bytes a client may have queued unsent before `needsDrain` turns true (default 1 MiB);
   * `drained()` resolves when every client is below half of it.
   */
  readonly highWaterMark?: number;
}

/**
 * The host and port of a `ws://host:port` URL to listen on; port 0 picks a free one.
 *
 * @throws LiveError when it is not such a URL.
 */
export function listenAddress(url: string): { host: string; port: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new LiveError(`'${url}' is not a URL: expected ws://host:port, e.g. ws://127.0.0.1:8765`);
  }
  if (u.protocol !== 'ws:' || u.port === '' || u.hostname === '') {
    throw new LiveError(
      `'${url}': expected ws://host:port with an explicit port (0: any free port), e.g. ws://127.0.0.1:8765`,
    );
  }
  return { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(u.port) };
}

/**
 * A WebSocket server that sends every message to every connected client: the replay
 * feed's transport and the live signal server. It is a drainable sink: `needsDrain` is
 * true while some client has more than `highWaterMark` bytes queued (a slow consumer),
 * and `drained()` waits until all are below half of it — so the producer slows down to
 * the pace of the slowest client instead of buffering without bound.
 */
export class BroadcastServer {
  /** The URL clients connect to, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  /** Messages sent (once per message, however many clients). */
  sent = 0;
  private readonly hwm: number;
  private readonly waiters = new Set<() => void>();
  private closing = false;
  private corked = false;
  /** Resolves once the server has stopped listening. */
  private readonly closed: Promise<void>;

  private constructor(
    private readonly wss: WebSocketServer,
    private readonly opts: BroadcastServerOptions,
  ) {
    const addr = wss.address() as AddressInfo;
    this.port = addr.port;
    this.url = `ws://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
    this.hwm = opts.highWaterMark ?? 1024 * 1024;
    this.closed = new Promise<void>((resolve) => wss.once('close', () => resolve()));
    wss.on('connection', (ws, req) => {
      ws.on('error', (err) => opts.logger.warn({ err: err.message }, `${opts.name}: client error`));
      ws.on('close', () => this.notify());
      if (this.closing) {
        ws.close(1001, 'server closing');
        return;
      }
      opts.logger.info({ client: req.socket.remoteAddress, clients: this.clients }, `${opts.name}: client connected`);
      if (opts.hello !== undefined) ws.send(opts.hello());
      this.notify();
    });
  }

  /** Starts a server on `url` (ws://host:port) and resolves once it listens. */
  static async listen(url: string, opts: BroadcastServerOptions): Promise<BroadcastServer> {
    const { host, port } = listenAddress(url);
    const wss = new WebSocketServer({ host, port, perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', (err) => reject(new LiveError(`${opts.name}: cannot listen on ${url}: ${err.message}`)));
    });
    wss.on('error', (err) => opts.logger.error({ err: err.message }, `${opts.name}: server error`));
    return new BroadcastServer(wss, opts);
  }

  /** Clients connected now. */
  get clients(): number {
    let n = 0;
    for (const ws of this.wss.clients) if (ws.readyState === WebSocket.OPEN) n++;
    return n;
  }

  /**
   * Sends one message to every open client. Messages sent in one turn of the event loop
   * go out together: each client's socket is corked at the first and uncorked on the next
   * tick, so a burst costs one write per client instead of one per message (a paced feed,
   * one message per turn, is not delayed).
   */
  send(text: string): void {
    this.sent++;
    if (!this.corked) this.cork();
    for (const ws of this.wss.clients) if (ws.readyState === WebSocket.OPEN) ws.send(text);
  }

  private cork(): void {
    const sockets: CorkableSocket[] = [];
    for (const ws of this.wss.clients) {
      // ws keeps its net.Socket in `_socket` and offers no public cork.
      const socket = (ws as unknown as { _socket?: CorkableSocket })._socket;
      if (ws.readyState === WebSocket.OPEN && typeof socket?.cork === 'function') {
        socket.cork();
        sockets.push(socket);
      }
    }
    this.corked = true;
    process.nextTick(() => {
      this.corked = false;
      for (const socket of sockets) if (!socket.destroyed) socket.uncork();
    });
  }

  get needsDrain(): boolean {
    for (const ws of this.wss.clients)
      if (ws.readyState === WebSocket.OPEN && ws.bufferedAmount > this.hwm) return true;
    return false;
  }

  /** Resolves when every open client has less than half the high-water mark queued (or has gone). */
  async drained(): Promise<void> {
    const low = this.hwm / 2;
    const behind = (): boolean =>
      [...this.wss.clients].some((ws) => ws.readyState === WebSocket.OPEN && ws.bufferedAmount > low);
    // ws offers no per-client drain event: poll at a short interval while someone is behind.
    while (behind()) await new Promise((resolve) => setTimeout(resolve, 2));
  }

  /**
   * Resolves true once at least `n` clients are connected, false when `signal` aborts
   * first (or the server closes).
   */
  async waitForClients(n: number, signal?: AbortSignal): Promise<boolean> {
    while (this.clients < n) {
      if (signal?.aborted === true || this.closing) return false;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.waiters.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
    return true;
  }

  /**
   * Sends `final` (if given) to every client, closes their connections (waiting up to
   * `graceMs` for the close handshake, then cutting them off) and stops listening.
   */
  async close(final?: string, graceMs = 2000): Promise<void> {
    if (this.closing) {
      await this.closed;
      return;
    }
    this.closing = true;
    this.notify();
    if (final !== undefined) this.send(final);
    const clients = [...this.wss.clients];
    const kills: ReturnType<typeof setTimeout>[] = [];
    await Promise.all(
      clients.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve();
            kills.push(setTimeout(() => ws.terminate(), graceMs));
            ws.once('close', () => resolve());
            ws.close(1000, 'end of stream');
          }),
      ),
    );
    for (const k of kills) clearTimeout(k);
    this.wss.close();
    await this.closed;
  }

  /** Cuts every connection at once (no close handshake, nothing more sent) and stops listening. */
  async terminate(): Promise<void> {
    const wasClosing = this.closing;
    this.closing = true;
    this.notify();
    for (const ws of this.wss.clients) ws.terminate();
    if (!wasClosing) this.wss.close();
    await this.closed;
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}
