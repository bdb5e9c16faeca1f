/** A user-facing problem with the queue (URL, reachability, data on a worker). */
export class QueueError extends Error {
  override readonly name = 'QueueError';
}
