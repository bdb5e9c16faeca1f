/**
 * A results file that does not match its schema (written by another engine version,
 * edited by hand, cut short): which file, which field, what was expected.
 */
import type { z } from 'zod';
import { SluiceError } from '../../errors/sluice-error.ts';

/** A results file that is not what its schema says. `file` names it (with `:<line>` for an NDJSON row). */
export class ResultsFileError extends SluiceError {
  readonly category = 'results-file';
  override readonly name = 'ResultsFileError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

/** `a.b[2].c`: a zod issue path as a reader writes it. */
function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? '(the whole file)' : out;
}

/**
 * A union's "invalid input" says nothing of which field is wrong: the issue of the
 * alternative that matched furthest (its issue the deepest in the document) says it.
 */
function closestIssue(issue: z.core.$ZodIssue): { path: readonly PropertyKey[]; message: string } {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  let best: { path: readonly PropertyKey[]; message: string } = issue;
  for (const alternative of issue.errors) {
    const [inner] = alternative;
    if (inner === undefined) continue;
    const found = closestIssue(inner);
    if (found.path.length > best.path.length - issue.path.length)
      best = { path: [...issue.path, ...found.path], message: found.message };
  }
  return best;
}

/**
 * Parses `value` (JSON read from `file`) with `schema`.
 *
 * @throws ResultsFileError naming the file, the first wrong field and what it expected
 *   (with how many more issues there are), never a zod dump.
 */
export function parseResultsFile<S extends z.ZodType>(schema: S, value: unknown, file: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const [first, ...rest] = parsed.error.issues;
  const issue = first === undefined ? undefined : closestIssue(first);
  const detail = issue === undefined ? 'does not match its schema' : `${fieldPath(issue.path)}: ${issue.message}`;
  throw new ResultsFileError(
    file,
    `${detail}${rest.length > 0 ? ` (and ${rest.length} more issue${rest.length > 1 ? 's' : ''})` : ''} — not a results file of this engine version? (docs/results-reference.md)`,
  );
}
