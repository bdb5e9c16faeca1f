import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { runLoadedShard } from '../../src/sequencer/run-shard.ts';
import { shardPool, type ShardResult } from '../../src/sequencer/shard-pool.ts';
import { SharedPieces } from '../../src/sequencer/shared-pieces.ts';
import { pieceSize } from '../../src/sequencer/piece-size.ts';

const CONFIG = 'test/fixtures/configs/spy-small.yaml';
const GRID = ['strategies[0].params.fast_period=[5, 10, 20]', 'strategies[0].params.slow_period=[30, 60]'];

describe('SharedPieces', () => {
  it('hands out every index once, in pieceSize pieces, to every view of the same buffer', () => {
    const a = SharedPieces.create(2000, 250, 2);
    const b = new SharedPieces(a.buffer);
    const taken: [number, number][] = [];
    for (let i = 0; ; i++) {
      const p = (i % 3 === 0 ? b : a).take();
      if (p === undefined) break;
      taken.push([p.from, p.to]);
    }
    let next = 0;
    for (const [from, to] of taken) {
      expect(from).toBe(next);
      expect(to - from).toBe(pieceSize(2000 - from, 250, 2));
      next = to;
    }
    expect(next).toBe(2000);
    expect(a.take()).toBeUndefined();
  });

  it('stops handing out pieces once any view is stopped', () => {
    const a = SharedPieces.create(100, 10, 2);
    const b = new SharedPieces(a.buffer);
    expect(a.take()).toEqual({ from: 0, to: 10 });
    b.stop();
    expect(a.stopped).toBe(true);
    expect(a.take()).toBeUndefined();
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('shardPool', () => {
  const sets = [...GRID];
  const range = { start: null, end: null, tradeFrom: null, bars: null };

  it('a worker thread takes the pieces this thread leaves; every book is the one this thread computes', async () => {
    const loaded = await loadWorkflow(CONFIG, { sets });
    const keys = loaded.wf.strategies.map((s) => s.key);
    expect(keys).toHaveLength(6);
    const alone = await runLoadedShard(loaded, { keys, ...range });
    const pool = shardPool(2);
    try {
      const here: string[] = [];
      const results: ShardResult[] = [];
      await pool.sweep({
        task: { file: CONFIG, options: { sets }, keys, ...range },
        shardSize: 2,
        // This thread's first piece waits long enough for the worker to start and take the rest.
        here: async (from, to) => {
          if (here.length === 0) await sleep(5000);
          here.push(...keys.slice(from, to));
          return runLoadedShard(loaded, { keys: keys.slice(from, to), ...range });
        },
        onResult: async (r) => {
          results.push(r);
        },
      });
      // Pieces of 2, 1, 1, 1, 1 (pieceSize shrinks them towards the end), each delivered once.
      expect(results.map((r) => r.status)).toEqual(Array(5).fill('completed'));
      expect(results.map((r) => r.books.length).sort()).toEqual([1, 1, 1, 1, 2]);
      expect(here).toEqual(keys.slice(0, 2));
      const byKey = new Map(results.flatMap((r) => r.books).map((b) => [b.strategy_id, b]));
      expect(keys.map((k) => byKey.get(k))).toEqual(alone.books);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("a thread that cannot load the workflow fails the sweep with the loader's error", async () => {
    const pool = shardPool(2);
    try {
      const results: ShardResult[] = [];
      await pool.sweep({
        task: { file: 'test/fixtures/configs/no-such-file.yaml', options: {}, keys: ['a', 'b', 'c', 'd'], ...range },
        shardSize: 1,
        here: async () => {
          await sleep(5000);
          return { status: 'completed', error: null, books: [] };
        },
        onResult: async (r) => {
          results.push(r);
        },
      });
      const failed = results.filter((r) => r.status === 'failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.error).toMatch(/no-such-file\.yaml/);
      // This thread's piece came back; no other was started after the failure.
      expect(results).toHaveLength(2);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("an abort ends the sweep after this thread's piece, and no result arrives after it returns", async () => {
    const loaded = await loadWorkflow(CONFIG, { sets });
    const keys = loaded.wf.strategies.map((s) => s.key);
    const pool = shardPool(2);
    try {
      const abort = new AbortController();
      let returned = false;
      let late = 0;
      await pool.sweep({
        task: { file: CONFIG, options: { sets }, keys, ...range },
        shardSize: 1,
        here: async (from, to) => {
          abort.abort();
          return runLoadedShard(loaded, { keys: keys.slice(from, to), ...range });
        },
        onResult: async () => {
          if (returned) late++;
        },
        signal: abort.signal,
      });
      returned = true;
      await sleep(2000);
      expect(late).toBe(0);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('a signal aborted before the sweep hands out nothing, here or in the worker', async () => {
    const pool = shardPool(2);
    try {
      const abort = new AbortController();
      abort.abort();
      let computed = 0;
      const results: ShardResult[] = [];
      await pool.sweep({
        task: { file: CONFIG, options: { sets }, keys: ['a', 'b', 'c'], ...range },
        shardSize: 1,
        here: async () => {
          computed++;
          return { status: 'completed', error: null, books: [] };
        },
        onResult: async (r) => {
          results.push(r);
        },
        signal: abort.signal,
      });
      await sleep(1000);
      expect(computed).toBe(0);
      expect(results).toEqual([]);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('a result that cannot be committed fails the sweep with that error instead of hanging it', async () => {
    const loaded = await loadWorkflow(CONFIG, { sets });
    const keys = loaded.wf.strategies.map((s) => s.key);
    const pool = shardPool(2);
    try {
      await expect(
        pool.sweep({
          task: { file: CONFIG, options: { sets }, keys, ...range },
          shardSize: 2,
          here: (from, to) => runLoadedShard(loaded, { keys: keys.slice(from, to), ...range }),
          onResult: () => Promise.reject(new Error('disk full')),
        }),
      ).rejects.toThrow('disk full');
    } finally {
      await pool.close();
    }
  }, 60_000);
});
