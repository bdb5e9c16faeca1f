import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSluice, until, type SluiceProcess } from '../helpers/cli.ts';
import type { SignalMessage } from '../../src/live/run-live.ts';
import { LIVE_CONFIG, referenceSignals, splitSpy, SPY_BARS, SPY_CSV } from '../helpers/live.ts';

const started: ChildProcess[] = [];

const sluice = (args: string[], stdin: 'pipe' | 'ignore' = 'ignore') => spawnSluice(args, started, stdin);

/** The URL a `sluice replay --to ws://…:0` prints. */
async function replayUrl(p: SluiceProcess): Promise<string> {
  await until('the replay server to listen', () => /listening on ws:\/\/[\d.]+:\d+/.test(p.stderr), 20_000);
  return /listening on (ws:\/\/[\d.]+:\d+)/.exec(p.stderr)![1]!;
}

const messages = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const signals = (text: string) => messages(text).filter((m) => m['type'] === 'signal');

afterEach(() => {
  // Every process a test started is gone when it ends, whatever happened.
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

const HISTORY = 15_000;
let expected: SignalMessage[];
let split: ReturnType<typeof splitSpy>;

beforeAll(async () => {
  split = splitSpy(HISTORY);
  expected = (await referenceSignals(LIVE_CONFIG)).filter((s) => s.seq >= HISTORY);
});

describe('sluice replay → sluice live over a WebSocket', () => {
  it("emits the historical run's signals of the live part; both processes end by themselves with 0", async () => {
    const replay = sluice([
      'replay',
      SPY_CSV,
      '--symbol',
      'SPY',
      '--start',
      split.liveStart,
      '--speed',
      'max',
      '--to',
      'ws://127.0.0.1:0',
    ]);
    const url = await replayUrl(replay);
    const out = join(split.dir, 'cli-signals.ndjson');
    const live = sluice(['live', LIVE_CONFIG, '--feed', url, '--warmup', split.history, '--stdout', '--file', out]);
    const [l, r] = await Promise.all([live.exit, replay.exit]);
    expect(l.code, live.stderr).toBe(0);
    expect(r.code, replay.stderr).toBe(0);
    expect(replay.stderr).toContain(`replay: ${SPY_BARS - HISTORY} bars sent`);
    expect(signals(live.stdout)).toEqual(expected);
    expect(messages(readFileSync(out, 'utf8'))).toEqual(messages(live.stdout));
    expect(messages(live.stdout).at(-1)).toEqual({
      type: 'end',
      reason: 'complete',
      bars: SPY_BARS - HISTORY,
      signals: expected.length,
    });
    expect(live.stderr).toContain(`live: spy_live: ${HISTORY} warm-up bars`);
    expect(live.stderr).toContain(`${SPY_BARS - HISTORY} live bars, ${expected.length} signals`);
    expect(live.stderr).toMatch(/latency bar→signal \(ms\): p50 [\d.]+, p95 [\d.]+, p99 [\d.]+/);
  });

  it('survives the replay server being killed mid-stream and restarted where the consumer was: no signal lost or doubled', async () => {
    // Paced, so the kill lands mid-stream: ~3 ms a bar, nights cut to 5 ms.
    const first = sluice([
      'replay',
      SPY_CSV,
      '--symbol',
      'SPY',
      '--start',
      split.liveStart,
      '--speed',
      '100000x',
      '--max-wait',
      '5',
      '--to',
      'ws://127.0.0.1:0',
    ]);
    const url = await replayUrl(first);
    const live = sluice([
      'live',
      LIVE_CONFIG,
      '--feed',
      url,
      '--warmup',
      split.history,
      '--set',
      'live.feed.reconnect.initial_delay_ms=100',
    ]);
    await until('10 live signals', () => signals(live.stdout).length >= 10);
    first.child.kill('SIGKILL');
    expect((await first.exit).signal).toBe('SIGKILL');
    // The restarted feed resumes at the bar of the last signal the consumer emitted.
    const resumeAt = String(signals(live.stdout).at(-1)!['ts']);
    await new Promise((r) => setTimeout(r, 300));
    const second = sluice(['replay', SPY_CSV, '--symbol', 'SPY', '--start', resumeAt, '--speed', 'max', '--to', url]);
    const [l, r] = await Promise.all([live.exit, second.exit]);
    expect(l.code, live.stderr).toBe(0);
    expect(r.code, second.stderr).toBe(0);
    expect(signals(live.stdout)).toEqual(expected);
    expect(live.stderr).toMatch(/reconnecting in \d+ ms/);
    expect(live.stderr).toMatch(
      /feed: \d+ messages, 0 malformed, \d+ other, 1 reconnects; bars: [1-9]\d* duplicates, 0 out of order/,
    );
  });
});

describe('sluice replay | sluice live --feed stdin', () => {
  it('pipes NDJSON bars from one process to the other', async () => {
    const replay = sluice(['replay', SPY_CSV, '--symbol', 'SPY', '--start', split.liveStart]);
    const live = sluice(['live', LIVE_CONFIG, '--feed', 'stdin', '--warmup', split.history], 'pipe');
    replay.child.stdout!.pipe(live.child.stdin!);
    const [l, r] = await Promise.all([live.exit, replay.exit]);
    expect(r.code, replay.stderr).toBe(0);
    expect(l.code, live.stderr).toBe(0);
    expect(signals(live.stdout)).toEqual(expected);
  });
});

describe('Ctrl-C', () => {
  it('sluice live stops cleanly on SIGINT: sinks flushed, end message, exit 0', async () => {
    const out = join(split.dir, 'interrupted.ndjson');
    const live = sluice(['live', LIVE_CONFIG, '--feed', 'stdin', '--warmup', split.history, '--file', out], 'pipe');
    const lines = readFileSync(SPY_CSV, 'utf8')
      .trim()
      .split('\n')
      .slice(HISTORY + 1, HISTORY + 401);
    for (const line of lines) {
      const [ts, o, h, l, c, v] = line.split(',');
      live.child.stdin!.write(
        `${JSON.stringify({ type: 'bar', symbol: 'SPY', ts, open: Number(o), high: Number(h), low: Number(l), close: Number(c), volume: Number(v) })}\n`,
      );
    }
    // Stdin stays open: the run waits for more bars until interrupted.
    const want = expected.filter((s) => s.seq < HISTORY + 400);
    const written = () => (existsSync(out) ? signals(readFileSync(out, 'utf8')).length : 0);
    await until('the signals of the 400 bars in the file', () => written() >= want.length);
    live.child.kill('SIGINT');
    const { code } = await live.exit;
    expect(code, live.stderr).toBe(0);
    expect(live.stdout).toBe('');
    const file = readFileSync(out, 'utf8');
    expect(signals(file)).toEqual(want);
    expect(messages(file).at(-1)).toEqual({ type: 'end', reason: 'interrupted', bars: 400, signals: want.length });
    expect(live.stderr).toContain('interrupted');
  });

  it('sluice replay stops cleanly on SIGINT while waiting for a client', async () => {
    const replay = sluice(['replay', SPY_CSV, '--symbol', 'SPY', '--to', 'ws://127.0.0.1:0']);
    await replayUrl(replay);
    replay.child.kill('SIGINT');
    const { code } = await replay.exit;
    expect(code, replay.stderr).toBe(0);
    expect(replay.stderr).toContain('replay: 0 bars sent');
  });
});
