import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { BarChunk } from '../../../src/data/bar-source.ts';
import { LiveError } from '../../../src/errors/live-error.ts';
import { LiveBarSource, type GapNotice, type LiveSourceOptions } from '../../../src/data/feeds/live-source.ts';

const MIN = 60_000;
const T0 = Date.parse('2024-03-26T14:00:00Z');

/** A logger that keeps warnings in memory. */
function memoryLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (s: string) => lines.push(JSON.parse(s) as { level: number; msg: string }) },
  );
  return { logger, warnings: () => lines.filter((l) => l.level === 40).map((l) => l.msg) };
}

function source(opts: Partial<LiveSourceOptions> = {}) {
  const log = memoryLogger();
  const src = new LiveBarSource({
    symbols: ['SPY', 'QQQ'],
    logger: log.logger,
    timeframeMs: 5 * MIN,
    calendar: 'continuous',
    ...opts,
  });
  return { src, ...log };
}

const push = (src: LiveBarSource, symbol: string, i: number, close = 100 + i) =>
  src.push(symbol, T0 + i * 5 * MIN, close, close, close, close, 1);

/** Rows of a chunk as [symbol, bar number, close]. */
function rows(chunk: BarChunk): [string, number, number][] {
  return Array.from({ length: chunk.length }, (_, i) => [
    chunk.symbols[chunk.symbol[i]!]!,
    (chunk.ts[i]! - T0) / (5 * MIN),
    chunk.close[i]!,
  ]);
}

describe('LiveBarSource', () => {
  it('hands out what has arrived as one chunk, waits when nothing has, ends after end()', async () => {
    const { src } = source();
    const it = src.chunks()[Symbol.asyncIterator]();
    push(src, 'SPY', 0);
    push(src, 'QQQ', 0);
    expect(rows((await it.next()).value as BarChunk)).toEqual([
      ['SPY', 0, 100],
      ['QQQ', 0, 100],
    ]);
    let settled = false;
    const next = it.next().then((r) => ((settled = true), r));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    push(src, 'SPY', 1);
    expect(rows((await next).value as BarChunk)).toEqual([['SPY', 1, 101]]);
    push(src, 'SPY', 2);
    src.end();
    expect(rows((await it.next()).value as BarChunk)).toEqual([['SPY', 2, 102]]);
    expect((await it.next()).done).toBe(true);
    expect(src.counters).toMatchObject({ received: 4, accepted: 4 });
    expect(src.stats()).toMatchObject({ rows: 4, firstTs: T0, lastTs: T0 + 10 * MIN });
  });

  it('drops duplicates quietly, skips out-of-order bars with a warning, ignores other symbols', async () => {
    const { src, warnings } = source();
    push(src, 'SPY', 1);
    push(src, 'SPY', 1, 999); // duplicate (same symbol and time)
    push(src, 'SPY', 0); // out of order
    push(src, 'QQQ', 0); // another symbol may be older
    push(src, 'IWM', 5);
    push(src, 'SPY', 2);
    src.end();
    const out: [string, number, number][] = [];
    for await (const chunk of src.chunks()) out.push(...rows(chunk));
    expect(out).toEqual([
      ['SPY', 1, 101],
      ['QQQ', 0, 100],
      ['SPY', 2, 102],
    ]);
    expect(src.counters).toMatchObject({ received: 6, accepted: 3, duplicates: 1, outOfOrder: 1, ignoredSymbol: 1 });
    expect(
      warnings().some((w) =>
        w.startsWith('bar out of order: SPY 2024-03-26T14:00:00.000Z arrived after 2024-03-26T14:05:00.000Z'),
      ),
    ).toBe(true);
    expect(warnings().some((w) => w.includes("bars of symbol 'IWM' are ignored"))).toBe(true);
  });

  it('tells a repeat of an earlier bar (a resumed feed) from a bar really out of order', async () => {
    const { src, warnings } = source({ seenWindow: 100 });
    for (const i of [0, 1, 2, 4, 5]) push(src, 'SPY', i);
    for (const i of [1, 2, 3, 4, 5, 6]) push(src, 'SPY', i); // resumed from bar 1: 3 never came
    src.end();
    const out: number[] = [];
    for await (const chunk of src.chunks()) out.push(...rows(chunk).map((r) => r[1]));
    expect(out).toEqual([0, 1, 2, 4, 5, 6]);
    expect(src.counters).toMatchObject({ duplicates: 4, outOfOrder: 1 });
    expect(warnings().filter((w) => w.startsWith('bar out of order'))).toHaveLength(1);
  });

  it('fails the run on an out-of-order bar under out_of_order: fail', async () => {
    const { src } = source({ outOfOrder: 'fail' });
    push(src, 'SPY', 1);
    push(src, 'SPY', 0);
    await expect(async () => {
      for await (const chunk of src.chunks()) void chunk;
    }).rejects.toThrow(LiveError);
  });

  it('treats bars up to the last warm-up bar as already seen, and checks gaps from it', async () => {
    const gaps: GapNotice[] = [];
    const { src } = source({ onGap: (g) => gaps.push(g) });
    src.prime('SPY', T0 + 3 * 5 * MIN);
    for (const i of [2, 3, 6]) push(src, 'SPY', i);
    src.end();
    const out: [string, number, number][] = [];
    for await (const chunk of src.chunks()) out.push(...rows(chunk));
    expect(out).toEqual([['SPY', 6, 106]]);
    expect(src.counters).toMatchObject({ coveredByWarmup: 2, duplicates: 0, gaps: 1, missingBars: 2 });
    expect(gaps).toEqual([
      { type: 'gap', symbol: 'SPY', after: '2024-03-26T14:15:00.000Z', before: '2024-03-26T14:30:00.000Z', missing: 2 },
    ]);
  });

  it('us_equity: the night between sessions is no gap', async () => {
    const gaps: GapNotice[] = [];
    const { src } = source({ calendar: 'us_equity', onGap: (g) => gaps.push(g) });
    src.push('SPY', Date.parse('2024-03-26T19:55:00Z'), 1, 1, 1, 1, 1);
    src.push('SPY', Date.parse('2024-03-27T13:30:00Z'), 1, 1, 1, 1, 1);
    src.push('SPY', Date.parse('2024-03-27T13:40:00Z'), 1, 1, 1, 1, 1);
    src.end();
    for await (const chunk of src.chunks()) void chunk;
    expect(gaps.map((g) => [g.after, g.missing])).toEqual([['2024-03-27T13:30:00.000Z', 1]]);
  });

  it('overflow block: asks the feed to pause when full and to resume below half', async () => {
    const pressure: boolean[] = [];
    const { src } = source({ maxBars: 4, onPressure: (p) => pressure.push(p) });
    for (let i = 0; i < 6; i++) push(src, 'SPY', i);
    expect(pressure).toEqual([true]);
    expect(src.buffered).toBe(6); // nothing lost: block never drops
    const it = src.chunks()[Symbol.asyncIterator]();
    expect(((await it.next()).value as BarChunk).length).toBe(6);
    expect(pressure).toEqual([true, false]);
  });

  it('overflow drop_oldest: drops and counts the oldest waiting bars', async () => {
    const { src, warnings } = source({ maxBars: 3, overflow: 'drop_oldest' });
    for (let i = 0; i < 5; i++) push(src, 'SPY', i);
    src.end();
    const out: number[] = [];
    for await (const chunk of src.chunks()) out.push(...rows(chunk).map((r) => r[1]));
    expect(out).toEqual([2, 3, 4]);
    expect(src.counters.dropped).toBe(2);
    expect(warnings()[0]).toContain('input buffer full (3 bars)');
  });

  it('overflow error: fails the run', async () => {
    const { src } = source({ maxBars: 2, overflow: 'error' });
    for (let i = 0; i < 3; i++) push(src, 'SPY', i);
    await expect(async () => {
      for await (const chunk of src.chunks()) void chunk;
    }).rejects.toThrow(/input buffer is full \(2 bars/);
  });

  it('grows its ring in order and keeps each bar with its arrival time', async () => {
    let clock = 0;
    const { src } = source({ maxBars: 10_000, chunkSize: 700, now: () => ++clock });
    for (let i = 0; i < 3000; i++) push(src, 'SPY', i);
    src.end();
    const seen: number[] = [];
    for await (const chunk of src.chunks()) {
      const base = seen.length;
      for (let i = 0; i < chunk.length; i++) {
        seen.push((chunk.ts[i]! - T0) / (5 * MIN));
        expect(src.arrivalOf(base + i)).toBe(base + i + 1);
      }
      expect(src.arrivalOf(base + chunk.length)).toBeNaN();
    }
    expect(seen).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });
});
