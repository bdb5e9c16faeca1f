import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { BarChunk } from './bar-source.ts';
import { CsvRowReader } from './csv-row-reader.ts';
import { DataError } from './data-error.ts';
import { FileBarSource } from './file-bar-source.ts';
import { fileOpenError } from './file-open-error.ts';

/** Bytes read from the file at a time: large enough that a read costs little per row. */
const READ_BLOCK = 1 << 20;
const BOM = [0xef, 0xbb, 0xbf] as const;

/** One pass over the file. */
interface CsvRead {
  handle: FileHandle | null;
  /** Set by close(): the pass ends quietly, whatever the reads report. */
  closed: boolean;
  closing: Promise<void> | null;
}

/**
 * Bars of one symbol from a CSV file with a header row.
 *
 * The file is read in blocks of {@link READ_BLOCK} bytes into one buffer, and
 * {@link CsvRowReader} turns the block's lines into bars straight from the bytes, so the
 * common row makes no string at all. The consumer pulls: the next block is read only when
 * the current one has no complete chunk left, so memory is one block and one chunk
 * whatever the file's size. A line longer than a block grows the buffer.
 *
 * Row numbers in errors are line numbers (header = line 1), blank lines and lines inside
 * quoted fields included. Checks and the bad-row policy are described in {@link BarIngest};
 * timestamps in {@link parseTimestamp}. Each call to `chunks()` reads the file anew.
 *
 * Why not a CSV library: csv-parse made a string per field and an array per row and
 * capped reading at about 200,000 rows/s; the parsers built for speed (udsv, papaparse,
 * d3-dsv) still make those strings, and the numbers and times are then parsed from them.
 * Scanning the bytes once and parsing numbers from them is several times faster (see
 * docs/performance.md for the measurements).
 *
 * @example
 * ```ts
 * const source = new CsvBarSource({ file: 'examples/data/SPY_5m.csv', symbol: 'SPY' });
 * for await (const chunk of source.chunks()) {
 *   for (let i = 0; i < chunk.length; i++) use(chunk.ts[i], chunk.close[i]);
 * }
 * ```
 */
export class CsvBarSource extends FileBarSource<CsvRead> {
  /** Reads the file from the top, one chunk per pull. */
  async *chunks(): AsyncGenerator<BarChunk, void, undefined> {
    const read: CsvRead = { handle: null, closed: false, closing: null };
    this.reads.add(read);
    const ingest = this.newIngest();
    const rows = new CsvRowReader(ingest, this.opts.columns, this.shownFile);
    try {
      const handle = await open(this.opts.file, 'r');
      if (read.closed) {
        // close() came while the file was opening and found no handle to close.
        await handle.close();
        return;
      }
      read.handle = handle;
      let buf = Buffer.allocUnsafe(READ_BLOCK);
      let pos = 0;
      let len = 0;
      let atStart = true;
      for (;;) {
        if (read.closed) return;
        const { bytesRead } = await handle.read(buf, len, buf.length - len, null);
        if (read.closed) return;
        len += bytesRead;
        const eof = bytesRead === 0;
        if (atStart && (len >= BOM.length || eof)) {
          atStart = false;
          if (BOM.every((b, i) => buf[i] === b)) pos = BOM.length;
        }
        if (!atStart) {
          for (;;) {
            pos = rows.read(buf, pos, len, eof);
            const chunk = rows.takeChunk();
            if (chunk === null) break;
            yield chunk;
            if (read.closed) return;
          }
        }
        if (eof || ingest.done) break;
        // Keep the line in progress at the front of the buffer; grow it for a line longer than a block.
        buf.copyWithin(0, pos, len);
        len -= pos;
        pos = 0;
        if (len === buf.length) {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, len);
          buf = bigger;
        }
      }
      rows.finish();
      const last = ingest.flush();
      if (last !== null) yield last;
    } catch (err) {
      if (read.closed) return;
      // The bars before a bad row are good: hand them on first, so the partial results
      // end at the last good bar rather than at the last full chunk.
      if (err instanceof DataError) {
        const good = ingest.flush();
        if (good !== null) yield good;
        throw err;
      }
      throw fileOpenError(err, this.shownFile) ?? err;
    } finally {
      await this.dispose(read);
    }
  }

  protected async dispose(read: CsvRead): Promise<void> {
    read.closed = true;
    // close() waits for a read in flight; a second dispose (close() mid-read, then the
    // pass's own finally) waits for the same close.
    read.closing ??= (read.handle?.close() ?? Promise.resolve()).then(() => nextTurn());
    await read.closing;
    this.reads.delete(read);
  }
}
