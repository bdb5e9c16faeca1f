import { NdjsonWriter } from '../files/ndjson-writer.ts';
import type { TraceHeader, TraceRecord } from './trace-record.ts';

/**
 * Where a finished trace goes. The tracer writes the header, then every retained record
 * in trace_seq order, awaiting `drained()` whenever `needsDrain` says so, then commits.
 */
export interface TraceSink {
  readonly needsDrain: boolean;
  drained(): Promise<void>;
  writeHeader(header: TraceHeader): void;
  write(record: TraceRecord): void;
  /** Publishes what was written. */
  commit(): Promise<void>;
  /** Discards what was written (the trace could not be completed). */
  abort(): Promise<void>;
}

/** Keeps the trace in memory: for tests and embedding. */
export class MemoryTraceSink implements TraceSink {
  readonly needsDrain = false;
  header: TraceHeader | undefined;
  readonly records: TraceRecord[] = [];
  committed = false;

  drained(): Promise<void> {
    return Promise.resolve();
  }

  writeHeader(header: TraceHeader): void {
    this.header = header;
  }

  write(record: TraceRecord): void {
    this.records.push(record);
  }

  commit(): Promise<void> {
    this.committed = true;
    return Promise.resolve();
  }

  abort(): Promise<void> {
    this.records.length = 0;
    this.header = undefined;
    return Promise.resolve();
  }
}

/**
 * `trace.ndjson`: the header as the first line, then one record per line, written through
 * an {@link NdjsonWriter} (temporary file, renamed into place on commit), so a reader
 * never sees half a trace.
 */
export class NdjsonTraceSink implements TraceSink {
  private constructor(private readonly writer: NdjsonWriter) {}

  /** Opens `path` (creating its folder) for writing. */
  static async open(path: string): Promise<NdjsonTraceSink> {
    return new NdjsonTraceSink(await NdjsonWriter.open(path));
  }

  /** The final path of the file. */
  get path(): string {
    return this.writer.path;
  }

  get needsDrain(): boolean {
    return this.writer.needsDrain;
  }

  drained(): Promise<void> {
    return this.writer.drained();
  }

  writeHeader(header: TraceHeader): void {
    this.writer.write(header);
  }

  write(record: TraceRecord): void {
    this.writer.write(record);
  }

  commit(): Promise<void> {
    return this.writer.commit();
  }

  abort(): Promise<void> {
    return this.writer.abort();
  }
}
