/**
 * Replay sweeps: one signal store replayed under many portfolio/risk/execution variants
 * (`replay_variants:`, docs/replay.md). No indicator is computed in any of them: each
 * variant is one signal_replay graph over the bars and the stored signals, run one after
 * another, and every book of every variant (`<strategy>@<variant>`) is ranked together.
 *
 * ```
 * <phase>/phase_summary.json                  the best book of all variants, per-variant bests
 * <phase>/aggregate_results.json              every book of every variant, ranked
 * <phase>/variants/<name>/phase_summary.json  one variant, as a single pass writes it
 * <phase>/variants/<name>/trades.ndjson …
 * ```
 */
import type { ReplayVariant, ResolvedWorkflow } from '../config/resolved.ts';
import { ExecutionSchema, PortfolioSchema, RiskSchema } from '../config/schema/trading.ts';
import { toSnakeKeys } from '../config/schema-keys.ts';
import { rankBooks } from '../results/rank.ts';
import { BarRecording } from '../data/recorded-source.ts';
import { runPhase, type BookResult, type PhaseOutcome } from './run-phase.ts';
import { bookSummary, dataJson, describeFailure, writePhaseFiles } from '../results/phase-writer.ts';
import { metricRecord, subDir } from './passes.ts';
import type { PhaseResult, SequenceRequest } from './sequence-types.ts';
import { openWorkflowSource } from '../data/workflow-source.ts';

/** A book id in a replay sweep: the strategy id and the variant name. */
export function variantBookKey(strategyId: string, variant: string): string {
  return `${strategyId}@${variant}`;
}

/** The workflow with a variant's portfolio, risk and execution in place of its own. */
export function withVariant(wf: ResolvedWorkflow, v: ReplayVariant): ResolvedWorkflow {
  return { ...wf, config: { ...wf.config, portfolio: v.portfolio, risk: v.risk, execution: v.execution } };
}

/**
 * Runs every variant of `variants` as a single pass in `<phase>/variants/<name>/`, then
 * ranks all their books together and writes the phase's own summary. The bars are read
 * from their files once and replayed from memory for the other variants (BarRecording).
 * Stops at the first variant that does not complete (failed, cancelled); the variants run
 * so far are kept.
 */
export async function runReplayVariants(
  req: SequenceRequest,
  variants: readonly ReplayVariant[],
): Promise<PhaseResult> {
  const wf = req.loaded.wf;
  const primary = wf.config.results.primaryMetric;
  const bars = new BarRecording(() => openWorkflowSource(wf));
  const runs: { variant: ReplayVariant; outcome: PhaseOutcome; ranking: BookResult[] }[] = [];
  for (const variant of variants) {
    if (req.signal?.aborted === true) break;
    const run = await runVariant(req, withVariant(wf, variant), variant, bars);
    runs.push({ variant, ...run });
    req.progress?.tick(1);
    if (run.outcome.status !== 'completed') break;
  }

  const books: BookResult[] = runs.flatMap(({ variant, outcome }) =>
    outcome.books.map((b) => ({ ...b, key: variantBookKey(b.key, variant.name) })),
  );
  const ranking = rankBooks(books, primary);
  const failed = runs.find((r) => r.outcome.status !== 'completed');
  const status = failed?.outcome.status ?? (runs.length < variants.length ? 'cancelled' : 'completed');
  const failure = failed === undefined ? null : describeFailure(failed.outcome.failure);
  const reason = failure !== null ? String(failure['message']) : status === 'cancelled' ? 'cancelled' : null;
  const perVariant = runs.map(({ variant, outcome, ranking: r }) => ({
    name: variant.name,
    status: outcome.status,
    best: r[0]?.key ?? null,
    metrics: r[0] === undefined ? {} : metricRecord(r[0].metrics),
  }));
  const extra = { replay: { store: wf.replay?.store ?? null, variants: perVariant } };
  const best = ranking[0];
  const last = (failed ?? runs[runs.length - 1])?.outcome;
  if (req.phaseDir !== null) {
    await writePhaseFiles(req.phaseDir, {
      phase: req.phase,
      topology: wf.topology.name,
      sequence: req.sequence.type,
      status,
      error: failure ?? (reason === null ? null : { message: reason }),
      data: last === undefined ? null : dataJson(wf, last),
      primary_metric: primary,
      rows: { books: books.map(bookSummary), ranking: ranking.map(bookSummary) },
      best: best === undefined ? null : bookSummary(best),
      files: runs.map(({ variant }) => `variants/${variant.name}/phase_summary.json`),
      containers: new Map(),
      extra,
    });
  }
  // What the CLI and templates read of "the run": every variant's books, the last run's data.
  // Each variant's trace summary is in its own phase_summary.json; the phase as a whole has none.
  const outcome: PhaseOutcome | undefined =
    last === undefined ? undefined : { ...withoutTrace(last), books, containers: new Map(), files: [] };
  return {
    phase: req.phase,
    status,
    reason,
    sequence: req.sequence.type,
    primary_metric: primary,
    best:
      best === undefined
        ? null
        : { strategy_id: best.key, type: best.type, parameters: best.params, metrics: metricRecord(best.metrics) },
    metrics: best === undefined ? {} : metricRecord(best.metrics),
    iterations: books.map(bookSummary) as unknown as Record<string, unknown>[],
    reused: 0,
    computed: books.length,
    extra,
    outcome,
    ranking,
  };
}

/** One variant: a single pass written to `<phase>/variants/<name>/` as a single pass writes a phase. */
async function runVariant(
  req: SequenceRequest,
  wf: ResolvedWorkflow,
  variant: ReplayVariant,
  bars: BarRecording,
): Promise<{ outcome: PhaseOutcome; ranking: BookResult[] }> {
  const dir = subDir(req.phaseDir, 'variants', variant.name);
  const outcome = await runPhase({
    wf,
    plan: req.loaded.plan,
    source: bars.source(),
    phaseDir: dir,
    logger: req.logger,
    ...(req.signal !== undefined ? { signal: req.signal } : {}),
  });
  const primary = wf.config.results.primaryMetric;
  let ranking = rankBooks(outcome.books, primary);
  if (dir !== null) {
    await writePhaseFiles(dir, {
      phase: req.phase,
      topology: wf.topology.name,
      sequence: req.sequence.type,
      status: outcome.status,
      error: describeFailure(outcome.failure),
      data: dataJson(wf, outcome),
      primary_metric: primary,
      rows: { books: outcome.books.map(bookSummary), ranking: ranking.map(bookSummary) },
      best: ranking[0] === undefined ? null : bookSummary(ranking[0]),
      files: outcome.files,
      containers: outcome.containers,
      // phase_summary.json shows the variant's sections as the YAML names them.
      extra: {
        variant: {
          name: variant.name,
          portfolio: toSnakeKeys(PortfolioSchema, variant.portfolio),
          risk: toSnakeKeys(RiskSchema, variant.risk),
          execution: toSnakeKeys(ExecutionSchema, variant.execution),
        },
      },
      trace: outcome.trace,
      records: outcome.records,
    });
  }
  if (!wf.config.results.storeFullResults) {
    // Only the variant's best book keeps its series in the returned result; the rest, summaries.
    ranking = ranking.map((b, i) => (i === 0 ? b : { ...b, trades: undefined, equity: undefined }));
  }
  return { outcome, ranking };
}

function withoutTrace(outcome: PhaseOutcome): PhaseOutcome {
  const { trace: _trace, ...rest } = outcome;
  return rest;
}
