import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { runPhase } from '../../src/sequencer/run-phase.ts';
import { runWorkflow } from '../../src/coordinator/run-workflow.ts';
import { openBarSource } from '../../src/data/open-source.ts';
import type { BarSource } from '../../src/data/bar-source.ts';
import type { DrainableSink } from '../../src/files/drainable-sink.ts';
import { silent } from '../helpers/run.ts';

const CONFIG = 'test/fixtures/configs/spy-small.yaml';
const BARS = 20769;

async function phase(
  sets: string[],
  extra: { sinks?: DrainableSink[]; wrap?: (s: BarSource) => BarSource; write?: boolean } = {},
) {
  const loaded = await loadWorkflow(CONFIG, { sets });
  const s = loaded.wf.sources[0]!;
  const file = openBarSource({ path: s.path, symbol: s.symbol, chunkSize: 2000 }, loaded.wf.baseDir);
  const dir = extra.write === true ? mkdtempSync(join(tmpdir(), 'sluice-storage-')) : null;
  const outcome = await runPhase({
    ...loaded,
    source: extra.wrap?.(file) ?? file,
    phaseDir: dir,
    logger: silent,
    ...(extra.sinks !== undefined ? { sinks: extra.sinks } : {}),
  });
  expect(outcome.status).toBe('completed');
  return { outcome, dir };
}

const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n');

describe('storage modes', () => {
  it('memory keeps every trade and an equity point per bar in the result', async () => {
    const { outcome } = await phase(['results.storage=memory']);
    const book = outcome.books[0]!;
    expect(book.equity).toHaveLength(BARS);
    expect(book.trades).toHaveLength(book.metrics.trade_count);
    expect(book.truncated).toBe(false);
  });

  it('disk keeps no series in memory and streams them; the content equals memory mode', async () => {
    const mem = await phase(['results.storage=memory'], { write: true });
    const disk = await phase(['results.storage=disk'], { write: true });
    const book = disk.outcome.books[0]!;
    expect(book.trades).toBeUndefined();
    expect(book.equity).toBeUndefined();
    expect(book.metrics).toEqual(mem.outcome.books[0]!.metrics);
    expect(readFileSync(join(disk.dir!, 'trades.ndjson'), 'utf8')).toBe(
      readFileSync(join(mem.dir!, 'trades.ndjson'), 'utf8'),
    );
    const equity = lines(join(disk.dir!, 'equity.ndjson')).map((l) => JSON.parse(l) as { equity: number; ts: string });
    expect(equity.map((e) => e.equity)).toEqual(mem.outcome.books[0]!.equity!.map((p) => p.equity));
    expect(equity.map((e) => Date.parse(e.ts))).toEqual(mem.outcome.books[0]!.equity!.map((p) => p.ts));
  });

  it('hybrid keeps the first hybrid_max_points in memory and writes everything to disk', async () => {
    const { outcome, dir } = await phase(['results.storage=hybrid', 'results.hybrid_max_points=100'], { write: true });
    const book = outcome.books[0]!;
    expect(book.equity).toHaveLength(100);
    expect(book.trades).toHaveLength(100);
    expect(book.truncated).toBe(true);
    expect(lines(join(dir!, 'equity.ndjson'))).toHaveLength(BARS);
    expect(lines(join(dir!, 'trades.ndjson'))).toHaveLength(book.metrics.trade_count);
  });

  it('equity_every sets the stored resolution, always ending on the last bar; metrics still use every bar', async () => {
    const full = await phase([]);
    const { outcome } = await phase(['results.equity_every=390']);
    const fullCurve = full.outcome.books[0]!.equity!;
    const curve = outcome.books[0]!.equity!;
    expect(curve).toHaveLength(Math.ceil(BARS / 390) + (BARS % 390 === 1 ? 0 : 1));
    expect(curve[1]).toEqual(fullCurve[390]);
    expect(curve[curve.length - 1]).toEqual(fullCurve[fullCurve.length - 1]);
    expect(outcome.books[0]!.metrics).toEqual(full.outcome.books[0]!.metrics);
  });

  it('signal generation keeps signal rows in memory in memory mode, none in disk mode', async () => {
    const mem = await phase(['topology=signal_generation']);
    expect(mem.outcome.signals!.length).toBeGreaterThan(500);
    // The first signal comes on bar 19, the first bar where SMA(20) exists.
    expect(mem.outcome.signals![0]).toMatchObject({ strategy_id: 'sma_crossover', seq: 19 });
    const disk = await phase(['topology=signal_generation', 'results.storage=disk']);
    expect(disk.outcome.signals).toBeUndefined();
  });

  it('store_full_results: false keeps series only for the best strategy', async () => {
    const loaded = await loadWorkflow(CONFIG, {
      sets: ['strategies[0].params.fast_period=[3,5,8]', 'results.store_full_results=false'],
    });
    const result = await runWorkflow(loaded, { logger: silent, inMemory: true });
    expect(result.ranking).toHaveLength(3);
    expect(result.ranking[0]!.trades!.length).toBeGreaterThan(0);
    expect(result.ranking[0]!.equity).toHaveLength(BARS);
    for (const b of result.ranking.slice(1)) {
      expect(b.trades).toBeUndefined();
      expect(b.equity).toBeUndefined();
      expect(b.metrics.trade_count).toBeGreaterThan(0);
    }
  });
});

describe('backpressure', () => {
  it('a slow sink slows the source: the next chunk is read only after the sink drained', async () => {
    const log: string[] = [];
    let outstanding = 0;
    let maxOutstanding = 0;
    // A consumer that takes 15 ms to absorb each chunk's output.
    const slow: DrainableSink = {
      get needsDrain() {
        return outstanding > 0;
      },
      drained: () =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            log.push('drained');
            outstanding = 0;
            resolve();
          }, 15),
        ),
    };
    const wrap = (file: BarSource): BarSource => ({
      description: file.description,
      symbols: file.symbols,
      stats: () => file.stats(),
      close: () => file.close(),
      async *chunks() {
        for await (const chunk of file.chunks()) {
          log.push(`chunk ${chunk.length}`);
          outstanding++;
          maxOutstanding = Math.max(maxOutstanding, outstanding);
          yield chunk;
        }
      },
    });
    const { outcome } = await phase([], { sinks: [slow], wrap });
    // Every bar arrived, and chunks strictly alternate with drains: the queue never grows.
    expect(outcome.bars).toBe(BARS);
    expect(maxOutstanding).toBe(1);
    const chunks = log.filter((l) => l.startsWith('chunk'));
    expect(chunks).toHaveLength(Math.ceil(BARS / 2000));
    for (let i = 0; i < log.length - 1; i++) expect(log[i]!.slice(0, 5)).not.toBe(log[i + 1]!.slice(0, 5));
  });

  it('the engine waits on its own file sinks with a tiny high-water mark and loses nothing', async () => {
    const { outcome, dir } = await phase(
      ['results.storage=disk', 'results.high_water_mark_bytes=1', 'results.write_buffer_bytes=64'],
      { write: true },
    );
    expect(lines(join(dir!, 'equity.ndjson'))).toHaveLength(BARS);
    expect(lines(join(dir!, 'trades.ndjson'))).toHaveLength(outcome.books[0]!.metrics.trade_count);
  });
});
