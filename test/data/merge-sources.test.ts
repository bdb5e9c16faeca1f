import { describe, expect, it } from 'vitest';
import type { BarChunk, BarSource, SourceStats } from '../../src/data/bar-source.ts';
import { CsvBarSource } from '../../src/data/csv-source.ts';
import { MemoryBarSource } from '../../src/data/memory-source.ts';
import { mergeSources } from '../../src/data/merge-sources.ts';
import { openDescriptors, readAll, readError, tempFiles } from './read-all.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 2, 26, 13, 30);

function bars(symbol: string, ts: number[], price: number, chunkSize = 8192): MemoryBarSource {
  return new MemoryBarSource(
    symbol,
    {
      ts,
      open: ts.map(() => price),
      high: ts.map(() => price + 1),
      low: ts.map(() => price - 1),
      close: ts.map(() => price),
      volume: ts.map((_, i) => i),
    },
    chunkSize,
  );
}

/** Wraps a source and records how many chunks were pulled from it. */
function counting(source: BarSource): BarSource & { pulled: () => number } {
  let pulled = 0;
  return {
    description: source.description,
    symbols: source.symbols,
    pulled: () => pulled,
    async *chunks(): AsyncGenerator<BarChunk> {
      for await (const chunk of source.chunks()) {
        pulled++;
        yield chunk;
      }
    },
    stats: (): SourceStats => source.stats(),
    close: () => source.close(),
  };
}

describe('mergeSources', () => {
  it('orders equal timestamps by symbol name, whatever the order of the sources', async () => {
    const ts = [T0, T0 + MIN, T0 + 2 * MIN];
    for (const order of [
      ['SPY', 'QQQ'],
      ['QQQ', 'SPY'],
    ]) {
      const sources = order.map((s) => bars(s, ts, s === 'SPY' ? 500 : 400));
      const merged = mergeSources(sources);
      expect(merged.symbols).toEqual(['QQQ', 'SPY']);
      const all = await readAll(merged);
      expect(all.symbol).toEqual(['QQQ', 'SPY', 'QQQ', 'SPY', 'QQQ', 'SPY']);
      expect(all.ts).toEqual([T0, T0, T0 + MIN, T0 + MIN, T0 + 2 * MIN, T0 + 2 * MIN]);
      expect(all.close).toEqual([400, 500, 400, 500, 400, 500]);
    }
  });

  it('interleaves by time, carries every field, and cuts its own chunks', async () => {
    const a = bars('AAA', [T0, T0 + 2 * MIN, T0 + 4 * MIN, T0 + 5 * MIN], 10, 3);
    const b = bars('BBB', [T0 + MIN, T0 + 2 * MIN, T0 + 3 * MIN], 20, 2);
    const merged = mergeSources([b, a], { chunkSize: 4 });
    const all = await readAll(merged);
    expect(all.chunkLengths).toEqual([4, 3]);
    expect(all.ts).toEqual([T0, T0 + MIN, T0 + 2 * MIN, T0 + 2 * MIN, T0 + 3 * MIN, T0 + 4 * MIN, T0 + 5 * MIN]);
    expect(all.symbol).toEqual(['AAA', 'BBB', 'AAA', 'BBB', 'BBB', 'AAA', 'AAA']);
    expect(all.high).toEqual([11, 21, 11, 21, 21, 11, 11]);
    expect(all.volume).toEqual([0, 0, 1, 1, 2, 2, 3]);
    expect(merged.stats()).toMatchObject({ rows: 7, firstTs: T0, lastTs: T0 + 5 * MIN });
  });

  it('merges multi-symbol inputs, mapping their symbol indices', async () => {
    const inner = mergeSources([bars('MSFT', [T0, T0 + 2 * MIN], 1), bars('AAPL', [T0 + MIN], 2)]);
    const merged = mergeSources([inner, bars('QQQ', [T0, T0 + MIN], 3)]);
    expect(merged.symbols).toEqual(['AAPL', 'MSFT', 'QQQ']);
    const all = await readAll(merged);
    expect(all.symbol).toEqual(['MSFT', 'QQQ', 'AAPL', 'QQQ', 'MSFT']);
  });

  it('pulls each input lazily', async () => {
    const early = counting(bars('AAA', [T0, T0 + MIN, T0 + 2 * MIN, T0 + 3 * MIN], 1, 1));
    const late = counting(bars('BBB', [T0 + 100 * MIN, T0 + 101 * MIN, T0 + 102 * MIN], 1, 1));
    const it = mergeSources([early, late], { chunkSize: 1 }).chunks()[Symbol.asyncIterator]();
    await it.next();
    await it.next();
    // Two bars out: both from AAA; BBB has given only the one chunk needed to compare.
    expect(late.pulled()).toBe(1);
    expect(early.pulled()).toBeLessThanOrEqual(3);
    await it.return?.();
  });

  it('sums the inputs’ skip counts and prefixes their notes', async () => {
    const write = tempFiles();
    const file = write('bad.csv', 'timestamp,open,high,low,close,volume\n2024-03-26,1,2,1,1,1\n2024-03-27,1,2,1,x,1\n');
    const merged = mergeSources([new CsvBarSource({ file, symbol: 'X', onBadRow: 'skip' }), bars('Y', [T0], 1)]);
    await readAll(merged);
    expect(merged.stats()).toMatchObject({
      rows: 2,
      skipped: 1,
      notes: [`${file}: row 3: close: cannot parse 'x' as a number`],
    });
  });

  it('passes an input’s error on and releases the other inputs’ files', async () => {
    const write = tempFiles();
    const good = write('good.csv', 'timestamp,open,high,low,close,volume\n' + '2024-03-26,1,2,1,1,1\n'.repeat(1));
    const lines = Array.from({ length: 3000 }, (_, i) => `${1_711_459_800 + i * 60},1,2,1,1,1`);
    const big = write('big.csv', 'timestamp,open,high,low,close,volume\n' + lines.join('\n') + '\n');
    const bad = write('bad.csv', 'timestamp,open,high,low,close,volume\n2024-03-26T13:31:00Z,1,2,1,zz,1\n');
    const merged = mergeSources([
      new CsvBarSource({ file: big, symbol: 'BIG' }),
      new CsvBarSource({ file: bad, symbol: 'BAD' }),
      new CsvBarSource({ file: good, symbol: 'GOOD' }),
    ]);
    const err = await readError(merged);
    expect(err.message).toBe(`${bad}:2  close: cannot parse 'zz' as a number`);
    expect(openDescriptors(big) ?? []).toEqual([]);
  });
});
