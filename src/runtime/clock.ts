/** A timer a {@link Clock} started: an opaque handle for {@link Clock.clearTimeout}. */
export type ClockTimer = unknown;

/**
 * Where the engine reads time and waits. Engine code takes one (default
 * {@link systemClock}) instead of calling `Date.now()`, `performance.now()` or
 * `setTimeout` itself, so a test can run it on a {@link ManualClock} and see fixed
 * timestamps and durations. It is read around a run (start and finish stamps,
 * durations, progress, liveness, latency, retries), never per bar.
 */
export interface Clock {
  /** Wall time, milliseconds since the epoch (what `Date.now()` gives). */
  now(): number;
  /** Monotonic milliseconds for durations and latencies (what `performance.now()` gives). */
  monotonic(): number;
  /** Calls `fn` once after `ms` milliseconds; a system timer does not keep the process alive. */
  setTimeout(fn: () => void, ms: number): ClockTimer;
  /** Cancels a timer of {@link setTimeout}; a fired or cleared one is ignored. */
  clearTimeout(timer: ClockTimer): void;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The process's own clock: Date.now, performance.now and unref'd Node timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A clock that moves only when told to: {@link advance} moves wall and monotonic time
 * together and fires, in time order, the timers that fall due (a timer a callback sets
 * fires in the same advance when it falls due inside it).
 */
export class ManualClock implements Clock {
  private wall: number;
  private mono = 0;
  private nextId = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  /** @param startMs the wall time to start at, epoch milliseconds. */
  constructor(startMs: number) {
    this.wall = startMs;
  }

  now(): number {
    return this.wall;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const id = ++this.nextId;
    this.timers.set(id, { at: this.mono + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(timer: ClockTimer): void {
    if (typeof timer === 'number') this.timers.delete(timer);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Moves time forward by `ms` (≥ 0), firing the timers that fall due on the way. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`a clock only moves forward, received ${String(ms)} ms`);
    const end = this.mono + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers)
        if (entry[1].at <= end && (due === undefined || entry[1].at < due[1].at)) due = entry;
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.wall += due[1].at - this.mono;
      this.mono = due[1].at;
      due[1].fn();
    }
    this.wall += end - this.mono;
    this.mono = end;
  }
}
