import type { ChildProcess } from 'node:child_process';
import { parseCamel } from '../../src/config/schema-keys.ts';
import { Readable } from 'node:stream';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSluice, until } from '../helpers/cli.ts';
import { LiveSinkSchema, type NatsSinkConfig } from '../../src/config/schema/live.ts';
import { LiveError } from '../../src/errors/live-error.ts';
import { loadLiveWorkflow } from '../../src/live/load-live.ts';
import { openNatsReplayOutput } from '../../src/live/nats-replay.ts';
import { NatsSink } from '../../src/sinks/nats-sink.ts';
import { runLive, type SignalMessage } from '../../src/live/run-live.ts';
import { LIVE_CONFIG, openTcpHandles, referenceSignals, silent, splitSpy, SPY_BARS, SPY_CSV } from '../helpers/live.ts';
import { freePort, NATS_SERVER_BIN, startNatsServer, type NatsServer } from '../helpers/nats-server.ts';

/**
 * Live signals across processes over a real nats-server with JetStream: `sluice replay
 * --to nats://` is the feed handler, two `sluice live` processes each own a part of the
 * strategies and publish to SLUICE_SIGNALS, and `sluice subscribe --durable` reads them,
 * stopped halfway and started again. The union must be the historical run's signals.
 */

/** Bars of the "live" part: the last 2,000; the rest is the warm-up history. */
const LIVE_BARS = 2000;
const HISTORY = SPY_BARS - LIVE_BARS;
const PART_A = ['sma_crossover', 'ema_crossover_*', 'rsi_threshold', 'macd_crossover'];
const PART_B = ['bollinger_reversion', 'donchian_breakout', 'switch'];
const inA = (id: string) =>
  id === 'sma_crossover' || id.startsWith('ema_crossover_') || id === 'rsi_threshold' || id === 'macd_crossover';

const started: ChildProcess[] = [];

const sluice = (args: string[]) => spawnSluice(args, started);

const lines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as SignalMessage);
const key = (s: SignalMessage) => `${s.strategy_id}|${s.symbol}|${s.ts}`;
/** The `nats: N messages stored, M duplicates` line a NATS sink logs when it closes. */
const stored = (stderr: string) => {
  const m = /nats: (\d+) messages stored, (\d+) duplicates, (\d+) retries/.exec(stderr);
  return m === null ? undefined : { stored: Number(m[1]), duplicates: Number(m[2]), retries: Number(m[3]) };
};

let nats: NatsServer | undefined;
let expected: SignalMessage[];
let split: ReturnType<typeof splitSpy>;

function liveArgs(url: string, part: readonly string[]): string[] {
  return [
    'live',
    LIVE_CONFIG,
    '--feed',
    url,
    '--warmup',
    split.history,
    '--set',
    `live.sinks=[{type: nats, url: "${url}"}]`,
    '--set',
    `live.strategies=${JSON.stringify(part)}`,
  ];
}

async function streamMessages(url: string, stream: string): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    return (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
}

const skipReason =
  NATS_SERVER_BIN === undefined ? ' (SKIPPED: no nats-server binary; install it or set NATS_SERVER)' : '';

describe.skipIf(NATS_SERVER_BIN === undefined)(
  `live signals over NATS JetStream, real nats-server${skipReason}`,
  () => {
    beforeAll(async () => {
      split = splitSpy(HISTORY);
      [nats, expected] = await Promise.all([
        startNatsServer(NATS_SERVER_BIN!),
        referenceSignals(LIVE_CONFIG).then((all) => all.filter((s) => s.seq >= HISTORY)),
      ]);
    });

    afterEach(() => {
      for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    });

    afterAll(async () => {
      await nats?.stop();
    });

    it('one feed, two processes splitting the strategies, a durable consumer stopped halfway: exactly the historical signals, no gap, no duplicate', async () => {
      const url = nats!.url;
      const replay = sluice(['replay', SPY_CSV, '--symbol', 'SPY', '--start', split.liveStart, '--to', url]);
      expect((await replay.exit).code, replay.stderr).toBe(0);
      expect(replay.stderr).toContain(`replay: nats: ${LIVE_BARS + 1} messages stored, 0 duplicates`);

      // The consumer runs while process A publishes; it is stopped (SIGTERM) after its first
      // signals, before process B has even started, so what B publishes waits in the stream.
      const a = sluice(liveArgs(url, PART_A));
      // Its sink has created SLUICE_SIGNALS once the run has started.
      await until('process A to start', () => a.stderr.includes('live run started'));
      const first = sluice(['subscribe', url, '--durable', 'signals-reader', '--batch', '16']);
      await until('the first signals at the consumer', () => first.stdout.includes('\n'));
      first.child.kill('SIGTERM');
      expect((await first.exit).code, first.stderr).toBe(0);
      const b = sluice(liveArgs(url, PART_B));
      const [ea, eb] = await Promise.all([a.exit, b.exit]);
      expect(ea.code, a.stderr).toBe(0);
      expect(eb.code, b.stderr).toBe(0);

      // Restarted under the same name, it reads on from where it stopped until the stream is quiet.
      const second = sluice(['subscribe', url, '--durable', 'signals-reader', '--idle-exit', '1000']);
      expect((await second.exit).code, second.stderr).toBe(0);

      const got1 = lines(first.stdout);
      const got2 = lines(second.stdout);
      expect(got1.length).toBeGreaterThan(0);
      expect(got2.length).toBeGreaterThan(0);
      const union = [...got1, ...got2];
      // No duplicate, no gap: the union is the historical run's signals of the live bars, message for message.
      expect(new Set(union.map(key)).size).toBe(union.length);
      const byKey = (x: SignalMessage, y: SignalMessage) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0);
      expect([...union].sort(byKey)).toEqual([...expected].sort(byKey));
      expect(new Set(expected.map((s) => s.strategy_id)).size).toBe(8);
      // Per subject (strategy, symbol) the consumer saw the signals in bar order, across the restart.
      const last = new Map<string, string>();
      for (const s of union) {
        expect(s.ts > (last.get(s.strategy_id) ?? '')).toBe(true);
        last.set(s.strategy_id, s.ts);
      }

      // Each process computed and published only its own strategies.
      const countA = expected.filter((s) => inA(s.strategy_id)).length;
      expect(stored(a.stderr)).toEqual({ stored: countA, duplicates: 0, retries: 0 });
      expect(stored(b.stderr)).toEqual({ stored: expected.length - countA, duplicates: 0, retries: 0 });
      expect(a.stderr).toContain(`${LIVE_BARS} live bars, ${countA} signals`);
      expect(a.stderr).toContain(`live: spy_live: ${HISTORY} warm-up bars`);
      expect(await streamMessages(url, 'SLUICE_SIGNALS')).toBe(expected.length);
    }, 120_000);

    it('a restarted publisher and a restarted feed handler over bars already sent: every message is a duplicate, the streams keep one each', async () => {
      const url = nats!.url;
      const before = await streamMessages(url, 'SLUICE_SIGNALS');
      expect(before).toBe(expected.length);
      const replay = sluice(['replay', SPY_CSV, '--symbol', 'SPY', '--start', split.liveStart, '--to', url]);
      const a = sluice(liveArgs(url, PART_A));
      const [er, ea] = await Promise.all([replay.exit, a.exit]);
      expect(er.code, replay.stderr).toBe(0);
      expect(ea.code, a.stderr).toBe(0);
      expect(replay.stderr).toContain(`replay: nats: 0 messages stored, ${LIVE_BARS + 1} duplicates`);
      const countA = expected.filter((s) => inA(s.strategy_id)).length;
      expect(stored(a.stderr)).toEqual({ stored: 0, duplicates: countA, retries: 0 });
      expect(await streamMessages(url, 'SLUICE_SIGNALS')).toBe(before);
      expect(await streamMessages(url, 'SLUICE_BARS')).toBe(LIVE_BARS + 1);
    }, 120_000);

    it('an unreachable server or a bad URL is one clear line, exit 1', async () => {
      const closed = await freePort();
      const sub = sluice(['subscribe', `nats://127.0.0.1:${closed}`]);
      // The same errors in-process (cheaper than two more processes): the live feed, the NATS sink, replay's URL.
      const loaded = await loadLiveWorkflow(LIVE_CONFIG);
      const feedRun = await runLive({ loaded, feedUrl: `nats://127.0.0.1:${closed}`, sinks: [], logger: silent });
      expect(feedRun.status).toBe('failed');
      expect((feedRun.failure?.error as Error).message).toBe(
        `cannot connect to nats://127.0.0.1:${closed}: connection refused (connect ECONNREFUSED 127.0.0.1:${closed})`,
      );
      const sink = new NatsSink(
        parseCamel(LiveSinkSchema, { type: 'nats', url: `nats://127.0.0.1:${closed}` }) as NatsSinkConfig,
        silent,
      );
      const sinkRun = await runLive({
        loaded,
        feedUrl: 'stdin',
        stdin: Readable.from([]),
        sinks: [sink],
        logger: silent,
      });
      expect(sinkRun.failure?.error).toBeInstanceOf(LiveError);
      expect(
        () =>
          new NatsSink(
            parseCamel(LiveSinkSchema, { type: 'nats', url: 'http://127.0.0.1:4222' }) as NatsSinkConfig,
            silent,
          ),
      ).toThrow("'http://127.0.0.1:4222': expected nats://host:port[/subject]");
      await expect(openNatsReplayOutput('nats://:4222/x y', ['SPY'], { logger: silent })).rejects.toThrow(
        /^'nats:\/\/:4222\/x y': /,
      );
      expect((await sub.exit).code).toBe(1);
      expect(sub.stderr.trim()).toBe(
        `subscribe: cannot connect to nats://127.0.0.1:${closed}: connection refused (connect ECONNREFUSED 127.0.0.1:${closed})`,
      );
      expect(openTcpHandles()).toEqual([]);
    });
  },
);
