import { describe, expect, it } from 'vitest';
import { BarRecording } from '../../src/data/recorded-source.ts';
import { MemoryBarSource } from '../../src/data/memory-source.ts';
import type { BarSource } from '../../src/data/bar-source.ts';

const N = 10;
const columns = {
  ts: Array.from({ length: N }, (_, i) => i * 60_000),
  open: Array.from({ length: N }, (_, i) => 100 + i),
  high: Array.from({ length: N }, (_, i) => 101 + i),
  low: Array.from({ length: N }, (_, i) => 99 + i),
  close: Array.from({ length: N }, (_, i) => 100.5 + i),
  volume: Array.from({ length: N }, () => 1000),
};

async function read(source: BarSource, stopAfter = Infinity): Promise<number[]> {
  const closes: number[] = [];
  let chunks = 0;
  for await (const chunk of source.chunks()) {
    for (let i = 0; i < chunk.length; i++) closes.push(chunk.close[i]!);
    if (++chunks >= stopAfter) break;
  }
  await source.close();
  return closes;
}

describe('BarRecording', () => {
  it('reads the source once and replays the same bars from memory', async () => {
    let opened = 0;
    const rec = new BarRecording(() => {
      opened++;
      return new MemoryBarSource('SPY', columns, 3);
    });
    const first = await read(rec.source());
    expect(rec.inMemory).toBe(true);
    const again = rec.source();
    expect(await read(again)).toEqual(first);
    expect(await read(rec.source())).toEqual(first);
    expect(opened).toBe(1);
    expect(first).toEqual(columns.close);
    expect(again.stats().rows).toBe(N);
    expect(again.symbols).toEqual(['SPY']);
  });

  it('keeps nothing from a pass stopped early, and nothing beyond maxRows', async () => {
    let opened = 0;
    const open = () => {
      opened++;
      return new MemoryBarSource('SPY', columns, 3);
    };
    const early = new BarRecording(open);
    expect(await read(early.source(), 1)).toHaveLength(3);
    expect(early.inMemory).toBe(false);
    expect(await read(early.source())).toHaveLength(N);
    expect(early.inMemory).toBe(true);

    const small = new BarRecording(open, 5);
    expect(await read(small.source())).toEqual(columns.close);
    expect(small.inMemory).toBe(false);
    expect(await read(small.source())).toEqual(columns.close);
    expect(opened).toBe(4);
  });
});
