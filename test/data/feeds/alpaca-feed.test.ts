import { spawn, type ChildProcess } from 'node:child_process';
import { parseCamel } from '../../../src/config/schema-keys.ts';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { LiveSchema } from '../../../src/config/schema/live.ts';
import { alpacaCredentials } from '../../../src/data/credentials.ts';
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
  listen,
  minutesOf,
  pump,
  spyBars,
  type Bar,
  type TestServer,
} from '../../helpers/provider-servers.ts';

const HISTORY = 15_000;
const LIVE_BARS = SPY_BARS - HISTORY;
const KEY = 'PKTESTKEY0000000000A';
const SECRET = 'sEcReT-9f8e7d6c5b4a39281706f5e4d3c2b1a0ZZ';
let expected: SignalMessage[];
let split: ReturnType<typeof splitSpy>;
/** The live part as Alpaca minute-bar messages (JSON arrays). */
let messages: string[];
/** Every 10th 5-minute bar: a wrong minute corrected by `T: "u"` while its bar is open, and a correction after the bar is out. */
const CORRECTED = 10;

const iso = (ts: number) => new Date(ts).toISOString().replace('.000Z', 'Z');
const alpacaBar = (T: 'b' | 'u', m: Bar) => ({
  T,
  S: 'SPY',
  o: m.open,
  h: m.high,
  l: m.low,
  c: m.close,
  v: m.volume,
  t: iso(m.ts),
  n: 42,
  vw: m.close,
});

beforeAll(async () => {
  split = splitSpy(HISTORY);
  expected = (await referenceSignals(LIVE_CONFIG)).filter((s) => s.seq >= HISTORY);
  messages = [];
  spyBars(split.liveStart).forEach((bar, k) => {
    const [m0, m1, m2, m3, m4] = minutesOf(bar) as [Bar, Bar, Bar, Bar, Bar];
    messages.push(JSON.stringify([alpacaBar('b', m0)]));
    if (k % CORRECTED === 0) {
      messages.push(JSON.stringify([alpacaBar('b', { ...m1, high: m1.high + 5, volume: m1.volume + 7 })]));
      messages.push(JSON.stringify([alpacaBar('u', m1)]));
    } else messages.push(JSON.stringify([alpacaBar('b', m1)]));
    // Two minutes in one message, as Alpaca batches.
    messages.push(JSON.stringify([alpacaBar('b', m2), alpacaBar('b', m3)]));
    messages.push(JSON.stringify([alpacaBar('b', m4)]));
    if (k % CORRECTED === 0) messages.push(JSON.stringify([alpacaBar('u', { ...m3, low: m3.low - 1 })]));
  });
});

type Mode = 'ok' | 402 | 405 | 406 | 409;

/**
 * An Alpaca market-data stream: connected → auth → authenticated (or an error) →
 * subscribe → subscription → minute bars. In `ok` mode the first connection is cut off
 * at `cutAt`, the second is refused with 406 (connection limit: the old one "not gone
 * yet") and the third streams the rest and stays open.
 */
async function alpacaServer(
  mode: Mode,
  cutAt = 0,
): Promise<TestServer & { received: Record<string, unknown>[]; sent: () => number }> {
  const server = await listen();
  const received: Record<string, unknown>[] = [];
  let cursor = 0;
  let connection = 0;
  const error = (ws: WebSocket, code: number, msg: string) => {
    ws.send(JSON.stringify([{ T: 'error', code, msg }]));
    ws.close();
  };
  server.wss.on('connection', (ws: WebSocket) => {
    const n = ++connection;
    let authed = false;
    ws.send(JSON.stringify([{ T: 'success', msg: 'connected' }]));
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      received.push(m);
      if (m['action'] === 'auth') {
        if (m['key'] !== KEY || m['secret'] !== SECRET || mode === 402) return error(ws, 402, 'auth failed');
        if (mode === 406 || (mode === 'ok' && n === 2)) return error(ws, 406, 'connection limit exceeded');
        authed = true;
        ws.send(JSON.stringify([{ T: 'success', msg: 'authenticated' }]));
        return;
      }
      if (m['action'] === 'subscribe') {
        if (!authed) return error(ws, 401, 'not authenticated');
        if (mode === 405) return error(ws, 405, 'symbol limit exceeded');
        if (mode === 409) return error(ws, 409, 'insufficient subscription');
        ws.send(
          JSON.stringify([
            {
              T: 'subscription',
              trades: [],
              quotes: [],
              bars: m['bars'],
              updatedBars: m['updatedBars'] ?? [],
              dailyBars: [],
              statuses: [],
              lulds: [],
              corrections: [],
              cancelErrors: [],
            },
          ]),
        );
        void (async () => {
          const upTo = n === 1 ? cutAt : messages.length;
          cursor += await pump(ws, messages.slice(cursor, upTo), () => false);
          if (n !== 1) return;
          await until('the socket to drain', () => ws.bufferedAmount === 0, 5000);
          await new Promise((r) => setTimeout(r, 50));
          await clientHasRead(ws);
          ws.terminate();
        })();
      }
    });
  });
  return { ...server, received, sent: () => cursor };
}

const fastReconnect = { initial_delay_ms: 50, max_delay_ms: 200 };
const env = { APCA_API_KEY_ID: KEY, APCA_API_SECRET_KEY: SECRET };

describe('the Alpaca feed against a local market-data stream', () => {
  it("authenticates, subscribes, aggregates minute bars (corrections applied while open) and gives the historical run's signals through a reset and a 406", async () => {
    const server = await alpacaServer('ok', 7000);
    const live = parseCamel(LiveSchema, { feed: { type: 'alpaca', url: server.url, reconnect: fastReconnect } });
    const { outcome, memory } = await runLiveUntilSignals({
      live,
      env,
      history: split.history,
      sentAll: () => server.sent() === messages.length,
      what: 'every bar to be sent',
      signals: expected.length,
    });
    await server.close();

    const auth = { action: 'auth', key: KEY, secret: SECRET };
    const subscribe = { action: 'subscribe', bars: ['SPY'], updatedBars: ['SPY'] };
    expect(server.received).toEqual([auth, subscribe, auth, auth, subscribe]);
    expect(outcome).toMatchObject({ status: 'cancelled', liveBars: LIVE_BARS });
    expect(outcome.feed).toMatchObject({ connects: 3, reconnects: 2, malformed: 0 });
    const corrected = Math.ceil(LIVE_BARS / CORRECTED);
    expect(outcome.provider).toMatchObject({
      name: 'alpaca',
      bars: LIVE_BARS,
      updates: 2 * corrected,
      replaced: corrected,
      lateUpdates: corrected,
      late: 0,
      outsideSession: 0,
    });
    expect(memory.of('signal')).toEqual(expected);
    await new Promise((r) => setTimeout(r, 50));
    expect(openTcpHandles()).toEqual([]);
  });

  it('bars_from: trades — subscribes to trades and builds the bars from them with the tick aggregator', async () => {
    const server = await listen();
    const received: Record<string, unknown>[] = [];
    const bars = spyBars(split.liveStart);
    let sent = false;
    const stamp = (ts: number) => new Date(ts).toISOString().replace('Z', '456789Z'); // nanoseconds, as Alpaca sends them
    server.wss.on('connection', (ws: WebSocket) => {
      ws.send(JSON.stringify([{ T: 'success', msg: 'connected' }]));
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as Record<string, unknown>;
        received.push(m);
        if (m['action'] === 'auth') ws.send(JSON.stringify([{ T: 'success', msg: 'authenticated' }]));
        if (m['action'] !== 'subscribe') return;
        ws.send(JSON.stringify([{ T: 'subscription', trades: ['SPY'], bars: [] }]));
        // Open, high, low, close as four trades a second apart; sizes summing to the volume.
        const trades = bars.flatMap((b) => {
          const q = Math.floor(b.volume / 4);
          return [b.open, b.high, b.low, b.close].map((p, i) => ({
            T: 't',
            S: 'SPY',
            i: i + 1,
            x: 'V',
            p,
            s: i === 3 ? b.volume - 3 * q : q,
            t: stamp(b.ts + i * 1000),
            c: ['@'],
            z: 'B',
          }));
        });
        // One more trade, of the interval after the last bar: it closes that bar.
        trades.push({
          T: 't',
          S: 'SPY',
          i: 9,
          x: 'V',
          p: 500,
          s: 1,
          t: stamp(bars.at(-1)!.ts + 300_000),
          c: ['@'],
          z: 'B',
        });
        void pump(
          ws,
          Array.from({ length: Math.ceil(trades.length / 8) }, (_, k) =>
            JSON.stringify(trades.slice(k * 8, k * 8 + 8)),
          ),
          () => false,
        ).then(() => (sent = true));
      });
    });
    const live = parseCamel(LiveSchema, { feed: { type: 'alpaca', url: server.url, alpaca: { bars_from: 'trades' } } });
    const { outcome, memory } = await runLiveUntilSignals({
      live,
      env,
      history: split.history,
      sentAll: () => sent,
      what: 'every trade to be sent',
      signals: expected.length,
    });
    await server.close();
    expect(received[1]).toEqual({ action: 'subscribe', trades: ['SPY'] });
    expect(outcome).toMatchObject({
      liveBars: LIVE_BARS,
      ticks: { trades: 4 * LIVE_BARS + 1, bars: LIVE_BARS, late: 0 },
    });
    expect(memory.of('signal')).toEqual(expected);
  });

  it('--feed alpaca (the flag form) skips hostile messages among the bars, counted as malformed', async () => {
    const server = await listen();
    const t0 = Date.parse('2025-01-06T15:00:00Z');
    const minute = (i: number, o = 100 + i): Bar => ({
      ts: t0 + i * 60_000,
      open: o,
      high: o + 1,
      low: o - 1,
      close: o + 0.5,
      volume: 10,
    });
    const b = (i: number, over: Record<string, unknown> = {}) =>
      JSON.stringify([{ ...alpacaBar('b', minute(i)), ...over }]);
    const hostile = [
      'not json',
      b(5, { o: 'abc' }),
      b(6, { h: 1 }),
      b(7, { t: '2099-01-01T00:00:00Z' }),
      b(8, { S: 7 }),
      `[{"T":"b","S":"SPY","o":${'['.repeat(40)}${']'.repeat(40)}}]`,
      '[17]',
    ];
    let sent = false;
    server.wss.on('connection', (ws: WebSocket) => {
      ws.send(JSON.stringify([{ T: 'success', msg: 'connected' }]));
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as Record<string, unknown>;
        if (m['action'] === 'auth') ws.send(JSON.stringify([{ T: 'success', msg: 'authenticated' }]));
        if (m['action'] !== 'subscribe') return;
        ws.send(JSON.stringify([{ T: 'subscription', bars: ['SPY'] }]));
        for (let i = 0; i < 5; i++) ws.send(b(i));
        for (const h of hostile) ws.send(h);
        for (let i = 5; i < 10; i++) ws.send(b(i));
        sent = true;
      });
    });
    const abort = new AbortController();
    const run = runLive({
      loaded: await loadLiveWorkflow(LIVE_CONFIG),
      live: parseCamel(LiveSchema, { feed: { url: server.url } }),
      feedUrl: 'alpaca',
      env,
      sinks: [new MemorySink()],
      logger: silent,
      signal: abort.signal,
    });
    await until('the messages to be sent', () => sent);
    await new Promise((r) => setTimeout(r, 300));
    abort.abort();
    const outcome = await run;
    await server.close();
    expect(outcome).toMatchObject({ liveBars: 2, status: 'cancelled' });
    expect(outcome.feed).toMatchObject({ malformed: hostile.length });
    expect(outcome.provider).toMatchObject({ name: 'alpaca', bars: 2 });
  });

  it('a server that greets each reconnection and then refuses it (406) is not retried for ever: max_attempts counts those', async () => {
    const server = await listen();
    let connections = 0;
    server.wss.on('connection', (ws: WebSocket) => {
      const n = ++connections;
      ws.send(JSON.stringify([{ T: 'success', msg: 'connected' }]));
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as Record<string, unknown>;
        if (m['action'] === 'auth' && n > 1) {
          ws.send(JSON.stringify([{ T: 'error', code: 406, msg: 'connection limit exceeded' }]));
          return;
        }
        if (m['action'] === 'auth') ws.send(JSON.stringify([{ T: 'success', msg: 'authenticated' }]));
        if (m['action'] === 'subscribe') {
          ws.send(JSON.stringify([{ T: 'subscription', bars: ['SPY'] }]));
          setTimeout(() => ws.terminate(), 20);
        }
      });
    });
    const live = parseCamel(LiveSchema, {
      feed: { type: 'alpaca', url: server.url, reconnect: { initial_delay_ms: 10, max_delay_ms: 40, max_attempts: 3 } },
    });
    const outcome = await runLive({
      loaded: await loadLiveWorkflow(LIVE_CONFIG),
      live,
      env,
      sinks: [new MemorySink()],
      logger: silent,
    });
    await server.close();
    expect(outcome.status).toBe('failed');
    expect(String(outcome.failure?.error)).toMatch(/gave up after 3 reconnect attempts/);
    expect(connections).toBe(4);
  });

  it.each([
    [402, /402 auth failed: the key or secret was rejected/],
    [405, /405 symbol limit exceeded: more symbols than the subscription allows/],
    [406, /406 connection limit exceeded: the account already has as many data connections open/],
    [409, /409 insufficient subscription: .*feed: iex/],
  ] as const)('error %i ends the run at once with what to do', async (code, message) => {
    const server = await alpacaServer(code);
    const live = parseCamel(LiveSchema, { feed: { type: 'alpaca', url: server.url, reconnect: fastReconnect } });
    const outcome = await runLive({
      loaded: await loadLiveWorkflow(LIVE_CONFIG),
      live,
      env,
      sinks: [new MemorySink()],
      logger: silent,
    });
    await server.close();
    expect(outcome.status).toBe('failed');
    expect(String(outcome.failure?.error)).toMatch(message);
    expect(String(outcome.failure?.error)).not.toContain(SECRET);
    expect(outcome.feed.connects).toBe(1);
  });

  it('reads the credentials from the environment or a dotenv-style file, and never prints them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-alpaca-'));
    writeFileSync(join(dir, 'alpaca.env'), `# keys\nexport APCA_API_KEY_ID="${KEY}"\nAPCA_API_SECRET_KEY=${SECRET}\n`);
    const fromFile = alpacaCredentials('alpaca.env', dir, {});
    expect([fromFile.key.reveal(), fromFile.secret.reveal()]).toEqual([KEY, SECRET]);
    const fromEnv = alpacaCredentials(undefined, dir, env);
    expect(fromEnv.secret.reveal()).toBe(SECRET);
    expect(`${String(fromEnv.secret)} ${JSON.stringify(fromEnv)} ${inspect(fromEnv)}`).not.toContain(SECRET);
    expect(() => alpacaCredentials(undefined, dir, { APCA_API_KEY_ID: KEY })).toThrow(
      /^alpaca feed: no credentials: APCA_API_SECRET_KEY is not set in the environment variables/,
    );
    expect(() => alpacaCredentials('missing.env', dir, env)).toThrow(
      /credentials file .*missing\.env .* does not exist/,
    );
  });
});

describe('sluice live <config> with live.feed.type: alpaca', () => {
  const started: ChildProcess[] = [];
  afterEach(() => {
    for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  function start(config: string, args: string[], childEnv: NodeJS.ProcessEnv) {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('APCA_')));
    const child = spawn('node', ['bin/sluice.js', 'live', config, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...base, NO_COLOR: '1', ...childEnv },
    });
    started.push(child);
    const p = {
      stdout: '',
      stderr: '',
      exit: new Promise<number | null>((r) => child.on('exit', (code) => r(code))),
      child,
    };
    child.stdout.on('data', (d: Buffer) => (p.stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (p.stderr += d.toString()));
    return p;
  }

  function configFor(dir: string, url: string): string {
    const config = join(dir, 'alpaca.yaml');
    const text = readFileSync(LIVE_CONFIG, 'utf8').replace(/path: .*SPY_5m\.csv/, `path: ${SPY_CSV}`);
    writeFileSync(
      config,
      `${text}live:\n  feed:\n    type: alpaca\n    url: ${url}\n    alpaca: { feed: iex }\n    reconnect: { initial_delay_ms: 50, max_delay_ms: 200 }\n`,
    );
    return config;
  }

  /** Every file under `dir`, recursively. */
  const filesUnder = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f)) : [join(dir, f)]));

  it("gives the historical run's signals through a dropped connection; the key and secret are in no output", async () => {
    const server = await alpacaServer('ok', 9001);
    const dir = mkdtempSync(join(tmpdir(), 'sluice-alpaca-run-'));
    const config = configFor(dir, server.url);
    const out = join(dir, 'signals.ndjson');
    const p = start(
      config,
      [
        '--warmup',
        split.history,
        '--file',
        out,
        '--store',
        join(dir, 'store'),
        '--stdout',
        '--log-level',
        'debug',
        '--log-json',
      ],
      env,
    );
    const signals = (): SignalMessage[] =>
      existsSync(out)
        ? completeLines(readFileSync(out, 'utf8'))
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l) as SignalMessage)
            .filter((m) => m.type === 'signal')
        : [];
    await until('every bar to be sent', () => server.sent() === messages.length, 90_000);
    await until('the last signal in the file', () => signals().length >= expected.length, 60_000);
    await new Promise((r) => setTimeout(r, 300));
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
    await server.close();
    expect(signals()).toEqual(expected);
    expect(p.stderr).toMatch(/2 reconnects/);
    expect(p.stderr).toMatch(new RegExp(`alpaca: ${LIVE_BARS} bars aggregated`));
    expect(p.stderr).toMatch(/alpaca: subscribed/);
    const files = filesUnder(dir).filter((f) => f !== config);
    expect(files.some((f) => f.endsWith('metadata.json'))).toBe(true);
    for (const f of files) {
      const bytes = readFileSync(f);
      expect(bytes.includes(SECRET), f).toBe(false);
      expect(bytes.includes(KEY), f).toBe(false);
    }
    for (const text of [p.stdout, p.stderr]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(KEY);
    }
  }, 120_000);

  it('a missing credential: one line, exit 1, nothing connects', async () => {
    const server = await alpacaServer('ok');
    const dir = mkdtempSync(join(tmpdir(), 'sluice-alpaca-missing-'));
    const p = start(configFor(dir, server.url), [], { APCA_API_KEY_ID: KEY });
    expect(await p.exit).toBe(1);
    await server.close();
    expect(p.stderr.trim().split('\n')).toEqual([
      'live: alpaca feed: no credentials: APCA_API_SECRET_KEY is not set in the environment variables APCA_API_KEY_ID and APCA_API_SECRET_KEY (or name a file in live.feed.alpaca.credentials_file)',
    ]);
    expect(server.received).toEqual([]);
  }, 60_000);

  it("a rejected credential: the run fails with the provider's 402 in one line, exit 1, the secret nowhere", async () => {
    const server = await alpacaServer(402);
    const dir = mkdtempSync(join(tmpdir(), 'sluice-alpaca-rejected-'));
    const p = start(configFor(dir, server.url), ['--log-level', 'debug'], env);
    expect(await p.exit).toBe(1);
    await server.close();
    const failures = p.stderr.split('\n').filter((l) => l.startsWith('live run failed'));
    expect(failures).toEqual([
      'live run failed during execute: alpaca feed: 402 auth failed: the key or secret was rejected: check APCA_API_KEY_ID and APCA_API_SECRET_KEY (or the credentials file)',
    ]);
    expect(p.stderr + p.stdout).not.toContain(SECRET);
  }, 60_000);
});
