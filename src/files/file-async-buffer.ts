import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AsyncBuffer } from 'hyparquet';

/** An hyparquet {@link AsyncBuffer} over one open file, with the means to close it. */
export interface FileAsyncBuffer extends AsyncBuffer {
  /** Closes the file; waits for reads in flight. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Opens `file` once and serves hyparquet's byte-range reads from that handle.
 *
 * hyparquet's own `asyncBufferFromFile` opens a new stream for every slice, which leaves
 * no single handle to close when a read is abandoned midway; one handle makes `close()`
 * of a source a real release. Rejects with node's error (ENOENT…) when it cannot open.
 */
export async function openFileAsyncBuffer(file: string): Promise<FileAsyncBuffer> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    // As in close(): let the failed open's request go before the caller looks.
    await nextTurn();
    throw err;
  }
  let size: number;
  try {
    size = (await handle.stat()).size;
  } catch (err) {
    await handle.close();
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    byteLength: size,
    async slice(start: number, end: number = size): Promise<ArrayBuffer> {
      const length = Math.max(0, Math.min(end, size) - start);
      const bytes = new Uint8Array(length);
      let done = 0;
      // A read may return fewer bytes than asked; keep going until the range is complete.
      while (done < length) {
        const { bytesRead } = await handle.read(bytes, done, length - done, start + done);
        if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${start + done} of ${size}`);
        done += bytesRead;
      }
      return bytes.buffer;
    },
    close(): Promise<void> {
      // The close promise settles inside fs's close callback, whose request counts as
      // active until it returns; one more turn lets it go, so a caller looking for open
      // handles right after close() finds none.
      closing ??= handle.close().then(() => nextTurn());
      return closing;
    },
  };
}
