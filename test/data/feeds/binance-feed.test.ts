import { spawn, type ChildProcess } from 'node:child_process';
import { parseCamel } from '../../../src/config/schema-keys.ts';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { LiveSchema } from '../../../src/config/schema/live.ts';
import { binanceStreamUrl } from '../../../src/data/feeds/binance-feed.ts';
import { loadLiveWorkflow } from '../../../src/live/load-live.ts';
import { runLive, type SignalMessage } from '../../../src/live/run-live.ts';
import { ROOT, until } from '../../helpers/cli.ts';
import {
  LIVE_CONFIG,
  MemorySink,
  openTcpHandles,
  referenceSignals,
  runLiveUntilSignals,
  silent,
  splitSpy,
  SPY_BARS,
  SPY_CSV,
} from '../../helpers/live.ts';
import {
  clientHasRead,
  completeLines,
  klineMessage,
  listen,
  minutesOf,
  pump,
  READ_PING,
  spyBars,
  type TestServer,
} from '../../helpers/provider-servers.ts';

const HISTORY = 15_000;
const LIVE_BARS = SPY_BARS - HISTORY;
let expected: SignalMessage[];
let split: ReturnType<typeof splitSpy>;
/** Every closed 1-minute kline of the live part, with an open-kline update before each bar's third minute. */
let messages: string[];

beforeAll(async () => {
  split = splitSpy(HISTORY);
  expected = (await referenceSignals(LIVE_CONFIG)).filter((s) => s.seq >= HISTORY);
  messages = [];
  for (const bar of spyBars(split.liveStart)) {
    minutesOf(bar).forEach((m, i) => {
      if (i === 2)
        messages.push(
          klineMessage('SPY', '1m', { ...m, close: m.open, low: Math.min(m.open, m.low), high: m.high }, 60_000, false),
        );
      messages.push(klineMessage('SPY', '1m', m, 60_000, true));
    });
  }
});

/**
 * A Binance combined-stream server: checks the stream path, pings each client, and sends
 * the klines from where the last connection stopped. The first connection is cut off
 * (TCP reset, no close frame) at `cutAt`, the second closed properly at `closeAt` as
 * Binance does after 24 hours; the third sends the rest and stays open, as Binance does.
 */
async function binanceServer(
  cutAt: number,
  closeAt: number,
): Promise<TestServer & { paths: string[]; pongs: () => number; sent: () => number }> {
  const server = await listen();
  const paths: string[] = [];
  let pongs = 0;
  let cursor = 0;
  let connection = 0;
  server.wss.on('connection', (ws: WebSocket, req) => {
    connection++;
    paths.push(req.url ?? '');
    ws.on('pong', (data) => {
      if (data.toString() !== READ_PING) pongs++;
    });
    ws.ping();
    const upTo = connection === 1 ? cutAt : connection === 2 ? closeAt : messages.length;
    const n = connection;
    void (async () => {
      const sent = await pump(ws, messages.slice(cursor, upTo), () => false);
      cursor += sent;
      if (n === 3) return;
      await until('the socket to drain', () => ws.bufferedAmount === 0, 5000);
      await new Promise((r) => setTimeout(r, 50));
      await clientHasRead(ws);
      if (n === 1) ws.terminate();
      else ws.close(1000, 'connection open for 24 hours');
    })();
  });
  return { ...server, paths, pongs: () => pongs, sent: () => cursor };
}

describe('the Binance kline feed against a local combined-stream server', () => {
  it("aggregates closed 1-minute klines to 5-minute bars and gives the historical run's signals through a reset and a 24-hour close", async () => {
    // Cuts in the middle of bars (after their second and fourth minute): the open 5-minute bar survives the reconnect.
    const cutAt = 6 * 3000 + 2;
    const closeAt = 6 * 4500 + 5;
    const server = await binanceServer(cutAt, closeAt);
    const live = parseCamel(LiveSchema, {
      feed: { type: 'binance', url: server.url, reconnect: { initial_delay_ms: 50, max_delay_ms: 200 } },
    });
    const { outcome, memory } = await runLiveUntilSignals({
      live,
      history: split.history,
      sentAll: () => server.sent() === messages.length,
      what: 'every kline to be sent',
      signals: expected.length,
    });
    await server.close();

    expect(server.paths).toEqual(Array(3).fill('/stream?streams=spy@kline_1m'));
    expect(server.pongs()).toBe(3);
    expect(outcome).toMatchObject({ status: 'cancelled', feedEnd: 'stopped', liveBars: LIVE_BARS });
    expect(outcome.feed).toMatchObject({ connects: 3, reconnects: 2, malformed: 0, other: LIVE_BARS });
    expect(outcome.provider).toMatchObject({
      name: 'binance',
      bars: LIVE_BARS,
      openKlines: LIVE_BARS,
      late: 0,
      replaced: 0,
    });
    expect(outcome.source).toMatchObject({ duplicates: 0, outOfOrder: 0, gaps: expect.any(Number) as number });
    expect(memory.of('signal')).toEqual(expected);
    await new Promise((r) => setTimeout(r, 50));
    expect(openTcpHandles()).toEqual([]);
  });

  it('--feed binance (the flag form) skips hostile messages among the klines, counted as malformed', async () => {
    const server = await listen();
    const t0 = Date.parse('2025-01-06T15:00:00Z');
    const minute = (i: number, o = 100 + i) => ({
      ts: t0 + i * 60_000,
      open: o,
      high: o + 1,
      low: o - 1,
      close: o + 0.5,
      volume: 10,
    });
    const kline = (i: number) => klineMessage('SPY', '1m', minute(i), 60_000, true);
    const hostile = [
      'not json',
      '{"stream":"spy@kline_1m","data":[1,2]}',
      kline(5).replace(/"o":"[^"]*"/, '"o":"abc"'),
      kline(6).replace(/"h":"[^"]*"/, '"h":"1"'),
      klineMessage('SPY', '1m', { ...minute(7), ts: Date.parse('2099-01-01T00:00:00Z') }, 60_000, true),
      `{"stream":"spy@kline_1m","data":{"e":"kline","s":"SPY","k":${'['.repeat(40)}${']'.repeat(40)}}}`,
    ];
    let sent = false;
    server.wss.on('connection', (ws: WebSocket) => {
      for (let i = 0; i < 5; i++) ws.send(kline(i));
      for (const h of hostile) ws.send(h);
      for (let i = 5; i < 10; i++) ws.send(kline(i));
      sent = true;
    });
    const memory = new MemorySink();
    const abort = new AbortController();
    const loaded = await loadLiveWorkflow(LIVE_CONFIG);
    const live = parseCamel(LiveSchema, { feed: { url: server.url } });
    const run = runLive({ loaded, live, feedUrl: 'binance', sinks: [memory], logger: silent, signal: abort.signal });
    await until('the messages to be sent', () => sent);
    await new Promise((r) => setTimeout(r, 300));
    abort.abort();
    const outcome = await run;
    await server.close();
    expect(outcome).toMatchObject({ liveBars: 2, status: 'cancelled' });
    expect(outcome.feed).toMatchObject({ messages: 16, malformed: 6 });
    expect(outcome.provider).toMatchObject({ name: 'binance', bars: 2 });
  });

  it('builds the combined-stream URL from the symbols and the interval', () => {
    expect(binanceStreamUrl('wss://stream.binance.com:9443/', ['BTCUSDT', 'ethusdt'], '1m')).toBe(
      'wss://stream.binance.com:9443/stream?streams=btcusdt@kline_1m/ethusdt@kline_1m',
    );
  });
});

describe('sluice live <config> with live.feed.type: binance', () => {
  const started: ChildProcess[] = [];
  afterEach(() => {
    for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  it("writes the historical run's signals through a dropped connection, and exits 0 on SIGTERM", async () => {
    const server = await binanceServer(6 * 2000 + 3, 6 * 4000 + 1);
    const config = join(split.dir, 'binance.yaml');
    const text = readFileSync(LIVE_CONFIG, 'utf8').replace(/path: .*SPY_5m\.csv/, `path: ${SPY_CSV}`);
    writeFileSync(
      config,
      `${text}live:\n  feed:\n    type: binance\n    url: ${server.url}\n    binance: { interval: 1m }\n    reconnect: { initial_delay_ms: 50, max_delay_ms: 200 }\n`,
    );
    const out = join(split.dir, 'binance-signals.ndjson');
    const child = spawn('node', ['bin/sluice.js', 'live', config, '--warmup', split.history, '--file', out], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    started.push(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const signals = (): SignalMessage[] =>
      existsSync(out)
        ? completeLines(readFileSync(out, 'utf8'))
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l) as SignalMessage)
            .filter((m) => m.type === 'signal')
        : [];
    await until('every kline to be sent', () => server.sent() === messages.length, 90_000);
    await until('the last signal in the file', () => signals().length >= expected.length, 60_000);
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    await server.close();
    expect(signals()).toEqual(expected);
    expect(stderr).toMatch(new RegExp(`${LIVE_BARS} live bars`));
    expect(stderr).toMatch(/2 reconnects/);
    expect(stderr).toMatch(new RegExp(`binance: ${LIVE_BARS} bars aggregated, ${LIVE_BARS} open klines skipped`));
  }, 120_000);
});
