/**
 * Progress of a distributed sweep: jobs done of total, failed and stalled, and an ETA.
 * The coordinator draws it on a TTY (through progress.ts's renderer) or logs it every few
 * seconds otherwise, and stores a snapshot in the flow's parent job, from which
 * `sluice queue status` prints the same line.
 */
import { systemClock, type Clock } from '../runtime/clock.ts';
import type { Logger } from 'pino';
import { formatDuration, renderProgress } from '../runtime/progress.ts';

/** What the coordinator knows of a flow (stored as the parent job's progress). */
export interface FlowProgress {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly stalled: number;
  /** Since the flow was added, ms. */
  readonly elapsedMs: number;
  /** How the sweep ended, once the coordinator is done with it. */
  readonly outcome?: 'completed' | 'failed' | 'cancelled';
}

/** A flow's dependency counts as BullMQ reports them. */
export interface FlowDependencies {
  readonly processed: number;
  readonly unprocessed: number;
  readonly failed: number;
}

/**
 * What `sluice queue status` shows of a flow: the larger of the live dependency counts
 * and the coordinator's stored ones (a failed or cancelled sweep's jobs are removed, so
 * its dependency counts drop to zero), and how the sweep ended, if it did.
 */
export function flowStatus(
  deps: FlowDependencies,
  stored: Partial<FlowProgress>,
  total: number,
  elapsedMs: number,
): FlowProgress {
  return {
    total,
    done: Math.max(deps.processed, stored.done ?? 0),
    failed: Math.max(deps.failed, stored.failed ?? 0),
    stalled: stored.stalled ?? 0,
    elapsedMs,
    ...(stored.outcome !== undefined ? { outcome: stored.outcome } : {}),
  };
}

/** The words of a progress line after the bar: `failed 0  stalled 1  eta 0:12`. */
export function flowLine(p: FlowProgress): string {
  const rate = p.done > 0 && p.elapsedMs > 0 ? p.done / p.elapsedMs : undefined;
  const left = p.total - p.done - p.failed;
  const eta =
    p.outcome !== undefined && p.outcome !== 'completed'
      ? `sweep ${p.outcome}`
      : left <= 0
        ? `in ${formatDuration(p.elapsedMs)}`
        : rate === undefined
          ? 'eta --'
          : `eta ${formatDuration(left / rate)}`;
  return `${p.done}/${p.total} jobs done  failed ${p.failed}  stalled ${p.stalled}  ${eta}`;
}

/** Options of a {@link QueueProgress}. */
export interface QueueProgressOptions {
  readonly flow: string;
  readonly total: number;
  readonly tty: boolean;
  readonly logger: Logger;
  /** Least time between two log lines when not on a TTY, ms. Default 5000. */
  readonly logEveryMs?: number;
  /** Where elapsed time is read (default: the system's clock). */
  readonly clock?: Clock;
}

/** The coordinator's progress display of one flow. */
export class QueueProgress {
  private readonly clock: Clock;
  private readonly started: number;
  private doneJobs = 0;
  private failedJobs = 0;
  private stalledJobs = 0;
  private lastLog = Number.NEGATIVE_INFINITY;
  private lastLogged = '';
  private lastDraw = Number.NEGATIVE_INFINITY;
  private finished = false;

  constructor(private readonly opts: QueueProgressOptions) {
    this.clock = opts.clock ?? systemClock;
    this.started = this.clock.monotonic();
  }

  done(): void {
    this.doneJobs++;
    this.show();
  }
  failed(): void {
    this.failedJobs++;
    this.show(true);
  }
  stalled(): void {
    this.stalledJobs++;
    this.show(true);
  }

  snapshot(): FlowProgress {
    return {
      total: this.opts.total,
      done: this.doneJobs,
      failed: this.failedJobs,
      stalled: this.stalledJobs,
      elapsedMs: this.clock.monotonic() - this.started,
    };
  }

  /** The last state, once: a full line on a TTY, a log line otherwise. */
  finish(): void {
    if (this.finished) return;
    this.show(true);
    this.finished = true;
    if (this.opts.tty) process.stderr.write('\n');
  }

  private show(force = false): void {
    if (this.finished) return;
    const s = this.snapshot();
    const now = this.clock.monotonic();
    if (this.opts.tty) {
      if (!force && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      const bar = renderProgress(
        { label: 'queue', unit: 'job', done: s.done, total: s.total, elapsedMs: s.elapsedMs, finished: false },
        process.stderr.columns ?? 80,
      );
      // The bar's own rate and ETA, then what only a queue has: failed and stalled jobs.
      process.stderr.write(`\r${bar}  failed ${s.failed}  stalled ${s.stalled}\x1b[K`);
      return;
    }
    if (!force && now - this.lastLog < (this.opts.logEveryMs ?? 5000) && s.done !== s.total) return;
    // The same counts are logged once (the last job, then finish(), would repeat them).
    const counts = `${s.done}/${s.failed}/${s.stalled}`;
    if (counts === this.lastLogged) return;
    this.lastLog = now;
    this.lastLogged = counts;
    this.opts.logger.info({ flow: this.opts.flow, ...s }, `queue: ${flowLine(s)}`);
  }
}
