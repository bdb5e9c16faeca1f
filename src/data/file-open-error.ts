import { DataError } from './data-error.ts';

/** Error codes of node's fs that mean "the path does not lead to a readable file". */
const NOT_A_READABLE_FILE: Readonly<Record<string, string>> = {
  ENOENT: 'file not found',
  ENOTDIR: 'file not found (a part of the path is not a folder)',
  EISDIR: 'is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/**
 * Turns an fs error about opening the file into a `FILE_NOT_FOUND` {@link DataError} (row
 * 0: the file as a whole), or returns null when `err` is something else. A wrong path is
 * the user's mistake and must not surface as a stack trace.
 */
export function fileOpenError(err: unknown, file: string): DataError | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const what = NOT_A_READABLE_FILE[code];
  return what === undefined ? null : new DataError({ code: 'FILE_NOT_FOUND', file, row: 0, what });
}
