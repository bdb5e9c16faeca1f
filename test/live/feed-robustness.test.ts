import type { AddressInfo } from 'node:net';
import { parseCamel } from '../../src/config/schema-keys.ts';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { loadLiveWorkflow } from '../../src/live/load-live.ts';
import { encodeBar } from '../../src/data/feeds/messages.ts';
import type { ReplayServer } from '../../src/live/replay-server.ts';
import { runLive, type SignalMessage } from '../../src/live/run-live.ts';
import { LiveSchema } from '../../src/config/schema/live.ts';
import {
  LIVE_CONFIG,
  MemorySink,
  openTcpHandles,
  referenceSignals,
  silent,
  splitSpy,
  SPY_BARS,
  spyFeed,
  spyHistory,
} from '../helpers/live.ts';

const HISTORY = 15_000;
/** Reconnect quickly in tests. */
const live = parseCamel(LiveSchema, { feed: { reconnect: { initial_delay_ms: 50, max_delay_ms: 400, jitter: 0.2 } } });

function memoryLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (s: string) => lines.push(JSON.parse(s) as { level: number; msg: string }) },
  );
  return { logger, warnings: () => lines.filter((l) => l.level === 40).map((l) => l.msg) };
}

let reference: SignalMessage[];
beforeAll(async () => {
  reference = await referenceSignals(LIVE_CONFIG);
});

describe('the WebSocket feed when the replay server dies mid-stream and comes back', () => {
  it('reconnects with backoff; the resumed server repeats bars, which are dropped: no signal lost or doubled', async () => {
    const { history, liveStart } = splitSpy(HISTORY);
    const loaded = await loadLiveWorkflow(LIVE_CONFIG);
    const { logger, warnings } = memoryLogger();
    let second: Promise<ReplayServer> | undefined;
    const first: ReplayServer = await spyFeed(liveStart, {
      // Crash after 1,000 bars; 300 ms later a new server on the same port replays the
      // live part from its start again (the client has seen part of it).
      onBar: (sent) => {
        if (sent !== 1000) return;
        second = first
          .kill()
          .then(() => new Promise((r) => setTimeout(r, 300)))
          .then(() => spyFeed(liveStart, { listen: `ws://127.0.0.1:${first.port}` }));
      },
    });
    const memory = new MemorySink();
    const outcome = await runLive({
      loaded,
      live,
      feedUrl: first.url,
      warmup: spyHistory(history),
      sinks: [memory],
      logger,
      random: () => 0.5,
    });
    const firstRun = await first.done;
    const secondRun = await (await second!).done;

    expect(firstRun.bars).toBe(1000);
    expect(secondRun).toMatchObject({ bars: SPY_BARS - HISTORY, reason: 'complete' });
    expect(outcome).toMatchObject({ status: 'completed', feedEnd: 'end message', liveBars: SPY_BARS - HISTORY });
    expect(outcome.feed).toMatchObject({ connects: 2, reconnects: 1, malformed: 0 });
    // Every bar the dead server had delivered came again and was dropped.
    expect(outcome.source.duplicates).toBeGreaterThan(0);
    expect(outcome.source.duplicates).toBeLessThanOrEqual(1000);
    expect(outcome.source.outOfOrder).toBe(0);
    expect(warnings().some((w) => /reconnecting in \d+ ms \(attempt 1\)/.test(w))).toBe(true);
    expect(memory.of('signal')).toEqual(reference.filter((s) => s.seq >= HISTORY));
    await new Promise((r) => setTimeout(r, 50));
    expect(openTcpHandles()).toEqual([]);
  });
});

describe('a feed faster than the graph', () => {
  it('overflow block: pauses the WebSocket (backpressure to the server) instead of dropping bars', async () => {
    const { history, liveStart } = splitSpy(HISTORY);
    const feed = await spyFeed(liveStart);
    // A sink that is always behind: every chunk waits for it, so bars pile up in the buffer.
    const slow = new MemorySink();
    Object.defineProperty(slow, 'needsDrain', { value: true });
    slow.drained = () => new Promise((r) => setTimeout(r, 2));
    const cfg = parseCamel(LiveSchema, { buffer: { max_bars: 50, overflow: 'block' } });
    const outcome = await runLive({
      loaded: await loadLiveWorkflow(LIVE_CONFIG),
      live: cfg,
      feedUrl: feed.url,
      warmup: spyHistory(history),
      sinks: [slow],
      logger: silent,
    });
    await feed.done;
    expect(outcome).toMatchObject({ status: 'completed', liveBars: SPY_BARS - HISTORY });
    expect(outcome.source.pauses).toBeGreaterThan(0);
    expect(outcome.source.dropped).toBe(0);
    expect(slow.of('signal')).toEqual(reference.filter((s) => s.seq >= HISTORY));
  });
});

describe('a misbehaving feed', () => {
  it('skips and counts malformed messages, drops duplicates, rejects out-of-order bars, reports the gap, survives a dropped connection', async () => {
    const t0 = Date.parse('2025-01-06T15:00:00Z');
    const bar = (i: number, symbol = 'SPY') =>
      encodeBar(symbol, t0 + i * 300_000, 100 + i, 101 + i, 99 + i, 100.5 + i, 1000);
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    let connection = 0;
    wss.on('connection', (ws: WebSocket) => {
      connection++;
      if (connection === 1) {
        for (let i = 0; i < 10; i++) ws.send(bar(i));
        for (const junk of [
          'not json',
          '{"type":"bar"}',
          '{"type":"bar","symbol":"SPY","ts":"2025-01-06T16:00:00Z","open":1,"high":1,"low":1,"close":null}',
          '[1,2]',
        ])
          ws.send(junk);
        ws.send(bar(10, 'IWM'));
        ws.send('{"type":"heartbeat"}');
        setTimeout(() => ws.terminate(), 20);
      } else {
        // 8, 9 and 11 again are repeats; 15:36 never came and is late; 13 and 14 are missing.
        for (const i of [8, 9, 10, 11, 12, 11, 7.2, 15]) ws.send(bar(i));
        ws.send('{"type":"end"}');
      }
    });
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    const { logger, warnings } = memoryLogger();
    const memory = new MemorySink();
    const outcome = await runLive({
      loaded: await loadLiveWorkflow(LIVE_CONFIG),
      live,
      feedUrl: url,
      sinks: [memory],
      logger,
    });
    await new Promise<void>((r) => wss.close(() => r()));

    expect(outcome).toMatchObject({ status: 'completed', feedEnd: 'end message', liveBars: 14 });
    expect(outcome.feed).toMatchObject({ malformed: 5, other: 1, connects: 2, reconnects: 1 });
    expect(outcome.source).toMatchObject({ duplicates: 3, outOfOrder: 1, ignoredSymbol: 1, gaps: 1, missingBars: 2 });
    expect(memory.of('gap')).toEqual([
      { type: 'gap', symbol: 'SPY', after: '2025-01-06T16:00:00.000Z', before: '2025-01-06T16:15:00.000Z', missing: 2 },
    ]);
    expect(warnings().filter((w) => w.startsWith('malformed feed message skipped'))).toHaveLength(5);
    expect(warnings().some((w) => w.startsWith('bar out of order: SPY 2025-01-06T15:36:00.000Z'))).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(openTcpHandles()).toEqual([]);
  });

  it('fails cleanly after max_attempts when no feed answers', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    const port = (wss.address() as AddressInfo).port;
    await new Promise<void>((r) => wss.close(() => r())); // nobody listens on it now
    const cfg = parseCamel(LiveSchema, { feed: { reconnect: { initial_delay_ms: 10, max_attempts: 3 } } });
    const memory = new MemorySink();
    const outcome = await runLive({
      loaded: await loadLiveWorkflow(LIVE_CONFIG),
      live: cfg,
      feedUrl: `ws://127.0.0.1:${port}`,
      sinks: [memory],
      logger: silent,
    });
    expect(outcome.status).toBe('failed');
    expect(String(outcome.failure?.error)).toMatch(/gave up after 3 reconnect attempts/);
    expect(memory.messages.at(-1)).toMatchObject({ type: 'end', reason: 'failed' });
    await new Promise((r) => setTimeout(r, 50));
    expect(openTcpHandles()).toEqual([]);
  });

  it('drops a connection that stays open but silent (no message, no pong) and reconnects: heartbeat', async () => {
    // autoPong off: the server neither talks nor answers pings, like a hung peer behind a live TCP connection.
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
    await new Promise((r) => wss.once('listening', r));
    let connections = 0;
    wss.on('connection', (ws: WebSocket) => {
      connections++;
      if (connections === 1) ws.send(encodeBar('SPY', Date.parse('2025-01-06T15:00:00Z'), 1, 1, 1, 1, 1));
      else {
        ws.send(encodeBar('SPY', Date.parse('2025-01-06T15:05:00Z'), 1, 1, 1, 1, 1));
        ws.send(JSON.stringify({ type: 'end' }));
      }
    });
    const cfg = parseCamel(LiveSchema, { feed: { heartbeat_ms: 100, reconnect: { initial_delay_ms: 10 } } });
    const outcome = await runLive({
      loaded: await loadLiveWorkflow(LIVE_CONFIG),
      live: cfg,
      feedUrl: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
      sinks: [new MemorySink()],
      logger: silent,
    });
    await new Promise<void>((r) => wss.close(() => r()));
    expect(outcome).toMatchObject({ status: 'completed', feedEnd: 'end message', liveBars: 2 });
    expect(outcome.feed).toMatchObject({ connects: 2, reconnects: 1, heartbeatTimeouts: 1 });
    await new Promise((r) => setTimeout(r, 50));
    expect(openTcpHandles()).toEqual([]);
  });

  it('stops cleanly when aborted (Ctrl-C) while waiting for bars', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (ws: WebSocket) =>
      ws.send(encodeBar('SPY', Date.parse('2025-01-06T15:00:00Z'), 1, 1, 1, 1, 1)),
    );
    const abort = new AbortController();
    const memory = new MemorySink();
    const running = runLive({
      loaded: await loadLiveWorkflow(LIVE_CONFIG),
      live,
      feedUrl: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
      sinks: [memory],
      logger: silent,
      signal: abort.signal,
    });
    await new Promise((r) => setTimeout(r, 300));
    abort.abort();
    const outcome = await running;
    await new Promise<void>((r) => wss.close(() => r()));
    expect(outcome).toMatchObject({ status: 'cancelled', feedEnd: 'stopped', liveBars: 1 });
    expect(memory.closed).toBe(true);
    expect(memory.messages.at(-1)).toEqual({ type: 'end', reason: 'interrupted', bars: 1, signals: 0 });
    await new Promise((r) => setTimeout(r, 50));
    expect(openTcpHandles()).toEqual([]);
  });
});
