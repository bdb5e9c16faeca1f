import { SluiceError } from '../errors/sluice-error.ts';

/** A user-facing problem with the queue (URL, reachability, data on a worker). */
export class QueueError extends SluiceError {
  readonly category = 'queue';
  override readonly name = 'QueueError';
}
