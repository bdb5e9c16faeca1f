import { SluiceError } from '../errors/sluice-error.ts';
import { dirname } from 'node:path';

/** What an fs error code means to someone choosing a results folder. */
const REASONS: Readonly<Record<string, string>> = {
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file of that name is in the way (a folder is needed)',
  EISDIR: 'a folder of that name is in the way',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for this file system',
  ENAMETOOLONG: 'name too long',
};

/**
 * A results file that cannot be written (a file where a folder is needed, no permission,
 * a read-only or full disk): a problem of the machine or the chosen folder, not a bug in
 * the engine, so the CLI prints it plainly and exits 1.
 */
export class ResultsWriteError extends SluiceError {
  readonly category = 'results-write';
  constructor(
    /** The folder that could not be written to. */
    readonly dir: string,
    readonly reason: string,
    options?: { cause: unknown },
  ) {
    super(`cannot write results to ${dir}: ${reason}`, options);
    this.name = 'ResultsWriteError';
  }
}

/**
 * The error to throw for a failed write of `file`: a {@link ResultsWriteError} for the fs
 * errors a folder or a disk causes, else `err` itself.
 */
export function asWriteError(err: unknown, file: string): unknown {
  if (err instanceof ResultsWriteError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || REASONS[code] === undefined) return err;
  return new ResultsWriteError(dirname(file), `${REASONS[code]} (${code})`, { cause: err });
}
