import { SluiceError } from '../errors/sluice-error.ts';

/**
 * A user-facing problem with `sluice query`: a folder that holds no results, SQL DuckDB
 * rejects, a view whose files this run did not write. The CLI prints the message (no
 * stack) and exits 1.
 */
export class QueryError extends SluiceError {
  readonly category = 'query';
  override readonly name = 'QueryError';
}
