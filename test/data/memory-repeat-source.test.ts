import { describe, expect, it } from 'vitest';
import { CsvBarSource } from '../../src/data/csv-source.ts';
import type { BarColumns } from '../../src/data/memory-source.ts';
import { MemoryBarSource } from '../../src/data/memory-source.ts';
import { repeatSource } from '../../src/data/repeat-source.ts';
import { readAll } from './read-all.ts';

const MIN5 = 300_000;
const T0 = Date.UTC(2024, 2, 26, 13, 30);

/** n 5-minute bars with a gap after every 3rd (like overnight breaks), opening at 100. */
function series(n: number): BarColumns {
  const ts: number[] = [];
  const open: number[] = [];
  const close: number[] = [];
  let t = T0;
  let price = 100;
  for (let i = 0; i < n; i++) {
    ts.push(t);
    open.push(price);
    price *= i % 2 === 0 ? 1.01 : 0.995;
    close.push(price);
    t += i % 3 === 2 ? 4 * MIN5 : MIN5;
  }
  return {
    ts,
    open,
    close,
    high: open.map((o, i) => Math.max(o, close[i] as number) + 0.5),
    low: open.map((o, i) => Math.min(o, close[i] as number) - 0.5),
    volume: ts.map((_, i) => 1000 + i),
  };
}

function expectIncreasing(ts: number[]): void {
  for (let i = 1; i < ts.length; i++) {
    if (!((ts[i] as number) > (ts[i - 1] as number)))
      throw new Error(`ts[${i}] = ${ts[i]} <= ts[${i - 1}] = ${ts[i - 1]}`);
  }
}

describe('MemoryBarSource', () => {
  it('yields the columns in chunks of views, with increasing timestamps', async () => {
    const cols = series(25);
    const ts = Float64Array.from(cols.ts);
    const source = new MemoryBarSource('SPY', { ...cols, ts }, 10);
    const chunks = [];
    for await (const chunk of source.chunks()) chunks.push(chunk);
    expect(chunks.map((c) => c.length)).toEqual([10, 10, 5]);
    // Views of the caller's Float64Array, not copies.
    expect(chunks[1]?.ts.buffer).toBe(ts.buffer);
    expect(chunks[1]?.ts[0]).toBe(ts[10]);
    const all = await readAll(source);
    expect(all.ts).toEqual(cols.ts);
    expect(all.close).toEqual(cols.close);
    expect(all.symbol.every((s) => s === 'SPY')).toBe(true);
    expectIncreasing(all.ts);
    expect(source.stats()).toEqual({ rows: 25, skipped: 0, notes: [], firstTs: cols.ts[0], lastTs: cols.ts[24] });
  });

  it('refuses columns of different lengths or timestamps that do not increase', () => {
    const cols = series(5);
    expect(() => new MemoryBarSource('X', { ...cols, close: [1, 2] })).toThrow(/close has 2 values, ts has 5/);
    expect(() => new MemoryBarSource('X', { ...cols, ts: [1, 2, 2, 3, 4] })).toThrow(/ts\[2\]/);
  });
});

describe('repeatSource', () => {
  it('continues time at the bar spacing and prices where the previous copy closed', async () => {
    const base = series(7);
    const source = repeatSource(base, 3, { symbol: 'SYN', chunkSize: 4 });
    const all = await readAll(source);
    expect(all.ts).toHaveLength(21);
    expect(all.chunkLengths).toEqual([4, 4, 4, 4, 4, 1]);
    expectIncreasing(all.ts);
    const span = (base.ts[6] as number) - (base.ts[0] as number);
    for (let k = 1; k < 3; k++) {
      // The first bar of copy k comes one bar spacing (5 minutes, not the 20-minute gap) after copy k-1's last.
      expect((all.ts[7 * k] as number) - (all.ts[7 * k - 1] as number)).toBe(MIN5);
      expect(all.ts[7 * k]).toBe((base.ts[0] as number) + k * (span + MIN5));
      expect(all.open[7 * k]).toBeCloseTo(all.close[7 * k - 1] as number, 9);
      expect(all.volume[7 * k]).toBe(base.volume[0]);
    }
    // Within a copy the shape is the base's, scaled.
    const ratio = (base.close[6] as number) / (base.open[0] as number);
    expect(all.high[9]).toBeCloseTo((base.high[2] as number) * ratio, 9);
    expect(source.stats()).toMatchObject({ rows: 21, firstTs: base.ts[0], lastTs: all.ts[20] });
  });

  it('streams a long series from the real file without holding it', async () => {
    const spy = await readAll(new CsvBarSource({ file: 'examples/data/SPY_5m.csv', symbol: 'SPY' }));
    const source = repeatSource(spy, 25);
    let rows = 0;
    let prev = -Infinity;
    let maxChunk = 0;
    for await (const chunk of source.chunks()) {
      maxChunk = Math.max(maxChunk, chunk.ts.length);
      for (let i = 0; i < chunk.length; i++) {
        const t = chunk.ts[i] as number;
        if (!(t > prev)) throw new Error(`time goes back at row ${rows + i}`);
        prev = t;
      }
      rows += chunk.length;
    }
    expect(rows).toBe(20_769 * 25);
    expect(maxChunk).toBe(8192);
  });

  it('stops after close()', async () => {
    const source = repeatSource(series(10), 1000, { chunkSize: 10 });
    let chunks = 0;
    for await (const _ of source.chunks()) {
      if (++chunks === 3) await source.close();
    }
    expect(chunks).toBe(3);
  });

  it('needs two bars and at least one copy', () => {
    expect(() => repeatSource(series(1), 2)).toThrow(RangeError);
    expect(() => repeatSource(series(3), 0)).toThrow(RangeError);
  });
});
