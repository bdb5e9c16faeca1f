import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { DrainableSink } from '../../files/drainable-sink.ts';
import { LiveError } from '../../errors/live-error.ts';

/** What a publisher did. */
export interface PublisherCounters {
  /** Messages the stream stored (acked, not duplicates). */
  stored: number;
  /** Messages the stream acked as duplicates of a message id within its window: not stored again. */
  duplicates: number;
  /** Publishes sent again after a timeout or an error (with the same message id). */
  retries: number;
}

export interface PublisherOptions {
  /** Publishes awaiting their ack before `needsDrain` says wait. */
  readonly maxInFlight: number;
  readonly ackTimeoutMs: number;
  /** Attempts after the first; then the publisher fails. */
  readonly retries: number;
  readonly logger: Logger;
}

/**
 * Publishes to JetStream with a message id and awaits every ack, with a bounded number in
 * flight. `publish` never blocks; the caller (the live run's sequencer, the replay loop)
 * waits on `drained()` while `needsDrain` — the same back-pressure as every other sink —
 * so a slow or absent server slows the run down instead of growing a queue.
 *
 * A publish without an ack in time (a server restarting, a leader election) is sent again
 * with the same message id, so the stream stores it once however often it is tried.
 * After `retries` failures the publisher fails: `drained()` and `flush()` reject with a
 * {@link LiveError} and the run ends as failed, never silently short of messages.
 *
 * Messages of one subject are stored in the order they were published (one connection
 * keeps order); only a retried message can land after a later one of its subject.
 */
export class JetStreamPublisher implements DrainableSink {
  readonly counters: PublisherCounters = { stored: 0, duplicates: 0, retries: 0 };
  private inFlight = 0;
  private failure: LiveError | undefined;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly js: JetStreamClient,
    private readonly opts: PublisherOptions,
  ) {}

  /** Messages sent and not yet acked. */
  get pending(): number {
    return this.inFlight;
  }

  /** Why the publisher failed, once it has. */
  get error(): LiveError | undefined {
    return this.failure;
  }

  /** Sends one message; its ack is awaited in the background. */
  publish(subject: string, data: string, msgId: string): void {
    if (this.failure !== undefined) return;
    this.inFlight++;
    // In the background: attempt() catches every error itself, into `failure`, which
    // needsDrain, drained() and flush() report.
    void this.attempt(subject, data, msgId, 0);
  }

  get needsDrain(): boolean {
    return this.failure !== undefined || this.inFlight >= this.opts.maxInFlight;
  }

  /** Resolves once at most half the in-flight limit is pending (no thrashing at the limit); rejects on failure. */
  drained(): Promise<void> {
    return this.until(() => this.inFlight <= Math.floor(this.opts.maxInFlight / 2));
  }

  /** Resolves once every message sent is acked; rejects on failure. */
  flush(): Promise<void> {
    return this.until(() => this.inFlight === 0);
  }

  private until(done: () => boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): boolean => {
        if (this.failure !== undefined) reject(this.failure);
        else if (done()) resolve();
        else return false;
        return true;
      };
      if (check()) return;
      const waiter = (): void => {
        if (check()) this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      this.waiters.push(waiter);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private async attempt(subject: string, data: string, msgId: string, attempt: number): Promise<void> {
    try {
      const ack = await this.js.publish(subject, data, { msgID: msgId, timeout: this.opts.ackTimeoutMs });
      if (ack.duplicate) this.counters.duplicates++;
      else this.counters.stored++;
      this.inFlight--;
      this.wake();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (this.failure === undefined && attempt < this.opts.retries) {
        this.counters.retries++;
        const delay = Math.min(2000, 100 * 2 ** attempt);
        this.opts.logger.warn(
          { subject, msg_id: msgId, attempt: attempt + 1, delay_ms: delay },
          `nats: publish not acked (${why}); retrying in ${delay} ms`,
        );
        await new Promise((r) => setTimeout(r, delay));
        return this.attempt(subject, data, msgId, attempt + 1);
      }
      this.inFlight--;
      this.failure ??= new LiveError(
        `nats: publishing to ${subject} failed after ${attempt + 1} attempt${attempt === 0 ? '' : 's'}: ${why}`,
      );
      this.wake();
    }
  }
}
