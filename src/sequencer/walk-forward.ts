/**
 * `walk_forward` (and its one-window case, `train_test`): on each window, sweep every
 * combination on the train range, take the best by the primary metric, and run it on the
 * test range that follows, warmed up on the bars before it. The out-of-sample (test)
 * results are stitched into one equity curve and one trade list, and the chosen
 * parameters are compared across windows (parameter stability).
 *
 * ```
 * <phase>/phase_summary.json        stitched out-of-sample metrics, per-window table, stability
 * <phase>/aggregate_results.json    one row per window
 * <phase>/oos_equity.ndjson         the stitched out-of-sample equity curve
 * <phase>/oos_trades.ndjson         every test trade, window by window
 * <phase>/windows/<n>/…             each test run in full (trades, containers, summary)
 * <phase>/windows/<n>/<type>/…      the `test_sequence` of that window, as its kind writes a phase
 * ```
 *
 * The train step is a parameter sweep of the search space (`search:` grid or a seeded
 * random sample). `test_sequence:` runs another sequence kind inside each window's test
 * step, over the same bars (warm-up included) with the parameters the train range chose:
 * `{ type: monte_carlo }` bootstraps each window's out-of-sample trades, exactly as a
 * Monte Carlo sequence run alone on that window would.
 */
import type { ResolvedWorkflow } from '../config/resolved.ts';
import type { SequenceSettings, TrainTestSequence, WalkForwardSequence } from '../config/schema/sequence.ts';
import { EquityStats } from '../domain/metrics/equity-stats.ts';
import { TradeStats } from '../domain/metrics/trade-stats.ts';
import { runBarsPerYear } from '../domain/metrics/timeframe.ts';
import { aggregateMetrics } from '../results/aggregate-stats.ts';
import { tradeRow } from '../results/book-fold.ts';
import { restrictTo, type BarRange } from './data-range.ts';
import { bookSummary, dataJson, describeFailure, phaseWarnings, writePhaseFiles } from '../results/phase-writer.ts';
import { optimismWarnings } from '../config/optimism.ts';
import { runPhase, type BookResult } from './run-phase.ts';
import { metricRecord, searchSpace, subDir, sweepCombinations, windowed } from './passes.ts';
import type { PhaseResult, SequenceRequest } from './sequence-types.ts';
import type { SequenceContext } from './define-sequence.ts';
import { withStrategies } from './with-strategies.ts';
import { openWorkflowSource } from '../data/workflow-source.ts';
import { trainTestSplit, walkForwardWindows } from './windows.ts';

/** One window: where it trains and tests, in positions of the distinct timestamps. */
interface WindowPlan {
  readonly index: number;
  readonly train: BarRange;
  readonly test: BarRange;
}

/** What one window produced. */
interface WindowResult {
  readonly index: number;
  readonly train: {
    start: string;
    end: string;
    bars: number;
    combinations: number;
    best_metrics: Record<string, number | null>;
  };
  readonly test: { start: string; end: string; bars: number; metrics: Record<string, number | null> };
  readonly best: { strategy_id: string; type: string; parameters: Record<string, unknown> };
  /** What the `test_sequence` found on this window (its sequence sections), when there is one. */
  readonly test_sequence?: {
    readonly type: string;
    readonly status: string;
    readonly reason: string | null;
    readonly [section: string]: unknown;
  };
  readonly book: BookResult;
}

/** The nested `test_sequence` of a walk-forward, resolved at load (a pattern name became its settings). */
function testSequenceOf(seq: WalkForwardSequence | TrainTestSequence): SequenceSettings | undefined {
  if (!('test_sequence' in seq) || seq.test_sequence === undefined) return undefined;
  const inner = seq.test_sequence;
  if (typeof inner === 'string')
    throw new Error(
      `test_sequence '${inner}' was not resolved: sequences are resolved when the config loads (resolveSequence)`,
    );
  return inner as unknown as SequenceSettings;
}

export async function runWalkForward(
  req: SequenceRequest,
  seq: WalkForwardSequence,
  ctx: SequenceContext,
): Promise<PhaseResult> {
  const { ts, range, warmup } = await windowed(req.loaded, seq, true);
  const inRange = ts.slice(range.from, range.to);
  const windows = walkForwardWindows(inRange, {
    mode: seq.mode,
    train: seq.train,
    test: seq.test,
    ...(seq.step !== undefined ? { step: seq.step } : {}),
    min_test_bars: seq.min_test_bars,
  }).map((w) => ({
    index: w.index,
    train: { from: range.from + w.train.from, to: range.from + w.train.to },
    test: { from: range.from + w.test.from, to: range.from + w.test.to },
  }));
  return runWindows(req, seq, ts, warmup, windows, 'walk_forward', ctx);
}

export async function runTrainTest(
  req: SequenceRequest,
  seq: TrainTestSequence,
  ctx: SequenceContext,
): Promise<PhaseResult> {
  const { ts, range, warmup } = await windowed(req.loaded, seq, true);
  const inRange = ts.slice(range.from, range.to);
  const split = trainTestSplit(
    inRange,
    seq.split_date !== undefined ? { split_date: seq.split_date } : { ratio: seq.ratio ?? 0.7 },
  );
  const window: WindowPlan = {
    index: 0,
    train: { from: range.from + split.train.from, to: range.from + split.train.to },
    test: { from: range.from + split.test.from, to: range.from + split.test.to },
  };
  return runWindows(req, seq, ts, warmup, [window], 'train_test', ctx);
}

async function runWindows(
  req: SequenceRequest,
  seq: WalkForwardSequence | TrainTestSequence,
  ts: readonly number[],
  warmup: number,
  windows: readonly WindowPlan[],
  kind: 'walk_forward' | 'train_test',
  ctx: SequenceContext,
): Promise<PhaseResult> {
  const base = req.loaded.wf;
  const primary = base.config.results.primaryMetric;
  req.progress?.setTotal(windows.length);
  const iso = (i: number): string => new Date(ts[Math.min(i, ts.length - 1)]!).toISOString();
  const results: WindowResult[] = [];
  /** Test windows whose data disagrees with the timeframe's annualization by more than 1 %. */
  let annualizationWarned = 0;
  let failure: string | null = null;
  let status: PhaseResult['status'] = 'completed';
  let reused = 0;
  let computed = 0;
  const inner = testSequenceOf(seq);
  for (const w of windows) {
    const trainRange = restrictTo(base, ts, w.train, warmup);
    const trainWf = { ...trainRange, strategies: searchSpace(trainRange.strategies, seq.search) };
    const sweep = await sweepCombinations({ ...req, progress: undefined }, trainWf, seq);
    reused += sweep.reused;
    computed += sweep.computed;
    const bestKey = sweep.ranked[0]?.strategy_id;
    const best = trainWf.strategies.find((s) => s.key === bestKey);
    if (sweep.status !== 'completed' || best === undefined) {
      status = sweep.status === 'completed' ? 'failed' : sweep.status;
      failure = `window ${w.index}: ${sweep.failure ?? 'no combination produced metrics on the train range'}`;
      break;
    }
    // The test run keeps every equity point in memory for the stitched curve.
    const testWf: ResolvedWorkflow = restrictTo(base, ts, w.test, warmup);
    const memoryWf = {
      ...testWf,
      config: { ...testWf.config, results: { ...testWf.config.results, storage: 'memory' as const, equityEvery: 1 } },
    };
    const loaded = withStrategies(req.loaded, memoryWf, [best]);
    const windowDir = subDir(req.phaseDir, 'windows', String(w.index));
    const outcome = await runPhase({
      wf: loaded.wf,
      plan: loaded.plan,
      source: openWorkflowSource(loaded.wf),
      phaseDir: windowDir,
      logger: req.logger,
      ...(req.signal !== undefined ? { signal: req.signal } : {}),
    });
    const book = outcome.books[0];
    // Recorded per window, logged once for the phase below.
    const windowWarnings = phaseWarnings(loaded.wf, outcome);
    if (outcome.annualization?.warning != null) annualizationWarned++;
    // The nested sequence, on the same bars with the chosen parameters, written in its own folder.
    let nested: { readonly type: string; readonly result: PhaseResult } | undefined;
    if (inner !== undefined && outcome.status === 'completed' && book !== undefined) {
      const result = await ctx.runSequence({
        ...req,
        phase: `${req.phase}/windows/${w.index}/${inner.type}`,
        loaded: withStrategies(req.loaded, testWf, [best]),
        sequence: inner,
        phaseDir: subDir(windowDir, inner.type),
        progress: undefined,
      });
      nested = { type: inner.type, result };
    }
    const nestedSection =
      nested === undefined
        ? undefined
        : { type: nested.type, status: nested.result.status, reason: nested.result.reason, ...nested.result.extra };
    if (windowDir !== null) {
      await writePhaseFiles(windowDir, {
        phase: `${req.phase}/windows/${w.index}`,
        topology: loaded.wf.topology.name,
        sequence: 'single_pass',
        status: outcome.status,
        error: describeFailure(outcome.failure),
        warnings: windowWarnings,
        data: dataJson(loaded.wf, outcome),
        primary_metric: primary,
        rows: { books: outcome.books.map(bookSummary), ranking: outcome.books.map(bookSummary) },
        best: book === undefined ? null : bookSummary(book),
        files: nested === undefined ? outcome.files : [...outcome.files, `${nested.type}/`],
        containers: outcome.containers,
        extra: {
          train: { start: iso(w.train.from), end: iso(w.train.to), best: sweep.ranked[0] },
          ...(nestedSection !== undefined ? { test_sequence: nestedSection } : {}),
        },
        trace: outcome.trace,
        records: outcome.records,
      });
    }
    if (outcome.status !== 'completed' || book === undefined) {
      status = outcome.status === 'completed' ? 'failed' : outcome.status;
      failure = `window ${w.index} test: ${String(describeFailure(outcome.failure)?.['message'] ?? 'no result')}`;
      break;
    }
    if (nested !== undefined && nested.result.status !== 'completed') {
      status = nested.result.status === 'skipped' ? 'failed' : nested.result.status;
      failure = `window ${w.index} test_sequence ${nested.type}: ${nested.result.reason ?? 'no result'}`;
      break;
    }
    results.push({
      index: w.index,
      train: {
        start: iso(w.train.from),
        end: iso(w.train.to),
        bars: w.train.to - w.train.from,
        combinations: sweep.books.length,
        best_metrics: metricRecord(sweep.ranked[0]!.metrics),
      },
      test: {
        start: iso(w.test.from),
        end: iso(w.test.to),
        bars: w.test.to - w.test.from,
        metrics: metricRecord(book.metrics),
      },
      best: { strategy_id: best.key, type: best.type, parameters: best.params },
      ...(nestedSection !== undefined ? { test_sequence: nestedSection } : {}),
      book,
    });
    req.progress?.tick();
  }

  const warnings = optimismWarnings(base.config);
  if (annualizationWarned > 0 && base.dataBarsPerYear === undefined) {
    warnings.push(
      `annualization: in ${annualizationWarned} of ${results.length} test windows the data's bars per session differ from what timeframe ${base.config.data.timeframe} on ${base.config.data.calendar} assumes by more than 1 % (windows/*/phase_summary.json: data.annualization, docs/metrics.md)`,
    );
  }
  for (const w of warnings) req.logger.warn({ phase: req.phase }, w);
  const stitched = stitch(base, results, ts, windows);
  const rows = results.map(({ book: _book, ...row }) => row);
  const stability = parameterStability(results);
  const aggregate = aggregateMetrics(results.map((r) => r.test.metrics));
  const last = results[results.length - 1];
  const extra = {
    [kind]: {
      windows: rows.length,
      mode: kind === 'walk_forward' ? (seq as WalkForwardSequence).mode : undefined,
      out_of_sample: stitched.metrics,
      per_window: rows,
      parameter_stability: stability,
      test_metrics_across_windows: aggregate,
    },
  };
  if (req.phaseDir !== null) {
    await writePhaseFiles(req.phaseDir, {
      phase: req.phase,
      topology: base.topology.name,
      sequence: kind,
      status,
      error: failure === null ? null : { message: failure },
      warnings,
      primary_metric: primary,
      rows: { iterations: rows },
      best: last === undefined ? null : last.best,
      files: [],
      containers: new Map(),
      extra,
      series: [
        {
          file: 'oos_equity.ndjson',
          rows: stitched.points.map((p) => ({ ts: new Date(p.ts).toISOString(), equity: p.equity })),
        },
        {
          file: 'oos_trades.ndjson',
          rows: results.flatMap((r) => (r.book.trades ?? []).map((t) => ({ window: r.index, ...tradeRow(t) }))),
        },
      ],
      folders: results.map((r) => `windows/${r.index}/`),
    });
  }
  return {
    phase: req.phase,
    status,
    reason: failure,
    sequence: kind,
    primary_metric: primary,
    // The parameters the last window chose: what one would trade next.
    best: last === undefined ? null : { ...last.best, metrics: last.test.metrics },
    metrics: stitched.metrics,
    iterations: rows as unknown as Record<string, unknown>[],
    reused,
    computed,
    extra,
    outcome: undefined,
    ranking: [],
  };
}

/**
 * The out-of-sample equity curve: each window's test curve, rescaled to start where the
 * previous one ended (S_t = S_start × E_t / E_0), clipped where the next window's test
 * range begins when test ranges overlap. Trade metrics use every test trade with its
 * P&L rescaled the same way; exposure is the bar-weighted mean of the windows'.
 */
function stitch(
  wf: ResolvedWorkflow,
  results: readonly WindowResult[],
  ts: readonly number[],
  windows: readonly WindowPlan[],
) {
  const initial = wf.config.portfolio.initialCash;
  const stats = new EquityStats({
    initialEquity: initial,
    barsPerYear: runBarsPerYear(wf),
    riskFreeRate: wf.config.metrics.riskFreeRate,
  });
  const trades = new TradeStats();
  const points: { ts: number; equity: number }[] = [];
  let level = initial;
  let investedBars = 0;
  let bars = 0;
  results.forEach((r, k) => {
    const next = windows.find((w) => w.index === results[k + 1]?.index);
    const stopAt = next === undefined ? Infinity : ts[next.test.from]!;
    const scale = level / initial;
    let end = level;
    for (const p of r.book.equity ?? []) {
      if (p.ts >= stopAt) break;
      end = scale * p.equity;
      stats.push(p.ts, end, false);
      points.push({ ts: p.ts, equity: end });
    }
    for (const t of r.book.trades ?? []) {
      if (t.exitTs >= stopAt) continue;
      trades.push({ pnl: t.pnl * scale, returnPct: t.returnPct, barsHeld: t.barsHeld });
    }
    const n = r.test.bars;
    bars += n;
    investedBars += (r.book.metrics.exposure ?? 0) * n;
    level = end;
  });
  const metrics = metricRecord({
    ...stats.result(),
    ...trades.result(),
    exposure: bars === 0 ? 0 : investedBars / bars,
  });
  return { metrics, points };
}

/** How stable the chosen parameters are across windows: per parameter, its values and spread. */
function parameterStability(results: readonly WindowResult[]): Record<string, unknown> {
  const names = new Set<string>();
  for (const r of results) for (const k of Object.keys(r.best.parameters)) names.add(k);
  const out: Record<string, unknown> = { strategy: [...new Set(results.map((r) => r.best.type))] };
  for (const name of names) {
    const values = results.map((r) => r.best.parameters[name]);
    const counts = new Map<string, number>();
    for (const v of values) counts.set(JSON.stringify(v), (counts.get(JSON.stringify(v)) ?? 0) + 1);
    const [mode, modeCount] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['null', 0];
    const numbers = values.filter((v): v is number => typeof v === 'number');
    const mean = numbers.length === 0 ? null : numbers.reduce((a, b) => a + b, 0) / numbers.length;
    const std =
      mean === null || numbers.length < 2
        ? null
        : Math.sqrt(numbers.reduce((a, b) => a + (b - mean) ** 2, 0) / (numbers.length - 1));
    out[name] = {
      values,
      distinct: counts.size,
      most_common: JSON.parse(mode) as unknown,
      most_common_share: values.length === 0 ? 0 : modeCount / values.length,
      mean,
      std,
    };
  }
  return out;
}
