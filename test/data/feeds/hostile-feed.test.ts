/**
 * A feed that sends hostile messages (issue 19, item 12): each is counted as malformed and
 * skipped, and the run goes on. The decoder's own checks are in messages.test.ts; here the
 * feed's side: the wall-clock bound on timestamps and the bounded line reader of stdin.
 */
import { Readable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FeedIntake, MAX_AHEAD_MS } from '../../../src/data/feeds/feed-intake.ts';
import { StreamFeed } from '../../../src/data/feeds/stream-feed.ts';
import { LiveBarSource } from '../../../src/data/feeds/live-source.ts';
import { encodeBar, MAX_MESSAGE_BYTES, MessageDecoder } from '../../../src/data/feeds/messages.ts';
import { TickAggregator } from '../../../src/data/feeds/tick-aggregator.ts';

const T = Date.parse('2024-03-26T13:30:00Z');
const MIN = 60_000;

function memoryLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (s: string) => lines.push(JSON.parse(s) as { level: number; msg: string }) },
  );
  return { logger, warnings: () => lines.filter((l) => l.level === 40).map((l) => l.msg) };
}

function setup(now = () => Date.parse('2026-12-07T03:00:00Z')) {
  const { logger, warnings } = memoryLogger();
  const source = new LiveBarSource({ symbols: ['SPY'], logger });
  const aggregator = new TickAggregator({
    timeframeMs: 5 * MIN,
    closeAfterMs: null,
    emit: (symbol, ts, o, h, l, c, v) => source.push(symbol, ts, o, h, l, c, v),
  });
  const intake = new FeedIntake(source, new MessageDecoder(), aggregator, logger, { now });
  return { source, intake, warnings };
}

/** Every bar timestamp the source passes on, until it ends. */
async function drain(source: LiveBarSource): Promise<number[]> {
  const out: number[] = [];
  for await (const chunk of source.chunks()) for (let i = 0; i < chunk.length; i++) out.push(chunk.ts[i]!);
  return out;
}

describe('timestamps ahead of the wall clock', () => {
  it('a valid bar dated 2099 is malformed, and the bars after it are taken (not dropped as out of order)', async () => {
    const { source, intake, warnings } = setup();
    intake.message(encodeBar('SPY', T, 1, 1, 1, 1, 1));
    intake.message(encodeBar('SPY', Date.parse('2099-01-01T00:00:00Z'), 1, 1, 1, 1, 1));
    intake.message(encodeBar('SPY', T + 5 * MIN, 1, 1, 1, 1, 1));
    intake.message(encodeBar('SPY', T + 10 * MIN, 1, 1, 1, 1, 1));
    intake.finish('eof');
    expect(await drain(source)).toEqual([T, T + 5 * MIN, T + 10 * MIN]);
    expect(intake.counters.malformed).toBe(1);
    expect(source.counters.outOfOrder).toBe(0);
    expect(warnings().join('\n')).toMatch(/2099-01-01T00:00:00.000Z is more than 24 h ahead of the wall clock/);
  });

  it('allows up to MAX_AHEAD_MS ahead (clock skew, feeds stamping local time), not more', async () => {
    const now = Date.parse('2026-12-07T03:00:00Z');
    const { source, intake } = setup(() => now);
    intake.message(encodeBar('SPY', now + MAX_AHEAD_MS, 1, 1, 1, 1, 1));
    intake.message(encodeBar('SPY', now + MAX_AHEAD_MS + 1, 1, 1, 1, 1, 1));
    intake.finish('eof');
    expect(await drain(source)).toEqual([now + MAX_AHEAD_MS]);
    expect(intake.counters.malformed).toBe(1);
  });

  it('a trade dated 2099 is malformed too: it opens no bar that would make every later trade late', async () => {
    const { source, intake } = setup();
    const trade = (ts: number) =>
      JSON.stringify({ type: 'trade', symbol: 'SPY', ts: new Date(ts).toISOString(), price: 10, size: 1 });
    intake.message(trade(T));
    intake.message(trade(Date.parse('2099-01-01T00:00:00Z')));
    intake.message(trade(T + 5 * MIN));
    intake.finish('eof');
    expect(await drain(source)).toEqual([T, T + 5 * MIN]);
    expect(intake.counters.malformed).toBe(1);
  });
});

/**
 * A readable that sends `line` bars, then one line of `bytes` bytes in 1 MiB pieces (the
 * same buffer over and over: the test holds 1 MiB, whatever the line's length), then more
 * bars; read on demand, so nothing piles up in the stream either.
 */
function feedWithLongLine(bytes: number, newline = true): Readable {
  const piece = Buffer.alloc(1 << 20, 'x'.charCodeAt(0));
  const parts: (() => Buffer)[] = [
    () => Buffer.from(`${encodeBar('SPY', T, 1, 1, 1, 1, 1)}\n{"type":"bar","symbol":"SPY","note":"`),
    ...Array.from({ length: Math.floor(bytes / piece.length) }, () => () => piece),
    () => Buffer.from(newline ? `"}\n${encodeBar('SPY', T + 5 * MIN, 1, 1, 1, 1, 1)}\n` : ''),
  ];
  let i = 0;
  return new Readable({
    highWaterMark: 1 << 20,
    read() {
      this.push(i < parts.length ? parts[i++]!() : null);
    },
  });
}

describe('stdin: a bounded line reader', () => {
  it('a 600 MB line without a newline, streamed in pieces, is one malformed message; the run goes on', async () => {
    const { source, intake, warnings } = setup();
    const feed = new StreamFeed(feedWithLongLine(600 << 20), intake);
    const heapBefore = process.memoryUsage().heapUsed;
    let heapMax = heapBefore;
    const sampler = setInterval(() => (heapMax = Math.max(heapMax, process.memoryUsage().heapUsed)), 5);
    feed.start();
    const bars = await drain(source);
    clearInterval(sampler);
    expect(bars).toEqual([T, T + 5 * MIN]);
    expect(intake.counters).toMatchObject({ messages: 3, malformed: 1 });
    expect(feed.ended).toBe('eof');
    // All of it went by: 600 MiB and the few bytes around it.
    expect(warnings().join('\n')).toMatch(
      new RegExp(`line longer than ${MAX_MESSAGE_BYTES.toLocaleString('en-US')} bytes \\(629,145,6\\d\\d\\)`),
    );
    // The line was never held: the heap grew by a few MiB at most, not 600.
    expect(heapMax - heapBefore).toBeLessThan(64 << 20);
  }, 120_000);

  it('an over-long last line at EOF (no newline) is counted too', async () => {
    const { source, intake } = setup();
    const feed = new StreamFeed(feedWithLongLine(3 << 20, false), intake);
    feed.start();
    expect(await drain(source)).toEqual([T]);
    expect(intake.counters).toMatchObject({ messages: 2, malformed: 1 });
  });

  it('splits lines across pieces and multi-byte characters across pieces, CRLF too', async () => {
    const { source, intake } = setup();
    const text = `${encodeBar('SPY', T, 1, 1, 1, 1, 1)}\r\n\n{"type":"hello","note":"é€😀"}\r\n${encodeBar('SPY', T + 5 * MIN, 1, 1, 1, 1, 1)}`;
    const bytes = Buffer.from(text);
    // Three bytes at a time: every line and every multi-byte character is cut somewhere.
    const pieces = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, k) => bytes.subarray(3 * k, 3 * k + 3));
    const feed = new StreamFeed(Readable.from(pieces), intake);
    feed.start();
    expect(await drain(source)).toEqual([T, T + 5 * MIN]);
    expect(intake.counters).toMatchObject({ messages: 3, malformed: 0, other: 1 });
  });
});
