import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MemoryBarSource } from '../../src/data/memory-source.ts';
import { mergeSources } from '../../src/data/merge-sources.ts';
import { BroadcastServer } from '../../src/transport/websocket/broadcast-server.ts';
import { parseSpeed, replay, type ReplayOutput } from '../../src/live/replay.ts';
import { startReplayServer } from '../../src/live/replay-server.ts';
import { openTcpHandles, silent } from '../helpers/live.ts';

const MIN = 60_000;
const T0 = Date.parse('2025-01-06T15:00:00Z');

/** `n` one-minute bars of `symbol`, from T0 + offset. */
function bars(symbol: string, n: number, step = MIN, offset = 0): MemoryBarSource {
  const ts = Array.from({ length: n }, (_, i) => T0 + offset + i * step);
  const px = ts.map((_, i) => 100 + i);
  return new MemoryBarSource(symbol, { ts, open: px, high: px, low: px, close: px, volume: px });
}

/** An output that records what was sent and when. */
function recorder(): ReplayOutput & { lines: string[]; times: number[] } {
  const lines: string[] = [];
  const times: number[] = [];
  return {
    lines,
    times,
    send: (t) => (lines.push(t), void times.push(performance.now())),
    needsDrain: false,
    drained: () => Promise.resolve(),
  };
}

describe('replay', () => {
  it('parses speeds', () => {
    expect(['max', '1x', '60x', '0.5x', '10'].map(parseSpeed)).toEqual(['max', 1, 60, 0.5, 10]);
    expect(['0x', 'fast', '-2x', ''].map(parseSpeed)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('sends several symbols merged by (timestamp, symbol), then the end message', async () => {
    const out = recorder();
    const result = await replay({
      source: mergeSources([bars('SPY', 3), bars('QQQ', 2, MIN, 30_000)]),
      speed: 'max',
      output: out,
      logger: silent,
    });
    const sent = out.lines.map((l) => JSON.parse(l) as { type: string; symbol?: string; ts?: string });
    expect(sent.map((m) => (m.type === 'bar' ? `${m.symbol} ${m.ts!.slice(11, 19)}` : m.type))).toEqual([
      'SPY 15:00:00',
      'QQQ 15:00:30',
      'SPY 15:01:00',
      'QQQ 15:01:30',
      'SPY 15:02:00',
      'end',
    ]);
    expect(sent.at(-1)).toEqual({ type: 'end', reason: 'complete', bars: 5 });
    expect(result).toMatchObject({ bars: 5, reason: 'complete' });
  });

  it('keeps the real bar spacing divided by the speed (1-minute bars at 600x: 100 ms apart)', async () => {
    const out = recorder();
    await replay({ source: bars('SPY', 5), speed: 600, output: out, logger: silent });
    // The schedule is anchored at the first bar: bar k is due 100·k ms after it, never
    // earlier; a bar the event loop delivered late is followed by a shorter gap, so the
    // schedule is met again (on a loaded machine single gaps of 57 ms were seen).
    const since = out.times.map((t) => t - out.times[0]!);
    for (let k = 1; k < 5; k++) expect(since[k]).toBeGreaterThanOrEqual(100 * k - 5);
    expect(since[4]).toBeLessThan(400 + 150);
  });

  it('cuts long waits (nights, weekends) to max-wait at a paced speed', async () => {
    const out = recorder();
    const t = performance.now();
    await replay({ source: bars('SPY', 3, 24 * 60 * MIN), speed: 1, output: out, logger: silent, maxWaitMs: 40 });
    expect(performance.now() - t).toBeLessThan(1000);
    expect(out.times[2]! - out.times[0]!).toBeGreaterThanOrEqual(75);
  });

  it('at max speed waits whenever the output needs draining (backpressure)', async () => {
    let queued = 0;
    let draining = false;
    let waits = 0;
    const output: ReplayOutput = {
      send: () => {
        expect(draining).toBe(false);
        queued++;
      },
      get needsDrain() {
        return queued >= 100;
      },
      drained: () => {
        draining = true;
        waits++;
        return new Promise((r) =>
          setTimeout(() => {
            queued = 0;
            draining = false;
            r();
          }, 1),
        );
      },
    };
    const result = await replay({ source: bars('SPY', 1000), speed: 'max', output, logger: silent });
    expect(result.bars).toBe(1000);
    expect(waits).toBe(10);
  });

  it('stops at once when aborted (Ctrl-C), and says so in the end message', async () => {
    const out = recorder();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 150);
    const result = await replay({
      source: bars('SPY', 100),
      speed: 60,
      output: out,
      logger: silent,
      signal: abort.signal,
    });
    expect(result.reason).toBe('interrupted');
    expect(result.bars).toBeGreaterThan(0);
    expect(result.bars).toBeLessThan(10);
    expect(JSON.parse(out.lines.at(-1)!)).toEqual({ type: 'end', reason: 'interrupted', bars: result.bars });
  });
});

describe('the replay feed on a WebSocket server', () => {
  it('waits for a client, sends hello, bars and end to every client, then closes', async () => {
    const server = await startReplayServer({
      source: bars('SPY', 50),
      listen: 'ws://127.0.0.1:0',
      speed: 'max',
      logger: silent,
      waitClients: 2,
    });
    const collect = () =>
      new Promise<string[]>((resolve) => {
        const got: string[] = [];
        const ws = new WebSocket(server.url);
        ws.on('message', (d) => got.push(String(d)));
        ws.on('close', () => resolve(got));
      });
    const a = collect();
    await new Promise((r) => setTimeout(r, 100));
    const b = collect();
    const [ma, mb] = await Promise.all([a, b]);
    expect((await server.done).bars).toBe(50);
    expect(ma).toEqual(mb);
    expect(ma).toHaveLength(52);
    expect(JSON.parse(ma[0]!)).toMatchObject({
      type: 'hello',
      feed: 'sluice-replay',
      version: 1,
      symbols: ['SPY'],
      speed: 'max',
    });
    expect(JSON.parse(ma[51]!)).toEqual({ type: 'end', reason: 'complete', bars: 50 });
    await new Promise((r) => setTimeout(r, 50));
    expect(openTcpHandles()).toEqual([]);
  });

  it('a client that reads nothing holds the server back: needsDrain until it reads again', async () => {
    const server = await BroadcastServer.listen('ws://127.0.0.1:0', {
      logger: silent,
      name: 'test',
      highWaterMark: 64 * 1024,
    });
    const client = new WebSocket(server.url);
    await new Promise((r) => client.once('open', r));
    await server.waitForClients(1);
    client.pause();
    const payload = 'x'.repeat(16 * 1024);
    // Send in turns of the event loop (each turn's burst is written out at its end) until
    // the kernel's socket buffers are full and the rest queues in the server.
    for (let turn = 0; turn < 2000 && !server.needsDrain; turn++) {
      for (let i = 0; i < 16; i++) server.send(payload);
      await new Promise((r) => setImmediate(r));
    }
    expect(server.needsDrain).toBe(true);
    let drained = false;
    const waiting = server.drained().then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(drained).toBe(false);
    let received = 0;
    client.on('message', () => received++);
    client.resume();
    await waiting;
    expect(server.needsDrain).toBe(false);
    await server.close();
    expect(received).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(openTcpHandles()).toEqual([]);
  });
});
