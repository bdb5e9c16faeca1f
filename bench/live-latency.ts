/**
 * Live latency (issue #4): bar arrival → signal emitted, for live signal-generation
 * graphs fed by the replay feed over a loopback WebSocket.
 *
 * The feed is a real `sluice replay` process (its own event loop, as a remote feed would
 * be) serving SPY 1-minute bars (102,236 bars, bench/data/SPY_1m.parquet) on
 * ws://127.0.0.1:<free port>; the consumer is `runLive` in this process — the same code
 * `sluice live` runs — with no warm-up, so every bar is live. A bar's arrival is stamped
 * when its message is decoded; its signals are timed when they are handed to the sinks
 * (a counting sink here, so the figures are the engine's, not a disk's or a terminal's).
 *
 * Two regimes per graph:
 * - max: the feed sends as fast as the consumer takes the bars (WebSocket backpressure).
 *   Bars arrive in bursts and queue in the input buffer while the graph works, so the
 *   latency includes the wait behind earlier bars; the run also gives the throughput.
 * - paced: the bars to 2024-04-10 (~4,500) at ~1 bar per 2 ms (speed 30000x, waits capped at 2 ms), below
 *   saturation: the latency of one bar through the graph plus the transport.
 *
 *   npm run bench:live
 *   npm run bench:live -- --strategies 1,100
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadLiveWorkflow } from '../src/live/load-live.ts';
import { runLive, type LiveOutcome } from '../src/live/run-live.ts';
import type { MessageSink } from '../src/sinks/sinks.ts';

const { values: args } = parseArgs({
  options: {
    strategies: { type: 'string', default: '1,10,100' },
  },
});

const logger = pino({ level: 'silent' });
const DATA = 'bench/data/SPY_1m.parquet';
const CONFIG = 'examples/spy-sma-crossover.yaml';

/** SMA-crossover grids of 1, 10 or 100 strategies (fast 5..14 × slow 20..56 step 4). */
function grid(n: number): string[] {
  const fast = n === 1 ? '10' : 'range(5, 15, 1)';
  const slow = n === 1 ? '30' : n === 10 ? '30' : 'range(20, 60, 4)';
  return [`strategies[0].params.fast_period=${fast}`, `strategies[0].params.slow_period=${slow}`];
}

/** Counts messages; never needs draining. */
class CountingSink implements MessageSink {
  readonly description = 'count';
  readonly needsDrain = false;
  count = 0;
  open(): Promise<void> {
    return Promise.resolve();
  }
  send(): void {
    this.count++;
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Starts `sluice replay` on a free loopback port; resolves with its URL and exit. */
async function startFeed(replayArgs: string[]): Promise<{ url: string; exit: Promise<number | null> }> {
  const child = spawn(
    'node',
    [
      'bin/sluice.js',
      'replay',
      DATA,
      '--symbol',
      'SPY',
      '--to',
      'ws://127.0.0.1:0',
      '--log-level',
      'warn',
      ...replayArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (ws:\/\/[\d.]+:\d+)/.exec(err);
      if (m !== null) resolve(m[1]!);
    });
    void exit.then((code) => reject(new Error(`sluice replay exited with ${code}: ${err}`)));
  });
  return { url, exit };
}

async function measure(strategies: number, mode: 'max' | 'paced'): Promise<LiveOutcome> {
  const sets = ['topology=signal_generation', `data.path=../${DATA}`, 'data.timeframe=1m', ...grid(strategies)];
  const loaded = await loadLiveWorkflow(CONFIG, { sets });
  if (loaded.wf.strategies.length !== strategies)
    throw new Error(`expected ${strategies} strategies, got ${loaded.wf.strategies.length}`);
  const feed = await startFeed(
    mode === 'max' ? ['--speed', 'max'] : ['--speed', '30000x', '--max-wait', '2', '--end', '2024-04-10T00:00:00Z'],
  );
  const sink = new CountingSink();
  const outcome = await runLive({ loaded, feedUrl: feed.url, sinks: [sink], logger });
  const code = await feed.exit;
  if (outcome.status !== 'completed' || code !== 0)
    throw new Error(`live run ${outcome.status} (feed exit ${code}): ${String(outcome.failure?.error)}`);
  return outcome;
}

const ms = (v: number): string => (v < 1 ? v.toFixed(3) : v.toFixed(2)).padStart(8);
console.log(
  `live latency: ${DATA} replayed over ws://127.0.0.1 into runLive (node ${process.version}, ${new Date().toISOString().slice(0, 10)})`,
);
console.log('strategies  mode    live bars  signals   p50 ms   p95 ms   p99 ms   max ms   bars/s');
// One round first, not reported: both processes' JIT warms up on it.
await measure(1, 'max');
for (const n of args.strategies.split(',').map(Number)) {
  for (const mode of ['max', 'paced'] as const) {
    const r = await measure(n, mode);
    const rate = r.liveMs > 0 ? Math.round((r.liveBars / r.liveMs) * 1000) : 0;
    const l = r.latency;
    console.log(
      `${String(n).padStart(10)}  ${mode.padEnd(6)}${String(r.liveBars).padStart(11)}${String(r.signals).padStart(9)}${ms(l.p50)} ${ms(l.p95)} ${ms(l.p99)} ${ms(l.max)}${String(mode === 'max' ? rate : '-').padStart(9)}`,
    );
  }
}
console.log('paced: ~1 bar per 2 ms (the bars to 2024-04-10); bars/s only for max, where the consumer sets the pace.');
