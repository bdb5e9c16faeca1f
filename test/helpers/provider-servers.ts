/**
 * Local stand-ins for market-data providers' WebSocket servers, speaking their documented
 * messages (Binance combined kline streams, Alpaca market data v2), fed with the bundled
 * SPY 5-minute bars cut into minute bars that aggregate back exactly to them.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { SPY_CSV } from './live.ts';

export interface Bar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** SPY_5m.csv's bars from `start` (ISO, inclusive) on. */
export function spyBars(start: string): Bar[] {
  const from = Date.parse(start);
  const rows = readFileSync(SPY_CSV, 'utf8').trim().split('\n').slice(1);
  const bars: Bar[] = [];
  for (const row of rows) {
    const [t, o, h, l, c, v] = row.split(',');
    const ts = Date.parse(t!.replace(' ', 'T'));
    if (ts >= from)
      bars.push({ ts, open: Number(o), high: Number(h), low: Number(l), close: Number(c), volume: Number(v) });
  }
  return bars;
}

/**
 * Five minute bars that aggregate exactly to `b`: open, then up to the high, down to the
 * low, to the close, and flat; integer volumes summing to the bar's.
 */
export function minutesOf(b: Bar): Bar[] {
  const { open: o, high: h, low: l, close: c } = b;
  const q = Math.floor(b.volume / 5);
  const vol = [q, q, q, q, b.volume - 4 * q];
  const path: [number, number, number, number][] = [
    [o, o, o, o],
    [o, h, o, h],
    [h, h, l, l],
    [l, Math.max(l, c), l, c],
    [c, c, c, c],
  ];
  return path.map(([op, hi, lo, cl], i) => ({
    ts: b.ts + i * 60_000,
    open: op,
    high: hi,
    low: lo,
    close: cl,
    volume: vol[i]!,
  }));
}

export interface TestServer {
  readonly wss: WebSocketServer;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function listen(options: ConstructorParameters<typeof WebSocketServer>[0] = {}): Promise<TestServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  await new Promise((r) => wss.once('listening', r));
  const port = (wss.address() as AddressInfo).port;
  return {
    wss,
    port,
    url: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}

/** A Binance kline event (combined-stream wrapper), prices as strings as Binance sends them. */
export function klineMessage(symbol: string, interval: string, m: Bar, intervalMs: number, closed: boolean): string {
  return JSON.stringify({
    stream: `${symbol.toLowerCase()}@kline_${interval}`,
    data: {
      e: 'kline',
      E: m.ts + intervalMs - (closed ? 1 : 30_000),
      s: symbol.toUpperCase(),
      k: {
        t: m.ts,
        T: m.ts + intervalMs - 1,
        s: symbol.toUpperCase(),
        i: interval,
        f: 100,
        L: 200,
        o: String(m.open),
        c: String(m.close),
        h: String(m.high),
        l: String(m.low),
        v: String(m.volume),
        n: 100,
        x: closed,
        q: '0',
        V: '0',
        Q: '0',
        B: '0',
      },
    },
  });
}

/** Sends `send()`s one after another, yielding to the event loop every `every` messages (so the client reads as we go). */
export async function pump(
  ws: WebSocket,
  messages: Iterable<string>,
  stop: () => boolean,
  every = 200,
): Promise<number> {
  let n = 0;
  for (const m of messages) {
    if (stop() || ws.readyState !== ws.OPEN) break;
    ws.send(m);
    n++;
    if (n % every === 0) await new Promise((r) => setImmediate(r));
  }
  return n;
}

/** The payload of {@link clientHasRead}'s ping, for servers that count the client's other pongs. */
export const READ_PING = 'read-everything';

/**
 * Resolves once the client has read every message sent on `ws` before this call: its pong
 * to a ping sent after them comes only once it parsed what came before. A server that cuts
 * the connection (`terminate`, a TCP reset) must wait for it: a reset discards what still
 * sits unread in the client's kernel buffers, megabytes on loopback when the client is
 * slow (a loaded machine), which would be messages lost by the test, not by the feed.
 */
export function clientHasRead(ws: WebSocket, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the client did not answer the read ping')), timeoutMs);
    const onPong = (data: Buffer): void => {
      if (data.toString() !== READ_PING) return;
      clearTimeout(timer);
      ws.off('pong', onPong);
      resolve();
    };
    ws.on('pong', onPong);
    ws.ping(READ_PING);
  });
}

/** The complete lines of a file being written (a last line without its newline is not yet whole). */
export function completeLines(text: string): string[] {
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n');
}
