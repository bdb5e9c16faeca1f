/**
 * The thread bundle (scripts/bundle-threads.js, `npm run build` step 5): which file a
 * thread starts from, and that the bundle, built into a fresh folder, runs a sweep's piece in a
 * worker thread to the same books as this thread.
 */
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { THREAD_BUNDLE_DIR, THREAD_BUNDLE_ENTRIES, threadBundleFile } from '../../src/runtime-mode.ts';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { runLoadedShard } from '../../src/sequencer/run-shard.ts';
import type { ShardResult, ShardTask, ThreadMessage } from '../../src/sequencer/shard-pool.ts';
import { SharedPieces } from '../../src/sequencer/shared-pieces.ts';
// @ts-expect-error -- a plain-JavaScript build script, without types
import { bundleThreads } from '../../scripts/bundle-threads.js';

const REPO = resolve(import.meta.dirname, '../..');

describe('threadBundleFile', () => {
  const saved = process.env['SLUICE_BUNDLE'];
  afterEach(() => {
    if (saved === undefined) delete process.env['SLUICE_BUNDLE'];
    else process.env['SLUICE_BUNDLE'] = saved;
  });

  it("names the bundle's file for one of its entries once it is there, and nothing for SLUICE_BUNDLE=0 or another module", () => {
    const dist = pathToFileURL(`${mkdtempSync(join(tmpdir(), 'sluice-dist-'))}/`);
    expect(threadBundleFile('coordinator/shard-worker.ts', dist)).toBeUndefined();
    mkdirSync(new URL(`${THREAD_BUNDLE_DIR}/`, dist));
    writeFileSync(new URL(`${THREAD_BUNDLE_DIR}/shard-worker.js`, dist), '');
    expect(threadBundleFile('coordinator/shard-worker.ts', dist)?.href).toBe(
      new URL(`${THREAD_BUNDLE_DIR}/shard-worker.js`, dist).href,
    );
    expect(threadBundleFile('distributed/sweep-processor.ts', dist)).toBeUndefined();
    process.env['SLUICE_BUNDLE'] = '0';
    expect(threadBundleFile('coordinator/shard-worker.ts', dist)).toBeUndefined();
  });
});

describe('the thread bundle', () => {
  it('runs a shard in a worker thread to the same books as this thread, reading the package files next to dist/', async () => {
    // A package folder of its own: dist/ holds only the bundle; the files modules read
    // next to their dist/ twins (package.json, patterns/) and the packages left external
    // sit where the package has them.
    const pkg = mkdtempSync(join(tmpdir(), 'sluice-bundle-'));
    cpSync(join(REPO, 'package.json'), join(pkg, 'package.json'));
    for (const dir of ['patterns', 'node_modules']) symlinkSync(join(REPO, dir), join(pkg, dir), 'dir');
    const dist = join(pkg, 'dist');
    await bundleThreads({ root: REPO, dist, dir: THREAD_BUNDLE_DIR, entries: THREAD_BUNDLE_ENTRIES });

    const file = resolve(REPO, 'test/fixtures/configs/spy-small.yaml');
    const options = { sets: ['strategies[0].params.fast_period=[5,10]', "data.end='2024-08-01'"] };
    const loaded = await loadWorkflow(file, options);
    const task: ShardTask = {
      file,
      options,
      keys: loaded.wf.strategies.map((s) => s.key),
      start: null,
      end: null,
      tradeFrom: null,
      bars: null,
    };
    const here = await runLoadedShard(loaded, task);
    const entry = pathToFileURL(join(dist, THREAD_BUNDLE_DIR, 'shard-worker.js')).href;
    // As the pool starts a thread: the entry listens for sweeps; this thread takes no piece.
    const worker = new Worker(`import(${JSON.stringify(entry)});`, { eval: true, execArgv: [] });
    // One piece of both combinations (pieces never go under a quarter of the shard size).
    const pieces = SharedPieces.create(task.keys.length, 8, 1);
    worker.postMessage({ sweep: 1, task: { ...task, pieces: pieces.buffer } });
    const there = await new Promise<ShardResult>((done, fail) => {
      worker.once('message', (m: ThreadMessage) => done(m.result));
      worker.once('error', fail);
    });
    await worker.terminate();
    expect(here.status).toBe('completed');
    expect(here.books.length).toBe(2);
    expect(JSON.stringify(there)).toBe(JSON.stringify(here));
  }, 120_000);
});
