/**
 * A one-line progress reporter for long runs (sweeps, walk-forward, Monte Carlo) on
 * stderr: iterations done of total, percentage, a bar, rate and estimated time left.
 *
 * - Drawn only on a terminal. When the stream is not a TTY (piped, redirected, CI logs)
 *   nothing is drawn; with a `log` function, a plain line (done/total, percentage, rate,
 *   ETA) goes to it every `logEveryMs` (5 s) instead, and a final one when any was
 *   logged, so a long sweep in a pipe is not minutes of silence while a short run stays
 *   quiet.
 * - Redrawn in place with `\r` and "erase to end of line" (`ESC [K`), cut to the
 *   terminal's width so it never wraps (a wrapped line cannot be redrawn in place).
 * - Throttled: at most one redraw per `minIntervalMs` (100 ms, so ≤ 10 redraws a
 *   second), however fast `tick` is called; a tick between redraws only counts.
 * - `finish()` draws the final state with the total time and ends the line, so the next
 *   output starts on a fresh line. Call it in a `finally`, also after an error or Ctrl-C,
 *   or the cursor is left at the end of a half line; `clear()` erases the line before
 *   something else writes to the terminal (a log message).
 *
 * Rate is the overall average since the reporter was created, done / elapsed, and the ETA
 * is (total − done) / rate: steady for iterations of uneven length, where a recent-window
 * rate would swing.
 *
 * Written here rather than taken from a library (`cli-progress` 3.12, last released in
 * 2023) because the need is small and this one is testable with an injected stream and
 * clock.
 */

import { systemClock, type Clock } from './clock.ts';

/** The part of a stream the reporter uses (process.stderr satisfies it). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  /** Terminal width in characters; 80 is assumed when unknown. */
  readonly columns?: number;
  write(chunk: string): boolean;
}

/** Options of a {@link ProgressReporter}. */
export interface ProgressOptions {
  /** Number of iterations expected; a whole number ≥ 0. */
  readonly total: number;
  /** Shown first on the line, e.g. the phase name. */
  readonly label?: string;
  /** Name of one iteration in the rate (`it/s`). Default `it`. */
  readonly unit?: string;
  /** Where to draw. Default process.stderr. */
  readonly stream?: ProgressStream;
  /** Where elapsed time is read (its monotonic milliseconds); default the system's, tests move a ManualClock. */
  readonly clock?: Clock;
  /** Least time between two redraws, ms. Default 100. */
  readonly minIntervalMs?: number;
  /** False forces the reporter off even on a TTY (e.g. `--quiet`). Default true. */
  readonly enabled?: boolean;
  /** Off a TTY: receives a progress line every `logEveryMs` (a logger's info, say). */
  readonly log?: (line: string, state: ProgressState) => void;
  /** Least time between two logged lines off a TTY, ms. Default 5000. */
  readonly logEveryMs?: number;
}

/** What one progress line shows. */
export interface ProgressState {
  readonly label: string;
  readonly unit: string;
  readonly done: number;
  readonly total: number;
  /** Time since start, ms. */
  readonly elapsedMs: number;
  /** True for the final line: the total time instead of the ETA. */
  readonly finished: boolean;
}

const ERASE_TO_END = '\x1b[K';
const DEFAULT_COLUMNS = 80;
const BAR_WIDTH = 20;
/** Narrowest terminal that still gets the bar; below it the numbers alone are shown. */
const MIN_COLUMNS_FOR_BAR = 60;

/**
 * The progress line (see the module comment). All methods are cheap no-ops when the
 * reporter is disabled (no TTY), so callers need no conditions of their own.
 */
export class ProgressReporter {
  /** True when the reporter draws (the stream is a TTY and it was not disabled). */
  readonly enabled: boolean;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly minIntervalMs: number;
  private readonly label: string;
  private readonly unit: string;
  private total: number;
  private readonly startedAt: number;
  private done = 0;
  private lastDrawAt = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private finished = false;
  private readonly log: ((line: string, state: ProgressState) => void) | undefined;
  private readonly logEveryMs: number;
  private lastLogAt: number;
  private logged = false;

  /** @throws RangeError when total is not a whole number ≥ 0 or minIntervalMs is negative. */
  constructor(options: ProgressOptions) {
    const { total } = options;
    if (!Number.isSafeInteger(total) || total < 0)
      throw new RangeError(`progress total must be a whole number >= 0, received ${String(total)}`);
    const minIntervalMs = options.minIntervalMs ?? 100;
    if (!(minIntervalMs >= 0))
      throw new RangeError(`progress minIntervalMs must be >= 0, received ${String(minIntervalMs)}`);
    this.stream = options.stream ?? process.stderr;
    this.enabled = options.enabled !== false && this.stream.isTTY === true;
    const clock = options.clock ?? systemClock;
    this.now = () => clock.monotonic();
    this.minIntervalMs = minIntervalMs;
    this.label = options.label ?? '';
    this.unit = options.unit ?? 'it';
    this.total = total;
    this.startedAt = this.now();
    this.log = options.enabled !== false && this.stream.isTTY !== true ? options.log : undefined;
    this.logEveryMs = options.logEveryMs ?? 5000;
    this.lastLogAt = this.startedAt;
  }

  /** Sets the number of iterations expected (known only once a sweep has been expanded). */
  setTotal(total: number): void {
    if (Number.isSafeInteger(total) && total >= 0) this.total = total;
  }

  /** Counts `n` more iterations done (default 1) and redraws if the throttle allows. */
  tick(n = 1): void {
    this.update(this.done + n);
  }

  /** Sets the number of iterations done and redraws if the throttle allows. */
  update(done: number): void {
    if (this.finished) return;
    this.done = done;
    if (this.log !== undefined) {
      const t = this.now();
      if (t - this.lastLogAt >= this.logEveryMs) {
        this.lastLogAt = t;
        this.writeLog(false, t);
      }
    }
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.lastDrawAt < this.minIntervalMs) return;
    this.lastDrawAt = t;
    this.draw(false, t);
  }

  /**
   * Erases the line, e.g. before a log message; the next tick draws it again at once.
   * Nothing happens when nothing is shown.
   */
  clear(): void {
    if (!this.enabled || !this.drawn || this.finished) return;
    this.stream.write(`\r${ERASE_TO_END}`);
    this.drawn = false;
    this.lastDrawAt = Number.NEGATIVE_INFINITY;
  }

  /**
   * Draws the final line (done/total, rate, total time) and ends it with a newline.
   * Idempotent; later ticks are ignored.
   */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.log !== undefined && this.logged) this.writeLog(true, this.now());
    if (!this.enabled) return;
    this.draw(true, this.now());
    this.stream.write('\n');
  }

  private writeLog(finished: boolean, t: number): void {
    const state: ProgressState = {
      label: this.label,
      unit: this.unit,
      done: this.done,
      total: this.total,
      elapsedMs: t - this.startedAt,
      finished,
    };
    this.log?.(renderProgress(state, Number.POSITIVE_INFINITY, false), state);
    this.logged = true;
  }

  private draw(finished: boolean, t: number): void {
    const line = renderProgress(
      {
        label: this.label,
        unit: this.unit,
        done: this.done,
        total: this.total,
        elapsedMs: t - this.startedAt,
        finished,
      },
      this.stream.columns ?? DEFAULT_COLUMNS,
    );
    this.stream.write(`\r${line}${ERASE_TO_END}`);
    this.drawn = true;
  }
}

/**
 * One progress line, at most `columns − 1` characters (the last column is left free:
 * writing into it makes some terminals wrap):
 *
 *     sweep  [########------------]  42/100  42%  3.10 it/s  eta 0:19
 *     sweep  [####################]  100/100  100%  3.05 it/s  in 0:33
 *
 * The bar is left out below 60 columns. A rate under 1 per second is shown as seconds per
 * iteration (`12.5 s/it`), more readable than `0.08 it/s`. Before the first iteration (or
 * within the first millisecond) rate and ETA show as `--`.
 */
export function renderProgress(state: ProgressState, columns: number, bar = true): string {
  const { label, unit, done, total, elapsedMs, finished } = state;
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const parts: string[] = [];
  if (label !== '') parts.push(label);
  if (bar && columns >= MIN_COLUMNS_FOR_BAR) {
    const filled = Math.floor(fraction * BAR_WIDTH);
    parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`);
  }
  parts.push(`${done}/${total}`, `${Math.floor(fraction * 100)}%`);
  const rate = elapsedMs > 0 && done > 0 ? (done * 1000) / elapsedMs : undefined;
  parts.push(rate === undefined ? `-- ${unit}/s` : formatRate(rate, unit));
  if (finished) parts.push(`in ${formatDuration(elapsedMs)}`);
  else if (rate === undefined) parts.push('eta --');
  else parts.push(`eta ${formatDuration((Math.max(0, total - done) / rate) * 1000)}`);
  const line = parts.join('  ');
  const max = Math.max(0, columns - 1);
  return line.length > max ? line.slice(0, max) : line;
}

/**
 * A rate for humans: `1234 it/s`, `56.7 it/s`, `3.10 it/s` (three significant digits at
 * most), or under one per second `12.5 s/it`.
 */
export function formatRate(perSecond: number, unit = 'it'): string {
  if (perSecond >= 1) return `${roundRate(perSecond)} ${unit}/s`;
  return `${roundRate(1 / perSecond)} s/${unit}`;
}

function roundRate(x: number): string {
  if (x >= 100) return Math.round(x).toString();
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/**
 * A duration as a clock: `m:ss` below an hour, `h:mm:ss` from one hour, `Nd hh:mm:ss`
 * from one day (rounded to the second; `0:00` for anything under half a second, also for
 * negative or non-finite input).
 */
export function formatDuration(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.round(ms / 1000) : 0;
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600) % 24;
  const d = Math.floor(total / 86_400);
  const ss = String(s).padStart(2, '0');
  if (d > 0) return `${d}d ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${ss}`;
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${ss}`;
  return `${m}:${ss}`;
}
