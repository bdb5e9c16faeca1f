import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/runtime/clock.ts';
import {
  formatDuration,
  formatRate,
  ProgressReporter,
  renderProgress,
  type ProgressState,
} from '../../src/runtime/progress.ts';

/** A fake stderr that records writes, and a clock the test moves. */
function setup(opts: { isTTY?: boolean; columns?: number } = {}) {
  const writes: string[] = [];
  const clock = new ManualClock(0);
  clock.advance(1000);
  const stream = {
    isTTY: opts.isTTY ?? true,
    columns: opts.columns ?? 100,
    write: (s: string) => (writes.push(s), true),
  };
  return { writes, stream, clock, advance: (ms: number) => clock.advance(ms) };
}

const state = (over: Partial<ProgressState>): ProgressState => ({
  label: 'sweep',
  unit: 'it',
  done: 42,
  total: 100,
  elapsedMs: 14_000,
  finished: false,
  ...over,
});

describe('renderProgress', () => {
  it('shows label, bar, count, percentage, rate and ETA', () => {
    // 42 in 14 s = 3 it/s; 58 left → 19.3 s.
    expect(renderProgress(state({}), 100)).toBe('sweep  [########------------]  42/100  42%  3.00 it/s  eta 0:19');
  });

  it('shows the total time on the final line', () => {
    expect(renderProgress(state({ done: 100, elapsedMs: 33_000, finished: true }), 100)).toBe(
      'sweep  [####################]  100/100  100%  3.03 it/s  in 0:33',
    );
  });

  it('shows -- before the first iteration, and copes with total 0', () => {
    expect(renderProgress(state({ done: 0, elapsedMs: 0 }), 100)).toBe(
      'sweep  [--------------------]  0/100  0%  -- it/s  eta --',
    );
    expect(renderProgress(state({ done: 0, total: 0, elapsedMs: 5 }), 100)).toContain('0/0  100%');
  });

  it('drops the bar on a narrow terminal and never reaches the last column', () => {
    const narrow = renderProgress(state({}), 50);
    expect(narrow).not.toContain('[');
    expect(narrow.length).toBeLessThanOrEqual(49);
    expect(renderProgress(state({}), 20)).toHaveLength(19);
    expect(renderProgress(state({ label: '' }), 100).startsWith('[')).toBe(true);
  });

  it('caps the bar and percentage when done passes total', () => {
    expect(renderProgress(state({ done: 120 }), 100)).toContain('[####################]  120/100  100%');
  });
});

describe('formatRate / formatDuration', () => {
  it('formats rates to about three significant digits, slow ones as seconds per iteration', () => {
    expect(formatRate(1234.4)).toBe('1234 it/s');
    expect(formatRate(56.78)).toBe('56.8 it/s');
    expect(formatRate(3.1)).toBe('3.10 it/s');
    expect(formatRate(0.08, 'run')).toBe('12.5 s/run');
  });

  it('formats durations as a clock', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(400)).toBe('0:00');
    expect(formatDuration(5_000)).toBe('0:05');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(90_061_000)).toBe('1d 01:01:01');
    expect(formatDuration(-5)).toBe('0:00');
    expect(formatDuration(Infinity)).toBe('0:00');
  });
});

describe('ProgressReporter', () => {
  it('redraws in place with \\r and erase-to-end, at most every 100 ms', () => {
    const { writes, stream, clock, advance } = setup();
    const p = new ProgressReporter({ total: 1000, label: 'sweep', stream, clock });
    expect(p.enabled).toBe(true);
    for (let i = 0; i < 1000; i++) {
      advance(1); // 1,000 ticks over one second
      p.tick();
    }
    expect(writes.length).toBeGreaterThanOrEqual(9);
    expect(writes.length).toBeLessThanOrEqual(11);
    for (const w of writes) {
      expect(w.startsWith('\r')).toBe(true);
      expect(w.endsWith('\x1b[K')).toBe(true);
      expect(w).not.toContain('\n');
    }
    expect(writes[0]).toContain('1/1000');
  });

  it('ends with a final line and a newline, once', () => {
    const { writes, stream, clock, advance } = setup();
    const p = new ProgressReporter({ total: 3, label: 'wf', stream, clock, unit: 'window' });
    p.tick();
    advance(50);
    p.tick(); // throttled
    advance(50);
    p.tick(2);
    advance(1000);
    p.finish();
    p.finish();
    p.tick();
    expect(writes.slice(-2)).toEqual([
      '\r' + 'wf  [####################]  4/3  100%  3.64 window/s  in 0:01' + '\x1b[K',
      '\n',
    ]);
    expect(writes.filter((w) => w === '\n')).toHaveLength(1);
  });

  it('writes nothing at all when the stream is not a TTY, or when disabled', () => {
    for (const [isTTY, enabled] of [
      [false, true],
      [true, false],
    ] as const) {
      const { writes, stream, clock, advance } = setup({ isTTY });
      const p = new ProgressReporter({ total: 10, stream, clock, enabled });
      expect(p.enabled).toBe(false);
      for (let i = 0; i < 10; i++) {
        advance(500);
        p.tick();
      }
      p.clear();
      p.finish();
      expect(writes).toEqual([]);
    }
  });

  it('clears the line for other output and draws it again at the next tick', () => {
    const { writes, stream, clock, advance } = setup();
    const p = new ProgressReporter({ total: 10, stream, clock });
    p.clear(); // nothing drawn yet: nothing to clear
    expect(writes).toEqual([]);
    p.tick();
    p.clear();
    expect(writes[writes.length - 1]).toBe('\r\x1b[K');
    advance(1); // well within the throttle interval
    p.update(5);
    expect(writes[writes.length - 1]).toContain('5/10');
  });

  it('fits the line to the terminal width', () => {
    const { writes, stream, clock, advance } = setup({ columns: 40 });
    const p = new ProgressReporter({ total: 10_000_000, label: 'a rather long phase name', stream, clock });
    advance(10);
    p.tick();
    const line = writes[0]!.slice(1, -'\x1b[K'.length);
    expect(line.length).toBeLessThanOrEqual(39);
  });

  it('validates its options', () => {
    const { stream } = setup();
    expect(() => new ProgressReporter({ total: -1, stream })).toThrow(/total must be a whole number >= 0/);
    expect(() => new ProgressReporter({ total: 1.5, stream })).toThrow(/total/);
    expect(() => new ProgressReporter({ total: 1, stream, minIntervalMs: -1 })).toThrow(/minIntervalMs/);
  });
});

describe('progress off a terminal', () => {
  it('logs a plain line (done/total, rate, ETA) every 5 s, and a final one when any was logged', () => {
    const { writes, stream, clock, advance } = setup({ isTTY: false });
    const lines: string[] = [];
    const p = new ProgressReporter({ total: 1000, label: 'sweep', stream, clock, log: (line) => lines.push(line) });
    for (let i = 0; i < 100; i++) {
      advance(120);
      p.tick(10);
    }
    p.finish();
    expect(writes).toEqual([]);
    // 12 s for 1000: lines at 5 s and 10 s, then the final one.
    expect(lines).toEqual([
      'sweep  420/1000  42%  83.3 it/s  eta 0:07',
      'sweep  840/1000  84%  83.3 it/s  eta 0:02',
      'sweep  1000/1000  100%  83.3 it/s  in 0:12',
    ]);
  });

  it('stays quiet for a run shorter than the interval, and on a terminal', () => {
    for (const isTTY of [false, true]) {
      const { stream, clock, advance } = setup({ isTTY });
      const lines: string[] = [];
      const p = new ProgressReporter({ total: 10, stream, clock, log: (line) => lines.push(line) });
      for (let i = 0; i < 10; i++) {
        advance(100);
        p.tick();
      }
      p.finish();
      expect(lines).toEqual([]);
    }
  });
});
