import { SluiceError } from '../errors/sluice-error.ts';

/** A historical download failed (`sluice data fetch`): the message says why, in one line. */
export class DataFetchError extends SluiceError {
  readonly category = 'fetch';
  override readonly name = 'DataFetchError';
}
