/**
 * Streams records to an NDJSON file (one JSON object per line) without ever exposing a
 * half-written file under its final name.
 *
 * Lines go to a temporary file next to the final path (`.<name>.<pid>.<random>.tmp`) and
 * the file is renamed into place only by `commit()`, after its data has been fsynced. A
 * crash leaves at most a hidden temporary file; a reader of `trades.ndjson` always sees a
 * complete file.
 *
 * Writes are cheap and never block: lines are concatenated in memory and handed to the
 * file stream in chunks of `bufferSize` characters. Memory stays bounded because the
 * producer honours backpressure: when `needsDrain` is true it awaits `drained()` before
 * writing more (the historical data source does this between chunks).
 */

import type { WriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempPathFor } from './atomic-write.ts';
import { asWriteError } from './results-write-error.ts';
import { toJsonLine } from './stable-json.ts';

/** Tuning of an {@link NdjsonWriter}. */
export interface NdjsonWriterOptions {
  /**
   * Characters collected in memory before they are handed to the file stream as one
   * chunk (≈ bytes for ASCII JSON). Default 64 KiB: few, large writes.
   */
  readonly bufferSize?: number;
  /** The file stream's highWaterMark in bytes, the threshold of `needsDrain`. Default 1 MiB. */
  readonly highWaterMark?: number;
}

const DEFAULT_BUFFER_SIZE = 64 * 1024;
const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;

/** open → (commit | abort); `closing` while a commit is in flight. */
type WriterState = 'open' | 'closing' | 'committed' | 'aborted';

/**
 * An NDJSON file written through a temporary file and renamed into place on commit.
 *
 * Lifecycle: `open` → any number of `write` → `commit()` (publish what was written, also
 * after a failed run: the caller marks the partial results as failed elsewhere) or
 * `abort()` (delete it). After either, no file descriptor stays open. `abort()` after a
 * commit is a no-op, so a `finally { await writer.abort() }` is always safe.
 *
 * I/O errors (disk full…) never throw from `write`; they reject `drained()` and `commit()`,
 * and lines written after the error are dropped (the file cannot be completed anyway).
 */
export class NdjsonWriter {
  /** The final path, which exists only after a successful commit. */
  readonly path: string;
  /** The temporary file the lines go to until commit. */
  readonly tempPath: string;

  private readonly handle: FileHandle;
  private readonly stream: WriteStream;
  private readonly bufferSize: number;
  private pending = '';
  private lines = 0;
  private state: WriterState = 'open';
  private error: Error | undefined;
  private committing: Promise<void> | undefined;
  private released: Promise<void> | undefined;

  private constructor(path: string, tempPath: string, handle: FileHandle, options: NdjsonWriterOptions) {
    this.path = path;
    this.tempPath = tempPath;
    this.handle = handle;
    this.bufferSize = options.bufferSize ?? DEFAULT_BUFFER_SIZE;
    // autoClose: false keeps the descriptor open after the stream finishes, so commit can
    // fsync it before closing.
    this.stream = handle.createWriteStream({
      autoClose: false,
      highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
    });
    // Always listen: an unhandled 'error' event would crash the process.
    this.stream.on('error', (err: Error) => {
      this.error ??= asWriteError(err, path) as Error;
    });
  }

  /**
   * Creates the temporary file next to `path` (making parent directories as needed) and
   * returns a writer for it.
   */
  static async open(path: string, options: NdjsonWriterOptions = {}): Promise<NdjsonWriter> {
    const tempPath = tempPathFor(path);
    let handle: FileHandle;
    try {
      await mkdir(dirname(path), { recursive: true });
      handle = await open(tempPath, 'wx');
    } catch (err) {
      throw asWriteError(err, path);
    }
    try {
      return new NdjsonWriter(path, tempPath, handle, options);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await rm(tempPath, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  /** Number of lines written so far. */
  get count(): number {
    return this.lines;
  }

  /**
   * True when the file stream holds more than its highWaterMark: the producer should await
   * `drained()` before writing more. Also true once a write failed (a full disk…), so the
   * producer's `drained()` rejects with the error at its next check rather than the run
   * computing every bar before `commit()` finds out.
   */
  get needsDrain(): boolean {
    return this.error !== undefined || this.stream.writableNeedDrain;
  }

  /**
   * Appends `obj` as one line (see `toJsonLine`: non-finite numbers as null).
   *
   * @throws TypeError when `obj` cannot be written as JSON (nothing is written then);
   *   Error when the writer was already committed or aborted (a bug in the caller).
   */
  write(obj: unknown): void {
    if (this.state !== 'open') {
      throw new Error(`NdjsonWriter ${this.path}: write after ${this.state}`);
    }
    this.pending += toJsonLine(obj);
    this.lines++;
    if (this.pending.length >= this.bufferSize) this.flush();
  }

  /**
   * Appends one line the caller has already serialized (without its newline): for hot
   * rows whose shape is fixed and known to be valid JSON, where `write`'s generic
   * serializer would dominate the cost.
   */
  writeLine(json: string): void {
    if (this.state !== 'open') {
      throw new Error(`NdjsonWriter ${this.path}: write after ${this.state}`);
    }
    this.pending += json + '\n';
    this.lines++;
    if (this.pending.length >= this.bufferSize) this.flush();
  }

  /**
   * Resolves when the file stream can take more (at once when it already can); rejects
   * with the stream's I/O error if it failed.
   */
  drained(): Promise<void> {
    if (this.error !== undefined) return Promise.reject(this.error);
    const stream = this.stream;
    if (!stream.writableNeedDrain || stream.destroyed) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        stream.off('drain', onDrain);
        stream.off('close', onDrain);
        stream.off('error', onError);
      };
      // 'close' too: after an abort nothing more will drain, and waiting would hang.
      const onDrain = (): void => {
        cleanup();
        resolve();
      };
      const onError = (err: Error): void => {
        cleanup();
        reject(err);
      };
      stream.on('drain', onDrain);
      stream.on('close', onDrain);
      stream.on('error', onError);
    });
  }

  /**
   * Flushes every line, fsyncs and closes the temporary file and renames it to `path`.
   * Usable after a failed run too: it publishes whatever was written.
   *
   * @throws the I/O error if writing failed (the temporary file is removed, `path` is not
   *   created); Error when called twice or after `abort()`.
   */
  commit(): Promise<void> {
    if (this.state !== 'open') {
      return Promise.reject(new Error(`NdjsonWriter ${this.path}: commit after ${this.state}`));
    }
    this.state = 'closing';
    this.committing = this.doCommit();
    return this.committing;
  }

  /**
   * Discards everything: closes and deletes the temporary file. A no-op after `commit()`
   * (or a second `abort()`); waits for a commit in flight to settle first.
   */
  async abort(): Promise<void> {
    if (this.state === 'closing') {
      await this.committing?.catch(() => undefined);
    }
    if (this.state !== 'open') return;
    this.state = 'aborted';
    this.pending = '';
    try {
      await this.release();
    } finally {
      await rm(this.tempPath, { force: true });
    }
  }

  private async doCommit(): Promise<void> {
    try {
      this.flush();
      if (this.error !== undefined) throw this.error;
      await endStream(this.stream);
      if (this.error !== undefined) throw this.error;
      await this.handle.sync();
      await this.release();
      await rename(this.tempPath, this.path);
      this.state = 'committed';
    } catch (err) {
      this.state = 'aborted';
      await this.release().catch(() => undefined);
      await rm(this.tempPath, { force: true }).catch(() => undefined);
      throw asWriteError(err, this.path);
    }
  }

  /** Hands the in-memory lines to the file stream; drops them once the stream has failed. */
  private flush(): void {
    if (this.pending === '') return;
    if (this.error === undefined) this.stream.write(this.pending);
    this.pending = '';
  }

  /**
   * Destroys the stream and closes the descriptor, once. Destroying an fs stream closes
   * its descriptor whatever `autoClose` says (that option only decides whether it happens
   * by itself after 'finish'); the explicit `close()` after it is then a no-op, kept so the
   * handle is released even if that changes. The order matters: the stream holds a
   * reference on the FileHandle, and `close()` before the stream is gone waits forever.
   */
  private release(): Promise<void> {
    this.released ??= (async () => {
      const stream = this.stream;
      if (!stream.closed) {
        const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
        stream.destroy();
        await closed;
      }
      await this.handle.close();
    })();
    return this.released;
  }
}

/** Ends `stream` and resolves once everything written has reached the file. */
function endStream(stream: WriteStream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
  });
}
