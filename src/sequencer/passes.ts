/**
 * The single pass and the parameter sweep, and the helpers the other sequence kinds
 * (walk-forward, Monte Carlo, replay variants, signal generation) build on. The kinds
 * themselves are defined in sequences/, which import these modules (never the reverse).
 */
import { join } from 'node:path';
import type { LoadedWorkflow } from '../topology/loaded-workflow.ts';
import type { ResolvedStrategy, ResolvedWorkflow } from '../config/resolved.ts';
import type { SequenceSettings, SweepSequence } from '../config/schema/sequence.ts';
import { ExecutionSchema, PortfolioSchema, RiskSchema } from '../config/schema/trading.ts';
import { MetricsSchema } from '../config/schema/workflow.ts';
import { toSnakeKeys } from '../config/schema-keys.ts';
import { MAX_SINGLE_PASS_STRATEGIES } from '../config/strategy-count.ts';
import { rankBooks } from '../results/rank.ts';
import { runPhase, type BookResult } from './run-phase.ts';
import { openWorkflowSource, readTimestamps, readWorkflowBars, sharedWorkflowSource } from '../data/workflow-source.ts';
import type { BarSource } from '../data/bar-source.ts';
import { restrictTo, warmupBars, windowRange, type BarRange } from './data-range.ts';
import {
  bookSummary,
  dataJson,
  describeFailure,
  phaseWarnings,
  writePhaseFiles,
  type BookSummary,
} from '../results/phase-writer.ts';
import { CombinationStore, combinationKey, dataFingerprint } from '../files/combination-store.ts';
import { strategyCode } from '../config/code-dependencies.ts';
import { ENGINE } from '../engine-info.ts';
import { createRng, randomInt } from '../domain/random.ts';
import { aggregateMetrics } from '../results/aggregate-stats.ts';
import type { ShardResult } from './shard-pool.ts';
import type { PhaseBest, PhaseResult, SequenceRequest } from './sequence-types.ts';
import { withStrategies } from './with-strategies.ts';

/**
 * The workflow windowed by the sequence's `window`, with warm-up bars before it.
 *
 * @param needTimestamps the caller cuts windows of its own (walk-forward): read the
 *   timestamps even without a `window`.
 */
export async function windowed(
  loaded: LoadedWorkflow,
  sequence: SequenceSettings,
  needTimestamps = false,
): Promise<{ wf: ResolvedWorkflow; ts: number[]; range: BarRange; warmup: number }> {
  // Without a window nothing needs the timestamps up front: a single pass reads the data once.
  if (sequence.window === undefined && !needTimestamps) {
    return { wf: loaded.wf, ts: [], range: { from: 0, to: 0 }, warmup: 0 };
  }
  const ts = await readTimestamps(loaded.wf);
  const range = windowRange(ts, sequence.window);
  const warmup = warmupBars(loaded, sequence.warmup);
  const wf = sequence.window === undefined ? loaded.wf : restrictTo(loaded.wf, ts, range, warmup);
  return { wf, ts, range, warmup };
}

/**
 * Refuses a single-pass graph of more books than it can hold; a plain config is refused at
 * load (located), a workflow phase's sequence is known only when it runs.
 *
 * @throws Error suggesting a parameter_sweep.
 */
export function checkSinglePassSize(req: SequenceRequest): void {
  const books = req.loaded.wf.strategies.length;
  if (books > MAX_SINGLE_PASS_STRATEGIES) {
    throw new Error(
      `phase '${req.loaded.wf.phase}': ${books.toLocaleString('en-US')} strategies in one single-pass graph, more than ${MAX_SINGLE_PASS_STRATEGIES.toLocaleString('en-US')}; run the grid as sequence: parameter_sweep (shards of shard_size strategies, one graph each)`,
    );
  }
}

/** Metrics as plain numbers (non-finite → null), for templates, conditions and ranking. */
export function metricRecord(metrics: object): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(metrics)) if (typeof v === 'number') out[k] = Number.isFinite(v) ? v : null;
  return out;
}

function bestOf(b: BookSummary | undefined): PhaseBest | null {
  if (b === undefined) return null;
  return { strategy_id: b.strategy_id, type: b.type, parameters: b.params, metrics: metricRecord(b.metrics) };
}

/**
 * One graph over the windowed data; every book written in full (trades, equity per the
 * results storage). Also the full-detail run of a sweep's best combination.
 */
export async function runSinglePass(
  req: SequenceRequest,
  wfOverride?: ResolvedWorkflow,
  sweep?: SweepOutcome,
  /** Sequence sections computed from the run, written into phase_summary.json (Monte Carlo). */
  addExtra?: (ranking: readonly BookResult[]) => Record<string, unknown>,
): Promise<PhaseResult> {
  const loaded = wfOverride === undefined ? req.loaded : withStrategies(req.loaded, wfOverride, wfOverride.strategies);
  const wf = wfOverride ?? (await windowed(req.loaded, req.sequence)).wf;
  const outcome = await runPhase({
    wf,
    plan: loaded.plan,
    source: openWorkflowSource(wf),
    phaseDir: req.phaseDir,
    logger: req.logger,
    ...(req.signal !== undefined ? { signal: req.signal } : {}),
  });
  const primary = wf.config.results.primaryMetric;
  let ranking = rankBooks(outcome.books, primary);
  if (!wf.config.results.storeFullResults) {
    // Only the best book keeps its series in the returned result; the rest, summaries.
    ranking = ranking.map((b, i) => (i === 0 ? b : { ...b, trades: undefined, equity: undefined }));
  }
  // A sweep lists every combination (most from its shards); a single pass, its own books.
  const books = sweep?.books ?? outcome.books.map(bookSummary);
  const ranked = sweep?.ranked ?? ranking.map(bookSummary);
  const best = ranked[0];
  const extra = {
    ...(sweep === undefined
      ? {}
      : {
          sweep: {
            combinations: sweep.books.length,
            reused: sweep.reused,
            computed: sweep.computed,
            shards: sweep.shards,
          },
          // How the metrics spread over the combinations: mean, std, min, max, percentiles.
          metrics_across_combinations: aggregateMetrics(sweep.books.map((b) => metricRecord(b.metrics))),
        }),
    ...(addExtra !== undefined && outcome.status === 'completed' ? addExtra(ranking) : {}),
  };
  const warnings = phaseWarnings(wf, outcome);
  for (const w of warnings) req.logger.warn({ phase: req.phase }, w);
  if (req.phaseDir !== null) {
    await writePhaseFiles(req.phaseDir, {
      phase: req.phase,
      topology: wf.topology.name,
      sequence: req.sequence.type,
      status: outcome.status,
      error: describeFailure(outcome.failure),
      warnings,
      data: dataJson(wf, outcome),
      primary_metric: primary,
      rows: { books, ranking: ranked },
      best: best ?? null,
      files: outcome.files,
      containers: outcome.containers,
      extra,
      trace: outcome.trace,
      records: outcome.records,
    });
  }
  const failure = describeFailure(outcome.failure);
  return {
    phase: req.phase,
    status: outcome.status,
    reason: failure === null ? null : String(failure['message']),
    sequence: req.sequence.type,
    primary_metric: primary,
    best: bestOf(best),
    metrics: best === undefined ? {} : metricRecord(best.metrics),
    iterations: books as unknown as Record<string, unknown>[],
    reused: sweep?.reused ?? 0,
    computed: sweep?.computed ?? outcome.books.length,
    extra,
    outcome,
    ranking,
  };
}

/** The metrics of every combination of a sweep. */
export interface SweepOutcome {
  /** Every combination, in declaration order. */
  readonly books: readonly BookSummary[];
  /** Best first by the primary metric. */
  readonly ranked: readonly BookSummary[];
  readonly reused: number;
  readonly computed: number;
  readonly shards: number;
  readonly status: 'completed' | 'failed' | 'cancelled';
  readonly failure: string | null;
}

/**
 * Runs every combination of `wf` (already windowed) in shards and returns their metrics
 * without writing per-book files. Results found in the resume store are reused; each
 * shard's results are committed as soon as it ends, so a crash loses one shard at most.
 */
export async function sweepCombinations(
  req: SequenceRequest,
  wf: ResolvedWorkflow,
  seq: Pick<SweepSequence, 'shard_size' | 'resume'>,
): Promise<SweepOutcome> {
  const store = seq.resume && req.storeDir != null ? new CombinationStore(req.storeDir) : undefined;
  const fingerprint = store === undefined ? '' : await dataFingerprint(wf.sources.map((s) => s.path));
  const keyOf = (s: ResolvedStrategy): string =>
    combinationKey({
      data: fingerprint,
      range: { start: wf.start ?? null, end: wf.end ?? null, trade_from: wf.tradeFrom ?? null },
      strategy: s.type,
      params: s.params,
      config: {
        // A replay and a backtest of equal inputs must not share results (a forced replay may differ).
        topology: wf.topology.name,
        filter: s.filter?.text ?? null,
        classifiers: wf.classifiers.map((c) => ({ id: c.id, type: c.type, params: c.params })),
        data: {
          timeframe: wf.config.data.timeframe,
          calendar: wf.config.data.calendar,
          symbols: wf.sources.map((x) => x.symbol),
        },
        // In the YAML spelling: the keys of stores written before the schema boundary stay valid.
        portfolio: toSnakeKeys(PortfolioSchema, wf.config.portfolio),
        risk: toSnakeKeys(RiskSchema, wf.config.risk),
        execution: { ...toSnakeKeys(ExecutionSchema, wf.config.execution), trace_settings: undefined },
        metrics: toSnakeKeys(MetricsSchema, wf.config.metrics),
      },
      engine: ENGINE.version,
      code: strategyCode(s, wf.classifiers),
    });
  const summaries = new Map<string, BookSummary>();
  const todo: ResolvedStrategy[] = [];
  const keys = new Map<string, string>();
  for (const s of wf.strategies) {
    const k = store === undefined ? '' : keyOf(s);
    keys.set(s.key, k);
    const hit = store === undefined ? undefined : ((await store.get(k)) as { summary?: BookSummary } | undefined);
    if (hit?.summary !== undefined) summaries.set(s.key, { ...hit.summary, strategy_id: s.key });
    else todo.push(s);
  }
  const reused = summaries.size;
  req.progress?.tick(reused);
  // Shards read no files and keep no series: metrics only.
  const metricsOnly: ResolvedWorkflow = {
    ...wf,
    config: { ...wf.config, results: { ...wf.config.results, storage: 'disk' } },
  };
  const shardList: ResolvedStrategy[][] = [];
  for (let i = 0; i < todo.length; i += seq.shard_size) shardList.push(todo.slice(i, i + seq.shard_size));
  let shards = 0;
  let status: SweepOutcome['status'] = 'completed';
  let failure: string | null = null;
  const commit = async (result: ShardResult): Promise<void> => {
    shards++;
    if (result.status !== 'completed') {
      if (status === 'completed') {
        status = result.status;
        failure = result.error ?? 'cancelled';
      }
      return;
    }
    for (const summary of result.books) {
      summaries.set(summary.strategy_id, summary);
      if (store !== undefined) await store.put(keys.get(summary.strategy_id)!, { summary });
    }
    req.progress?.tick(result.books.length);
  };
  const pool = req.workers;
  const load = req.loaded.load;
  if (pool?.runAll !== undefined && load !== undefined && todo.length > 0) {
    // A queue: the whole sweep at once (one flow of jobs), committed as each part returns.
    await pool.runAll(
      {
        phase: req.phase,
        wf,
        file: load.file,
        options: load.options,
        keys: todo.map((s) => s.key),
        storeKeys: todo.map((s) => keys.get(s.key)!),
        shardSize: seq.shard_size,
      },
      commit,
      req.signal,
    );
    if (req.signal?.aborted === true && status === 'completed') status = 'cancelled';
    // Jobs are sized for the queue, not for graphs; the summary counts the sweep's
    // shard_size shards, so result files do not depend on where the sweep ran.
    if (status === 'completed') shards = shardList.length;
  } else if (pool?.sweep !== undefined && load !== undefined && shardList.length > 1) {
    // `--workers N`: this thread and the pool's N − 1 threads each take the next piece of
    // the sweep from a shared counter (shard-pool.ts) until none is left; each piece is
    // committed as it comes back, and the order results are listed in comes from the
    // strategies, not from which thread finished first. Pieces shrink towards the end
    // (piece-size.ts) so the threads finish together; the summary still counts shard_size
    // shards, so result files do not depend on where the sweep ran. The bars are read
    // here once, into shared memory every thread runs over; a bad row fails the sweep as
    // it would fail a shard, with the same message.
    let bars: Awaited<ReturnType<typeof readWorkflowBars>> = null;
    let readFailure: string | undefined;
    try {
      bars = await readWorkflowBars(metricsOnly);
    } catch (err) {
      readFailure = err instanceof Error ? err.message : String(err);
    }
    if (readFailure !== undefined) await commit({ status: 'failed', error: readFailure, books: [] });
    else
      await pool.sweep({
        task: {
          file: load.file,
          options: load.options,
          keys: todo.map((s) => s.key),
          start: wf.start ?? null,
          end: wf.end ?? null,
          tradeFrom: wf.tradeFrom ?? null,
          bars,
        },
        shardSize: seq.shard_size,
        here: (from, to) => {
          const loaded = withStrategies(req.loaded, metricsOnly, todo.slice(from, to));
          return runShardHere(
            req,
            loaded,
            bars === null ? openWorkflowSource(loaded.wf) : sharedWorkflowSource(loaded.wf, bars),
          );
        },
        onResult: commit,
        signal: req.signal,
      });
    if (req.signal?.aborted === true && status === 'completed') status = 'cancelled';
    if (status === 'completed') shards = shardList.length;
  } else {
    for (const shard of shardList) {
      if (status !== 'completed') break;
      const loaded = withStrategies(req.loaded, metricsOnly, shard);
      await commit(await runShardHere(req, loaded, openWorkflowSource(loaded.wf)));
    }
  }
  const books = wf.strategies.flatMap((s) => {
    const b = summaries.get(s.key);
    return b === undefined ? [] : [b];
  });
  const ranked = rankBooks(
    books.map((b) => ({ ...b, metrics: b.metrics })),
    wf.config.results.primaryMetric,
  );
  return { books, ranked, reused, computed: books.length - reused, shards, status, failure };
}

/** A shard of a sweep in this thread, as a worker thread runs one (run-shard.ts). */
async function runShardHere(
  req: SequenceRequest,
  loaded: ReturnType<typeof withStrategies>,
  source: BarSource,
): Promise<ShardResult> {
  const outcome = await runPhase({
    wf: loaded.wf,
    plan: loaded.plan,
    source,
    phaseDir: null,
    logger: req.logger,
    ...(req.signal !== undefined ? { signal: req.signal } : {}),
  });
  return {
    status: outcome.status,
    error: outcome.failure === undefined ? null : String(describeFailure(outcome.failure)?.['message']),
    books: outcome.books.map(bookSummary),
  };
}

/** A sweep over the windowed data, then the best combination once more in full detail. */
export async function runParameterSweep(req: SequenceRequest, seq: SweepSequence): Promise<PhaseResult> {
  const windowedWf = (await windowed(req.loaded, seq)).wf;
  const wf = { ...windowedWf, strategies: searchSpace(windowedWf.strategies, seq.search) };
  req.progress?.setTotal(wf.strategies.length);
  const sweep = await sweepCombinations(req, wf, seq);
  req.logger.info(
    { phase: req.phase, combinations: sweep.books.length, reused: sweep.reused, computed: sweep.computed },
    'sweep finished',
  );
  const bestKey = sweep.ranked[0]?.strategy_id;
  const best = wf.strategies.find((s) => s.key === bestKey);
  if (sweep.status !== 'completed' || best === undefined) {
    return failedSweep(req, wf, sweep);
  }
  return runSinglePass(req, { ...wf, strategies: [best] }, sweep);
}

/**
 * The combinations a sweep runs: all of them (`grid`), or a seeded uniform sample of
 * `samples` distinct ones (`random`), drawn by a partial Fisher–Yates shuffle over the
 * expanded grid (constraints already applied) and kept in grid order. The same seed gives
 * the same sample.
 */
export function searchSpace(
  strategies: readonly ResolvedStrategy[],
  search: SweepSequence['search'],
): readonly ResolvedStrategy[] {
  if (search.method === 'grid' || search.samples >= strategies.length) return strategies;
  const rng = createRng(search.seed);
  const order = strategies.map((_, i) => i);
  for (let i = 0; i < search.samples; i++) {
    const j = i + randomInt(rng, order.length - i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const picked = order.slice(0, search.samples).sort((a, b) => a - b);
  return picked.map((i) => strategies[i]!);
}

/** A sweep that did not complete: its partial results are still written, marked. */
async function failedSweep(req: SequenceRequest, wf: ResolvedWorkflow, sweep: SweepOutcome): Promise<PhaseResult> {
  const status = sweep.status === 'completed' ? 'failed' : sweep.status;
  const reason = sweep.failure ?? 'no combination produced metrics';
  if (req.phaseDir !== null) {
    await writePhaseFiles(req.phaseDir, {
      phase: req.phase,
      topology: wf.topology.name,
      sequence: req.sequence.type,
      status,
      error: { message: reason },
      data: null,
      primary_metric: wf.config.results.primaryMetric,
      rows: { books: sweep.books, ranking: sweep.ranked },
      best: sweep.ranked[0] ?? null,
      files: [],
      containers: new Map(),
      extra: {
        sweep: {
          combinations: wf.strategies.length,
          reused: sweep.reused,
          computed: sweep.computed,
          shards: sweep.shards,
        },
      },
    });
  }
  return {
    phase: req.phase,
    status,
    reason,
    sequence: req.sequence.type,
    primary_metric: wf.config.results.primaryMetric,
    best: bestOf(sweep.ranked[0]),
    metrics: sweep.ranked[0] === undefined ? {} : metricRecord(sweep.ranked[0].metrics),
    iterations: sweep.books as unknown as Record<string, unknown>[],
    reused: sweep.reused,
    computed: sweep.computed,
    extra: {},
    outcome: undefined,
    ranking: [],
  };
}

/** The sub-folder of a phase folder, or null in memory. */
export function subDir(phaseDir: string | null, ...parts: string[]): string | null {
  return phaseDir === null ? null : join(phaseDir, ...parts);
}
