/**
 * A Parquet file written row group by row group, published atomically.
 *
 * hyparquet-writer's `ParquetWriter` writes a file incrementally: each `write()` encodes
 * row groups and hands their bytes to the `Writer`, and `finish()` appends the footer.
 * Here the Writer is a growable byte buffer whose `flush()` (called after every row group)
 * takes the group's bytes out and queues them for the temporary file, so at most one row
 * group's column buffers and one encoded row group are in memory, however many rows the
 * file gets.
 *
 * Rows are appended one at a time into typed column buffers; every `rowGroupRows` rows
 * the buffers are encoded as one row group. The bytes go to `.<name>.<pid>.<random>.tmp`
 * next to the final path; `finish()` writes the footer and fsyncs, `publish()` renames it
 * into place. Until then readers of the final path see the previous file or none.
 */
import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ByteWriter, ParquetWriter, type ColumnSource, type KeyValue, type SchemaElement } from 'hyparquet-writer';
import { tempPathFor } from './atomic-write.ts';
import type { DrainableSink } from './drainable-sink.ts';

/** Physical column kinds of a Parquet table. */
export type ColumnKind = 'int32' | 'int64' | 'timestamp_ms' | 'double' | 'string';

/** One column of a Parquet table: a field of the row type R. */
export interface ColumnDef<R> {
  readonly name: keyof R & string;
  readonly kind: ColumnKind;
  /** Delta encoding (DELTA_BINARY_PACKED) for the rising integer columns; else the writer's choice (dictionary when it pays, plain). */
  readonly delta?: boolean;
  /**
   * An OPTIONAL column whose rows may hold null (only `double` columns: a null is kept as
   * NaN in the column buffer, so a real NaN cannot be stored in such a column).
   */
  readonly optional?: boolean;
}

/** One Parquet file as committed: its name, size and SHA-256 (a signal store records one per table). */
export interface ParquetFileInfo {
  readonly file: string;
  readonly rows: number;
  readonly row_groups: number;
  readonly bytes: number;
  /** SHA-256 of the file's bytes, computed while writing. */
  readonly sha256: string;
}

/** Options of a {@link ParquetTableWriter}. */
export interface ParquetTableOptions {
  /** Rows per row group (the flush unit). */
  readonly rowGroupRows: number;
  /** Key-value metadata for the footer. */
  readonly kvMetadata?: readonly KeyValue[];
  /** `created_by` of the footer. */
  readonly createdBy?: string;
}

function schemaElement(def: { name: string; kind: ColumnKind; optional?: boolean }): SchemaElement {
  const required = {
    name: def.name,
    repetition_type: def.optional === true ? ('OPTIONAL' as const) : ('REQUIRED' as const),
  };
  switch (def.kind) {
    case 'int32':
      return { ...required, type: 'INT32' };
    case 'int64':
      return { ...required, type: 'INT64' };
    case 'timestamp_ms':
      return {
        ...required,
        type: 'INT64',
        converted_type: 'TIMESTAMP_MILLIS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
      };
    case 'double':
      return { ...required, type: 'DOUBLE' };
    case 'string':
      return { ...required, type: 'BYTE_ARRAY', converted_type: 'UTF8' };
  }
}

/**
 * hyparquet-writer's byte buffer, drained into a queue after every row group instead of
 * growing with the file.
 */
class QueueingWriter extends ByteWriter {
  constructor(private readonly take: (bytes: Uint8Array) => void) {
    super(1 << 16);
  }
  flush(): void {
    if (this.index === 0) return;
    this.take(new Uint8Array(this.buffer, 0, this.index).slice());
    this.index = 0;
  }
  override finish(): void {
    this.flush();
  }
}

type Column = Float64Array | Int32Array | string[];

/**
 * One Parquet table streamed to a temporary file (see the module comment). A
 * {@link DrainableSink}: `needsDrain` is true while encoded row groups wait to be written,
 * so the data source pauses (backpressure) instead of piling them up.
 *
 * Lifecycle: `open` → `append`… → `finish()` → `publish()`, or `abort()` at any point
 * (deletes the temporary file; a no-op after publish).
 */
export class ParquetTableWriter<R> implements DrainableSink {
  readonly path: string;
  readonly tempPath: string;
  private readonly handle: FileHandle;
  private readonly defs: readonly ColumnDef<R>[];
  private readonly writer: ParquetWriter;
  private readonly rowGroupRows: number;
  private readonly columns: Column[];
  private readonly hash: Hash = createHash('sha256');
  private buffered = 0;
  private rowsWritten = 0;
  private groups = 0;
  private bytes = 0;
  /** Chain of pending file writes, in order. */
  private writing: Promise<void> = Promise.resolve();
  private pendingWrites = 0;
  private error: unknown;
  private state: 'open' | 'finished' | 'published' | 'aborted' = 'open';
  private closed = false;

  private constructor(
    path: string,
    tempPath: string,
    handle: FileHandle,
    defs: readonly ColumnDef<R>[],
    opts: ParquetTableOptions,
  ) {
    this.path = path;
    this.tempPath = tempPath;
    this.handle = handle;
    this.defs = defs;
    this.rowGroupRows = Math.max(1, Math.floor(opts.rowGroupRows));
    this.columns = defs.map((d) => newColumn(d.kind, this.rowGroupRows));
    const schema: SchemaElement[] = [{ name: 'root', num_children: defs.length }, ...defs.map(schemaElement)];
    this.writer = new ParquetWriter({
      writer: new QueueingWriter((bytes) => this.enqueue(bytes)),
      schema,
      codec: 'SNAPPY',
      statistics: true,
      ...(opts.kvMetadata !== undefined ? { kvMetadata: [...opts.kvMetadata] } : {}),
      ...(opts.createdBy !== undefined ? { createdBy: opts.createdBy } : {}),
    });
  }

  /** Creates the temporary file next to `path` (and the folders up to it). */
  static async open<R>(
    path: string,
    defs: readonly ColumnDef<R>[],
    opts: ParquetTableOptions,
  ): Promise<ParquetTableWriter<R>> {
    await mkdir(dirname(path), { recursive: true });
    const tempPath = tempPathFor(path);
    const handle = await open(tempPath, 'wx');
    try {
      return new ParquetTableWriter(path, tempPath, handle, defs, opts);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await rm(tempPath, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  /** Rows appended so far. */
  get rows(): number {
    return this.rowsWritten + this.buffered;
  }

  get needsDrain(): boolean {
    return this.pendingWrites > 0;
  }

  /** Resolves once every encoded row group is in the file; rejects with a write error. */
  async drained(): Promise<void> {
    await this.writing;
    if (this.error !== undefined) throw this.error;
  }

  /**
   * Appends one row (a value for every column, by name). Encodes a row group when the
   * buffers are full.
   *
   * @throws Error after finish/abort.
   */
  append(row: R): void {
    if (this.state !== 'open') throw new Error(`ParquetTableWriter ${this.path}: append after ${this.state}`);
    const i = this.buffered;
    const defs = this.defs;
    for (let c = 0; c < defs.length; c++) {
      const v = (row as Record<string, unknown>)[defs[c]!.name];
      (this.columns[c] as { [k: number]: unknown })[i] = v === null ? Number.NaN : v;
    }
    this.buffered = i + 1;
    if (this.buffered >= this.rowGroupRows) this.flushGroup();
  }

  /**
   * Writes the buffered rows as a row group, the footer, waits for the file and fsyncs it.
   * The file is still under its temporary name: {@link publish} renames it.
   *
   * @throws the I/O error (the temporary file is removed then).
   */
  async finish(): Promise<ParquetFileInfo> {
    if (this.state !== 'open') throw new Error(`ParquetTableWriter ${this.path}: finish after ${this.state}`);
    try {
      this.flushGroup();
      // The footer. Our QueueingWriter's finish() is synchronous (it queues the bytes) and
      // returns undefined; awaited anyway so that a promise from it could not lose its
      // rejection, after the state change so that an append meanwhile still throws.
      const footer = this.writer.finish();
      this.state = 'finished';
      await footer;
      await this.drained();
      await this.handle.sync();
      await this.close();
    } catch (err) {
      await this.abort();
      throw err;
    }
    return {
      file: this.path,
      rows: this.rowsWritten,
      row_groups: this.groups,
      bytes: this.bytes,
      sha256: this.hash.digest('hex'),
    };
  }

  /** Renames the finished file into place. */
  async publish(): Promise<void> {
    if (this.state !== 'finished') throw new Error(`ParquetTableWriter ${this.path}: publish after ${this.state}`);
    await rename(this.tempPath, this.path);
    this.state = 'published';
  }

  /** Discards the file: closes and deletes the temporary file. A no-op once published. */
  async abort(): Promise<void> {
    if (this.state === 'published' || this.state === 'aborted') return;
    this.state = 'aborted';
    await this.writing.catch(() => undefined);
    await this.close().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  private flushGroup(): void {
    const n = this.buffered;
    if (n === 0) return;
    const columnData: ColumnSource[] = this.defs.map((d, c) => ({
      name: d.name,
      data:
        d.optional === true
          ? nullsForNaN(this.columns[c] as Float64Array, n)
          : columnSlice(d.kind, this.columns[c]!, n),
      ...(d.delta === true ? { encoding: 'DELTA_BINARY_PACKED' as const } : {}),
    }));
    this.buffered = 0;
    this.rowsWritten += n;
    this.groups++;
    // Synchronous: our Writer's flush queues the bytes and returns nothing.
    void this.writer.write({ columnData, rowGroupSize: n });
  }

  private enqueue(bytes: Uint8Array): void {
    this.hash.update(bytes);
    this.bytes += bytes.length;
    this.pendingWrites++;
    this.writing = this.writing.then(async () => {
      try {
        if (this.error === undefined) await writeAll(this.handle, bytes);
      } catch (err) {
        this.error ??= err;
      } finally {
        this.pendingWrites--;
      }
    });
  }
}

function newColumn(kind: ColumnKind, n: number): Column {
  switch (kind) {
    case 'int32':
      return new Int32Array(n);
    case 'int64':
    case 'timestamp_ms':
    case 'double':
      return new Float64Array(n);
    case 'string':
      return new Array<string>(n);
  }
}

/** The first `n` values of a buffer, as hyparquet-writer takes them for the column's type. */
function columnSlice(kind: ColumnKind, col: Column, n: number): ColumnSource['data'] {
  switch (kind) {
    case 'int32':
      return (col as Int32Array).slice(0, n);
    case 'int64':
    case 'timestamp_ms': {
      // Whole milliseconds: a timestamp read from micro- or nanosecond data keeps only them.
      const src = col as Float64Array;
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt(Math.floor(src[i]!));
      return out;
    }
    case 'double':
      return (col as Float64Array).slice(0, n);
    case 'string':
      return (col as string[]).slice(0, n);
  }
}

/** The first `n` values of an optional double column, NaN (how a null is buffered) as null. */
function nullsForNaN(col: Float64Array, n: number): (number | null)[] {
  const out = new Array<number | null>(n);
  for (let i = 0; i < n; i++) {
    const v = col[i]!;
    out[i] = Number.isNaN(v) ? null : v;
  }
  return out;
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}
