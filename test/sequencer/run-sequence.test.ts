import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { runWorkflow } from '../../src/coordinator/run-workflow.ts';
import { bootstrapTrades, returnsOnEquity } from '../../src/domain/metrics/monte-carlo.ts';
import { ManualClock } from '../../src/runtime/clock.ts';
import { silent } from '../helpers/run.ts';

const CONFIG = 'test/fixtures/configs/spy-small.yaml';
// Six combinations over the first ~8,000 bars of SPY 5m: small enough to run often.
const GRID = [
  'strategies[0].params.fast_period=[5,10,20]',
  'strategies[0].params.slow_period=[30,60]',
  "data.end='2024-08-01'",
];
const fixedClock = new ManualClock(Date.parse('2026-01-02T03:04:05.000Z'));

async function run(sets: string[], outDir: string, signal?: AbortSignal) {
  const loaded = await loadWorkflow(CONFIG, { sets: [...GRID, ...sets] });
  return runWorkflow(loaded, {
    logger: silent,
    outDir,
    clock: fixedClock,
    ...(signal !== undefined ? { signal } : {}),
  });
}

/** A plain single pass in memory, honouring data.start / data.end. */
async function single(sets: string[]) {
  const loaded = await loadWorkflow(CONFIG, { sets });
  const r = await runWorkflow(loaded, { logger: silent, inMemory: true });
  return r.outcome!;
}

const tmp = () => mkdtempSync(join(tmpdir(), 'sluice-seq-'));
interface WalkForwardSummary {
  walk_forward: { per_window: unknown[]; parameter_stability: { fast_period: { values: unknown[] } } };
}
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as WalkForwardSummary;

describe('parameter_sweep', () => {
  it('gives every combination the metrics a single graph gives it, whatever the shard size', async () => {
    const one = await single(GRID);
    const expected = new Map(one.books.map((b) => [b.key, b.metrics]));
    for (const shard of [1, 4, 250]) {
      const r = await run([`sequence={type: parameter_sweep, shard_size: ${shard}, resume: false}`], tmp());
      expect(r.status).toBe('completed');
      expect(r.result.iterations).toHaveLength(6);
      for (const it of r.result.iterations as { strategy_id: string; metrics: object }[])
        expect(it.metrics).toEqual(expected.get(it.strategy_id));
      // The best is run again in full: its trades are the single graph's (ids aside, which are run-wide).
      const best = one.books.find((b) => b.key === r.result.best!.strategy_id)!;
      const core = (ts: readonly { entryTs: number; exitTs: number; quantity: number; pnl: number }[]) =>
        ts.map((t) => [t.entryTs, t.exitTs, t.quantity, t.pnl]);
      expect(core(r.ranking[0]!.trades!)).toEqual(core(best.trades!));
    }
  });

  it('resumes: a rerun reuses every stored combination and writes byte-identical result files', async () => {
    const out = tmp();
    const sweep = 'sequence={type: parameter_sweep, shard_size: 2}';
    const first = await run([sweep], out);
    expect([first.result.computed, first.result.reused]).toEqual([6, 0]);
    // Same clock → same workflow id; move the first folder aside to compare.
    const firstFiles = ['aggregate_results.json', 'phase_summary.json', 'trades.ndjson'].map((f) =>
      readFileSync(join(first.dir!, 'backtest', f), 'utf8'),
    );
    const second = await run([sweep], join(out, 'again'));
    // The store lives under the results root: a different root starts empty…
    expect(second.result.computed).toBe(6);
    const third = await run([sweep], out.concat(''));
    expect([third.result.computed, third.result.reused]).toEqual([0, 6]);
    // The spread of each metric over the combinations is summarized.
    const across = third.result.extra['metrics_across_combinations'] as Record<
      string,
      { count: number; min: number; max: number; p50: number }
    >;
    const sharpes = (third.result.iterations as { metrics: { sharpe_ratio: number } }[]).map(
      (x) => x.metrics.sharpe_ratio,
    );
    expect(across['sharpe_ratio']).toMatchObject({ count: 6, min: Math.min(...sharpes), max: Math.max(...sharpes) });
    const thirdFiles = ['aggregate_results.json', 'phase_summary.json', 'trades.ndjson'].map((f) =>
      readFileSync(join(third.dir!, 'backtest', f), 'utf8'),
    );
    const strip = (s: string) => s.replace(/"(reused|computed|shards)": ?\d+/g, '');
    expect(thirdFiles.map(strip)).toEqual(firstFiles.map(strip));
    // Byte-identical but for phase_summary.json's counters of this run's work, as docs/sequences.md says (issue 19).
    expect([thirdFiles[0], thirdFiles[2]]).toEqual([firstFiles[0], firstFiles[2]]);
    expect(thirdFiles[1]).not.toBe(firstFiles[1]);
    expect(readFileSync('docs/sequences.md', 'utf8')).toMatch(
      /all but `phase_summary\.json`, whose `sweep`\s+section counts this run's work: `reused`, `computed` and `shards` differ/,
    );
  });

  it('after an interrupted sweep, the rerun computes only what is missing', async () => {
    const out = tmp();
    const abort = new AbortController();
    const loaded = await loadWorkflow(CONFIG, { sets: [...GRID, 'sequence={type: parameter_sweep, shard_size: 2}'] });
    // Stop the run once the first shard has been committed.
    let ticks = 0;
    const first = await runWorkflow(loaded, {
      logger: silent,
      outDir: out,
      clock: fixedClock,
      signal: abort.signal,
      progress: { tick: (n = 1) => ((ticks += n), ticks >= 2 && abort.abort()), setTotal: () => undefined },
    });
    expect(first.status).toBe('cancelled');
    const again = await run(['sequence={type: parameter_sweep, shard_size: 2}'], out);
    expect(again.status).toBe('completed');
    expect(again.result.reused).toBe(2);
    expect(again.result.computed).toBe(4);
  });
});

describe('walk_forward and train_test', () => {
  it('each window tests the parameters that were best on its train range, warmed up before the test range', async () => {
    const out = tmp();
    const r = await run(['sequence={type: walk_forward, train: 3000, test: 1500}'], out);
    expect(r.status).toBe('completed');
    const windows = r.result.iterations as {
      index: number;
      train: { start: string; end: string };
      test: { start: string; end: string; metrics: Record<string, number> };
      best: { strategy_id: string };
    }[];
    expect(windows.length).toBeGreaterThanOrEqual(3);
    // Independently: a plain grid run on exactly the first train range (no bars before it
    // to warm up on) picks the same best.
    const w0 = windows[0]!;
    const train = await single([...GRID.slice(0, 2), `data.start='${w0.train.start}'`, `data.end='${w0.train.end}'`]);
    const ranked = [...train.books].sort((a, b) => b.metrics.sharpe_ratio - a.metrics.sharpe_ratio);
    expect(ranked[0]!.key).toBe(w0.best.strategy_id);
    const w = windows[1]!;
    // The test run trades from the first test bar on, never before it.
    const trades = readFileSync(join(r.dir!, 'backtest', 'windows', '1', 'trades.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { entry_time: string });
    expect(trades.length).toBeGreaterThan(0);
    for (const t of trades) expect(Date.parse(t.entry_time)).toBeGreaterThanOrEqual(Date.parse(w.test.start));
    const summary = readJson(join(r.dir!, 'backtest', 'phase_summary.json'));
    expect(summary['walk_forward'].per_window).toHaveLength(windows.length);
    expect(summary['walk_forward'].parameter_stability.fast_period.values).toHaveLength(windows.length);
    // SPY has 79 five-minute bars a session (78 assumed) or more: each window says so, the phase once.
    const window1 = readJson(join(r.dir!, 'backtest', 'windows', '1', 'phase_summary.json')) as unknown as {
      warnings: string[];
      data: { annualization: { bars_per_session: number } };
    };
    expect(window1.data.annualization.bars_per_session).toBeGreaterThan(78.78); // more than 1 % above 78
    expect(window1.warnings).toEqual([
      expect.stringMatching(/^annualization: timeframe 5m on us_equity assumes 78 bars a session/),
    ]);
    expect((summary as unknown as { warnings: string[] }).warnings).toEqual([
      expect.stringMatching(new RegExp(`^annualization: in ${windows.length} of ${windows.length} test windows`)),
    ]);
    expect(readdirSync(join(r.dir!, 'backtest'))).toEqual(
      expect.arrayContaining(['oos_equity.ndjson', 'oos_trades.ndjson', 'windows']),
    );
    // The stitched curve's trade count is every window's.
    const total = windows.reduce((s, x) => s + x.test.metrics['trade_count']!, 0);
    expect(r.result.metrics['trade_count']).toBe(total);
  });

  it('a warmed-up test range enters at its first bar when the strategy is already long', async () => {
    // One strategy, split at 70 %: the out-of-sample run reads warm-up bars before the split.
    const r = await run(
      ['strategies[0].params={fast_period: 5, slow_period: 30}', 'sequence={type: train_test, ratio: 0.7}'],
      tmp(),
    );
    const tt = r.result.extra['train_test'] as { per_window: { test: { start: string } }[] };
    const start = Date.parse(tt.per_window[0]!.test.start);
    const cold = await single([
      'strategies[0].params={fast_period: 5, slow_period: 30}',
      `data.start='${new Date(start).toISOString()}'`,
      "data.end='2024-08-01'",
    ]);
    // Cold, the first trade waits for 30 bars of SMA warm-up; warmed up, it does not.
    const warmTrades = readFileSync(join(r.dir!, 'backtest', 'windows', '0', 'trades.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { entry_time: string });
    expect(Date.parse(warmTrades[0]!.entry_time)).toBeLessThan(cold.books[0]!.trades![0]!.entryTs);
    expect(Date.parse(warmTrades[0]!.entry_time)).toBeGreaterThanOrEqual(start);
  });
});

describe('monte_carlo', () => {
  it('bootstraps the best book’s trades, reproducibly', async () => {
    const seq = 'sequence={type: monte_carlo, draws: 500, seed: 7}';
    const a = await run([seq], tmp());
    const b = await run([seq], tmp());
    const mc = a.result.extra['monte_carlo'] as { strategy_id: string; total_return: { ci_low: number } };
    expect(mc).toEqual(b.result.extra['monte_carlo']);
    const best = a.ranking[0]!;
    expect(mc.strategy_id).toBe(best.key);
    const expected = bootstrapTrades(
      returnsOnEquity(
        best.trades!.map((t) => t.pnl),
        100_000,
      ),
      { draws: 500, seed: 7, confidence: [0.05, 0.95], block_size: 1 },
    );
    expect(mc.total_return).toEqual(expected.total_return);
  });
});

describe('random search', () => {
  it('runs a seeded sample of the grid: the same seed, the same combinations', async () => {
    const seq = 'sequence={type: parameter_sweep, search: {method: random, samples: 3, seed: 7}, resume: false}';
    const a = await run([seq], tmp());
    const b = await run([seq], tmp());
    const c = await run([seq.replace('seed: 7', 'seed: 8')], tmp());
    const ids = (r: typeof a) => (r.result.iterations as { strategy_id: string }[]).map((x) => x.strategy_id);
    expect(ids(a)).toHaveLength(3);
    expect(ids(a)).toEqual(ids(b));
    expect(ids(c)).not.toEqual(ids(a));
    const all = ['5_30', '5_60', '10_30', '10_60', '20_30', '20_60'].map((x) => `sma_crossover_${x}`);
    for (const id of ids(a)) expect(all).toContain(id);
  });
});

describe('--workers', () => {
  it('shards on worker threads give byte-identical result files to one thread', async () => {
    const sets = ['sequence={type: parameter_sweep, shard_size: 2, resume: false}'];
    const files = async (workers: number): Promise<string[]> => {
      const loaded = await loadWorkflow(CONFIG, { sets: [...GRID, ...sets] });
      const r = await runWorkflow(loaded, { logger: silent, outDir: tmp(), clock: fixedClock, workers });
      expect(r.status).toBe('completed');
      expect(r.result.computed).toBe(6);
      return ['aggregate_results.json', 'phase_summary.json', 'trades.ndjson'].map((f) =>
        readFileSync(join(r.dir!, 'backtest', f), 'utf8'),
      );
    };
    expect(await files(2)).toEqual(await files(1));
  }, 60_000);

  it('a bad row fails the sweep with the file:row error one thread gives (the main thread reads the bars for the pool)', async () => {
    // SPY 5m with row 1,001 given a high below its low: inside the swept range.
    const dir = tmp();
    const lines = readFileSync('examples/data/SPY_5m.csv', 'utf8').split('\n');
    const cells = lines[1000]!.split(',');
    const [ts, open, , low, close, volume] = cells;
    lines[1000] = [ts, open, String(Number(low) - 1), low, close, volume].join(',');
    writeFileSync(join(dir, 'bars.csv'), lines.join('\n'));
    const sets = [
      ...GRID,
      `data.path='${join(dir, 'bars.csv')}'`,
      'sequence={type: parameter_sweep, shard_size: 2, resume: false}',
    ];
    const failure = async (workers: number) => {
      const r = await runWorkflow(await loadWorkflow(CONFIG, { sets }), {
        logger: silent,
        outDir: tmp(),
        clock: fixedClock,
        workers,
      });
      expect(r.status).toBe('failed');
      return r.result.reason;
    };
    const one = await failure(1);
    expect(one).toMatch(/bars\.csv:1001 /);
    expect(await failure(2)).toBe(one);
  }, 60_000);
});

describe('a mistake in sequence:', () => {
  it('is a located config error raised before any results folder is written', async () => {
    const out = tmp();
    // Resolved when the config loads (as `sluice validate` loads it), so the run never starts.
    await expect(
      loadWorkflow(CONFIG, { sets: ["sequence={type: walk_forward, train: '3m', test: 500}"] }),
    ).rejects.toThrow(/sequence\.train/);
    expect(readdirSync(out)).toEqual([]);
  });
});
