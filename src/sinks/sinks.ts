import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { LiveSinkConfig } from '../config/schema/live.ts';
import { BroadcastServer } from '../transport/websocket/broadcast-server.ts';
import { NatsSink } from './nats-sink.ts';
import type { MessageSink } from './message-sink.ts';

export type { MessageSink } from './message-sink.ts';

/**
 * NDJSON on a writable stream (standard output). A closed pipe (`| head`) is not an
 * error of the run: the sink logs it once and stops writing.
 */
export class StreamSink implements MessageSink {
  readonly description: string;
  private broken = false;

  constructor(
    private readonly stream: Writable,
    private readonly logger: Logger,
    description = 'stdout',
  ) {
    this.description = description;
    stream.on('error', (err: Error) => {
      if (!this.broken)
        logger.warn({ err: err.message }, `${description}: cannot write (${err.message}); its output stops here`);
      this.broken = true;
    });
  }

  open(): Promise<void> {
    return Promise.resolve();
  }

  send(json: string): void {
    if (!this.broken) this.stream.write(`${json}\n`);
  }

  get needsDrain(): boolean {
    return !this.broken && this.stream.writableNeedDrain;
  }

  drained(): Promise<void> {
    if (!this.needsDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
  }

  async close(final?: string): Promise<void> {
    if (final !== undefined) this.send(final);
    await this.drained();
  }
}

/**
 * An NDJSON file, opened for appending (a restarted run adds to it) and written with one
 * system call per message: every line is in the file (in the OS) as soon as it is sent,
 * never held in a buffer a crash would lose. Parent folders are created.
 */
export class FileSink implements MessageSink {
  readonly description: string;
  readonly needsDrain = false;
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.description = path;
  }

  open(): Promise<void> {
    if (this.fd !== undefined) return Promise.resolve();
    mkdirSync(dirname(resolve(this.path)), { recursive: true });
    this.fd = openSync(this.path, 'a');
    return Promise.resolve();
  }

  send(json: string): void {
    if (this.fd !== undefined) writeSync(this.fd, `${json}\n`);
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  close(final?: string): Promise<void> {
    if (final !== undefined) this.send(final);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    return Promise.resolve();
  }
}

/** A WebSocket server consumers subscribe to: every message goes to every client. */
export class WebSocketSink implements MessageSink {
  private server: BroadcastServer | undefined;
  private shownUrl: string;

  constructor(
    private readonly listenUrl: string,
    private readonly logger: Logger,
    private readonly hello: () => string,
  ) {
    this.shownUrl = listenUrl;
  }

  get description(): string {
    return this.shownUrl;
  }

  /** The URL clients connect to (with the bound port), once open. */
  get url(): string {
    return this.server?.url ?? this.listenUrl;
  }

  /** Starts listening; a second call does nothing (a caller may open it early to learn the port). */
  async open(): Promise<void> {
    if (this.server !== undefined) return;
    this.server = await BroadcastServer.listen(this.listenUrl, {
      logger: this.logger,
      name: 'signal server',
      hello: this.hello,
    });
    this.shownUrl = this.server.url;
    this.logger.info({ url: this.server.url }, `signal server listening on ${this.server.url}`);
  }

  send(json: string): void {
    this.server?.send(json);
  }

  get needsDrain(): boolean {
    return this.server?.needsDrain ?? false;
  }

  drained(): Promise<void> {
    return this.server?.drained() ?? Promise.resolve();
  }

  async close(final?: string): Promise<void> {
    await this.server?.close(final);
  }
}

/** The sink a config entry (or a CLI flag) describes; a `store` sink is the signal sink's own writer (`withLiveStore`). */
export function createSink(
  cfg: Exclude<LiveSinkConfig, { type: 'store' }>,
  ctx: { logger: Logger; stdout: Writable; hello: () => string },
): MessageSink {
  switch (cfg.type) {
    case 'stdout':
      return new StreamSink(ctx.stdout, ctx.logger);
    case 'file':
      return new FileSink(cfg.path);
    case 'websocket':
      return new WebSocketSink(cfg.url, ctx.logger, ctx.hello);
    case 'nats':
      return new NatsSink(cfg, ctx.logger);
  }
}
