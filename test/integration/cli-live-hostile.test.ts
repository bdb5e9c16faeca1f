/**
 * `sluice live` fed hostile messages between real bars (issue 19, item 12), over stdin and
 * over a WebSocket: every one is counted as malformed and skipped, the run ends normally
 * (exit 0, end message, summary) and its signals are the historical run's, as if the
 * hostile messages had never been sent.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { spawnSluice } from '../helpers/cli.ts';
import type { SignalMessage } from '../../src/live/run-live.ts';
import { LIVE_CONFIG, referenceSignals, splitSpy, SPY_BARS, SPY_CSV } from '../helpers/live.ts';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

const HISTORY = 15_000;
let expected: SignalMessage[];
let split: ReturnType<typeof splitSpy>;
/** The live part of SPY as feed messages. */
let bars: string[];

beforeAll(async () => {
  split = splitSpy(HISTORY);
  expected = (await referenceSignals(LIVE_CONFIG)).filter((s) => s.seq >= HISTORY);
  bars = readFileSync(SPY_CSV, 'utf8')
    .trim()
    .split('\n')
    .slice(HISTORY + 1)
    .map((line) => {
      const [ts, o, h, l, c, v] = line.split(',');
      return JSON.stringify({
        type: 'bar',
        symbol: 'SPY',
        ts,
        open: Number(o),
        high: Number(h),
        low: Number(l),
        close: Number(c),
        volume: Number(v),
      });
    });
});

/**
 * The bars with hostile messages among them; each would, before the fix, have crashed the
 * run or changed its signals. `longLine`: a line over the 1 MiB limit (stdin only).
 */
function hostile(longLine: boolean): string[] {
  const at = (i: number) => JSON.parse(bars[i]!) as Record<string, unknown>;
  const out = [...bars];
  const insert = (i: number, message: string) => out.splice(i, 0, message);
  // From the end backwards, so the indices stay those of `bars`.
  insert(4000, JSON.stringify({ ...at(4000), ts: '2099-01-01T00:00:00Z' }));
  // A bar of the next bar's time with prices of 1e400 (Infinity), the real one after it.
  insert(3000, JSON.stringify(at(3000)).replace(/"(open|high|low|close)":[\d.]+/g, '"$1":1e400'));
  insert(2500, JSON.stringify(at(2500)).replace(/"volume":[\d.]+/, '"volume":1e400'));
  insert(2000, JSON.stringify({ ...at(2000), ts: 1e30 }));
  insert(1000, `${'['.repeat(5000)}${']'.repeat(5000)}`);
  insert(500, `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`);
  if (longLine) insert(100, `{"type":"bar","symbol":"SPY","note":"${'x'.repeat(3 << 20)}"}`);
  return out;
}

const messages = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const signals = (text: string) => messages(text).filter((m) => m['type'] === 'signal');

describe('sluice live --feed stdin with hostile lines among the bars', () => {
  it('skips and counts each; exit 0, end message, summary, the historical signals', async () => {
    const live = spawnSluice(['live', LIVE_CONFIG, '--feed', 'stdin', '--warmup', split.history], started, 'pipe');
    const lines = hostile(true);
    const stdin = live.child.stdin!;
    stdin.on('error', () => undefined);
    let exited = false;
    void live.exit.then(() => (exited = true));
    for (const line of lines) {
      if (exited) break;
      if (!stdin.write(`${line}\n`)) await Promise.race([new Promise((r) => stdin.once('drain', r)), live.exit]);
    }
    stdin.end();
    const { code } = await live.exit;
    expect(code, live.stderr.slice(-3000)).toBe(0);
    expect(signals(live.stdout)).toEqual(expected);
    expect(messages(live.stdout).at(-1)).toEqual({
      type: 'end',
      reason: 'complete',
      bars: SPY_BARS - HISTORY,
      signals: expected.length,
    });
    expect(live.stderr).toContain(`feed: ${lines.length} messages, 7 malformed`);
    expect(live.stderr).toMatch(/bars: 0 duplicates, 0 out of order/);
  }, 120_000);
});

describe('sluice live --feed ws:// with hostile messages among the bars', () => {
  it('skips and counts each; exit 0, end message, the historical signals', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    const sent = [...hostile(false), JSON.stringify({ type: 'end', reason: 'complete', bars: bars.length })];
    server.on('connection', (ws) => {
      for (const m of sent) ws.send(m);
    });
    try {
      const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const live = spawnSluice(['live', LIVE_CONFIG, '--feed', url, '--warmup', split.history], started);
      const { code } = await live.exit;
      expect(code, live.stderr.slice(-3000)).toBe(0);
      expect(signals(live.stdout)).toEqual(expected);
      expect(messages(live.stdout).at(-1)).toEqual({
        type: 'end',
        reason: 'complete',
        bars: SPY_BARS - HISTORY,
        signals: expected.length,
      });
      expect(live.stderr).toContain(`feed: ${sent.length} messages, 6 malformed`);
    } finally {
      for (const c of server.clients) c.terminate();
      await new Promise((r) => server.close(r));
    }
  }, 120_000);
});
