/**
 * Atomic file writes: a reader of a result file sees either the old complete file or the
 * new complete file, never a torn one, even when the process dies mid-write.
 *
 * The data goes to a temporary file in the target's own directory (rename is atomic only
 * within one file system), is fsynced so the rename cannot land before the data does, and
 * is then renamed over the target. On any failure the temporary file is removed.
 */

import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { asWriteError } from './results-write-error.ts';
import { toJson } from './stable-json.ts';

/**
 * A fresh temporary path next to `path`: `.<name>.<pid>.<random>.tmp` in the same
 * directory. The leading dot hides it from casual listings; pid and random part keep
 * concurrent writers (threads, processes) of the same target apart.
 */
export function tempPathFor(path: string): string {
  const random = randomBytes(4).toString('hex');
  return join(dirname(path), `.${basename(path)}.${process.pid}.${random}.tmp`);
}

/**
 * Writes `data` to `path` atomically, creating parent directories as needed.
 *
 * @throws ResultsWriteError when the folder or the disk refuses (a file in the way, no
 *   permission, a read-only or full disk), else the underlying fs error; the temporary
 *   file is gone by then and `path` untouched.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFileAtomicUnchecked(path, data);
  } catch (err) {
    throw asWriteError(err, path);
  }
}

async function writeFileAtomicUnchecked(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  let handle: FileHandle | undefined;
  try {
    // 'wx' refuses to follow or reuse an existing file under the temporary name.
    handle = await open(tmp, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    const closing = handle;
    handle = undefined;
    await closing.close();
    await rename(tmp, path);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/** Writes `value` to `path` atomically as result-file JSON (see `toJson`). */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, toJson(value));
}

/**
 * Synchronous {@link writeFileAtomic}, for exit and signal handlers where no further turn
 * of the event loop is guaranteed.
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  try {
    writeFileAtomicSyncUnchecked(path, data);
  } catch (err) {
    throw asWriteError(err, path);
  }
}

function writeFileAtomicSyncUnchecked(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    writeFileSync(fd, data);
    fsyncSync(fd);
    const closing = fd;
    fd = undefined;
    closeSync(closing);
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // The original error is the one worth reporting.
      }
    }
    try {
      rmSync(tmp, { force: true });
    } catch {
      // As above: keep the original error.
    }
    throw err;
  }
}

/** Synchronous {@link writeJsonAtomic}. */
export function writeJsonAtomicSync(path: string, value: unknown): void {
  writeFileAtomicSync(path, toJson(value));
}
