import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { openBarSource } from '../../src/data/open-source.ts';
import { loadLiveWorkflow, openStoreWarmup, withLiveStore } from '../../src/live/load-live.ts';
import { replay } from '../../src/live/replay.ts';
import { runLive } from '../../src/live/run-live.ts';
import { runPhase } from '../../src/sequencer/run-phase.ts';
import { checkStoreCompatible, readSignalStore, readStoreMeta } from '../../src/signals/read-store.ts';
import { signalConfigHash } from '../../src/signals/store-identity.ts';
import type { SignalStoreRow } from '../../src/signals/store-format.ts';
import { ENGINE } from '../../src/engine-info.ts';
import { LiveError } from '../../src/errors/live-error.ts';
import { sluice } from '../helpers/cli.ts';
import { LIVE_CONFIG, MemorySink, silent, splitSpy, SPY_BARS, spyHistory, spySource } from '../helpers/live.ts';

const HISTORY = 15_000;

/** The signal rows of the config's historical signal generation over the whole SPY series. */
let reference: SignalStoreRow[];

beforeAll(async () => {
  const loaded = await loadWorkflow(LIVE_CONFIG, { sets: ['results.storage=memory'] });
  const outcome = await runPhase({ ...loaded, source: spySource(), phaseDir: null, logger: silent });
  if (outcome.signals === undefined) throw new Error('reference run kept no signals');
  reference = outcome.signals.map((r) => ({ ...r, ts: Number(r.ts) }));
});

/** The live bars as NDJSON on a stdin stream; `pause` resolves once `upTo` bars were written and the writing waits for `resume`. */
function stdinFeed(liveStart: string, upTo: number) {
  const stdin = new PassThrough();
  let written = 0;
  let release: () => void = () => undefined;
  const resumed = new Promise<void>((r) => (release = r));
  let reached: () => void = () => undefined;
  const paused = new Promise<void>((r) => (reached = r));
  const output = {
    send: (t: string) => {
      stdin.write(`${t}\n`);
      if (t.includes('"bar"')) written++;
    },
    get needsDrain() {
      return stdin.writableNeedDrain || written === upTo;
    },
    drained: async () => {
      if (written === upTo) {
        reached();
        await resumed;
        written++; // past the pause point
      }
      if (stdin.writableNeedDrain) await new Promise<void>((r) => stdin.once('drain', () => r()));
    },
  };
  const done = replay({ source: spySource(liveStart), speed: 'max', output, logger: silent }).then(() => stdin.end());
  return { stdin, paused, resume: release, done };
}

/** The store's metadata once it lists `parts` parts (the warm-up and the bars sent are still being processed). */
async function metaWithParts(dir: string, parts: number) {
  for (let i = 0; ; i++) {
    const meta = await readStoreMeta(dir).catch(() => undefined);
    if ((meta?.files.parts?.length ?? 0) >= parts || i === 500) return meta!;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const strip = (rows: readonly SignalStoreRow[]) => rows.map((r) => ({ ...r }));

describe('live runs write the Parquet signal store in parts, readable while the run goes on', () => {
  it('a reader mid-run sees a prefix of the rows; at the end the store equals historical signal generation over history + live, row for row', async () => {
    const { history, liveStart, dir } = splitSpy(HISTORY);
    const storeDir = join(dir, 'live-store');
    const warmup = spyHistory(history);
    const loaded = withLiveStore(
      await loadLiveWorkflow(LIVE_CONFIG),
      { type: 'store', path: storeDir, rowGroupRows: 200 },
      'stdin',
      warmup.description,
    );
    const feed = stdinFeed(liveStart, 3_000);
    const running = runLive({
      loaded,
      feedUrl: 'stdin',
      stdin: feed.stdin,
      warmup,
      sinks: [new MemorySink()],
      logger: silent,
    });

    await feed.paused;
    // The graph may still be working through the bars already sent: wait for their parts.
    const mid = await metaWithParts(storeDir, 5);
    expect(mid.live?.status).toBe('open');
    const partial = await readSignalStore(storeDir);
    expect(partial.signals.length).toBeGreaterThan(0);
    // The graph may have written more parts since `mid`: the reader's own metadata counts.
    expect(partial.signals.length).toBe(partial.meta.files.signals.rows);
    expect(partial.meta.live?.status).toBe('open');
    expect(strip(partial.signals)).toEqual(reference.slice(0, partial.signals.length));

    feed.resume();
    await feed.done;
    const outcome = await running;
    expect(outcome).toMatchObject({ status: 'completed', warmupBars: HISTORY, liveBars: SPY_BARS - HISTORY });

    const store = await readSignalStore(storeDir);
    expect(store.meta.live).toMatchObject({ status: 'complete', feed: 'stdin' });
    expect(strip(store.signals)).toEqual(reference);
    expect(store.regimes.length).toBeGreaterThan(0);
    const parts = store.meta.files.parts ?? [];
    expect(parts.length).toBeGreaterThan(10);
    expect(parts.reduce((n, p) => n + p.signals.rows, 0)).toBe(reference.length);
    expect(store.meta.data.bars).toBe(SPY_BARS);
    expect(store.meta.strategies.reduce((n, s) => n + s.signal_rows, 0)).toBe(reference.length);
    // One Parquet file per part and table, and nothing else but the metadata.
    expect(readdirSync(storeDir).sort()).toEqual(
      ['metadata.json', ...parts.flatMap((p) => [p.regimes.file, p.signals.file])].sort(),
    );

    // Its bars came from a feed: a replay of the config refuses it unless forced.
    const expected = { configHash: await signalConfigHash(loaded.wf), engineVersion: ENGINE.version, force: false };
    expect(() => checkStoreCompatible(store.meta, expected)).toThrow(/config hash/);
    expect(() => checkStoreCompatible(store.meta, { ...expected, force: true })).not.toThrow();
  });

  it('a stopped run (Ctrl-C) keeps what it computed, marked interrupted', async () => {
    const { history, liveStart, dir } = splitSpy(HISTORY);
    const storeDir = join(dir, 'live-store');
    // A store already there is replaced, part files and all.
    mkdirSync(storeDir);
    for (const stale of ['signals.parquet', 'regimes.parquet', 'signals-000099.parquet', 'metadata.json'])
      writeFileSync(join(storeDir, stale), 'old');
    const warmup = spyHistory(history);
    const loaded = withLiveStore(
      await loadLiveWorkflow(LIVE_CONFIG),
      { type: 'store', path: storeDir, rowGroupRows: 500 },
      'stdin',
      'history',
    );
    const abort = new AbortController();
    const feed = stdinFeed(liveStart, 2_000);
    const running = runLive({
      loaded,
      feedUrl: 'stdin',
      stdin: feed.stdin,
      warmup,
      sinks: [],
      logger: silent,
      signal: abort.signal,
    });
    await feed.paused;
    await metaWithParts(storeDir, 1);
    abort.abort();
    const outcome = await running;
    feed.resume();
    feed.stdin.destroy();
    expect(outcome.status).toBe('cancelled');
    const store = await readSignalStore(storeDir);
    expect(store.meta.live?.status).toBe('interrupted');
    expect(store.signals.length).toBeGreaterThan(0);
    expect(strip(store.signals)).toEqual(reference.slice(0, store.signals.length));
    const parts = store.meta.files.parts ?? [];
    expect(readdirSync(storeDir).sort()).toEqual(
      ['metadata.json', ...parts.flatMap((p) => [p.regimes.file, p.signals.file])].sort(),
    );
  });
});

describe('warm-up from the store: the bars a historical store was computed from, fingerprints checked', () => {
  it('primes the graph with the store’s own bars and range; a changed file is refused by name', async () => {
    const { history, dir } = splitSpy(HISTORY);
    const storeDir = join(dir, 'historical');
    const bars = join(dir, 'bars.csv');
    copyFileSync(history, bars);
    // A historical store over the first 15,000 bars (the config's data replaced by that file).
    const sets = [`data.path=${JSON.stringify(bars)}`, `signals.store=${JSON.stringify(storeDir)}`];
    const gen = await loadWorkflow(LIVE_CONFIG, { sets: [...sets, 'results.storage=disk'] });
    const generated = await runPhase({
      ...gen,
      source: openBarSource({ path: bars, symbol: 'SPY' }, process.cwd()),
      phaseDir: null,
      logger: silent,
    });
    expect(generated.status).toBe('completed');
    const meta = await readStoreMeta(storeDir);
    expect(meta.data.bars).toBe(HISTORY);

    const live = await loadLiveWorkflow(LIVE_CONFIG, { sets });
    const source = await openStoreWarmup(live);
    let n = 0;
    for await (const chunk of source.chunks()) n += chunk.length;
    await source.close();
    expect(n).toBe(HISTORY);

    // The file changed since the store was written: refused, naming the file.
    writeFileSync(bars, `${history}\n`, { flag: 'a' });
    await expect(openStoreWarmup(live)).rejects.toThrow(LiveError);
    await expect(openStoreWarmup(live)).rejects.toThrow(
      /bars\.csv \(SPY\) is not the file the store was computed from/,
    );
    // No store configured: says what to set.
    await expect(openStoreWarmup(await loadLiveWorkflow(LIVE_CONFIG))).rejects.toThrow(/set signals\.store/);
    // The same through the CLI: one line, exit 1, before any feed is read.
    const cli = await sluice([
      'live',
      LIVE_CONFIG,
      '--feed',
      'stdin',
      '--warmup',
      'store',
      '--set',
      `data.path=${JSON.stringify(bars)}`,
      '--set',
      `signals.store=${JSON.stringify(storeDir)}`,
    ]);
    expect(cli.code).toBe(1);
    expect(cli.stderr.trim()).toMatch(
      /^live: warm-up from the store .*historical: .*bars\.csv \(SPY\) is not the file the store was computed from: \d+ bytes/,
    );
  });
});
