/**
 * Something that buffers output and must be drained before more input is read: the run
 * loop awaits `drained()` of every sink whose `needsDrain` is set before it pulls the next
 * chunk, so a slow disk or socket slows the reader instead of growing a queue. It lives
 * here, below containers, signals, results and live, because all of them write through it.
 */
export interface DrainableSink {
  readonly needsDrain: boolean;
  drained(): Promise<void>;
}
