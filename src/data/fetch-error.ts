/** A historical download failed (`sluice data fetch`): the message says why, in one line. */
export class DataFetchError extends Error {
  override readonly name = 'DataFetchError';
}
