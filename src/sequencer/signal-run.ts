/**
 * A signal-generation phase (single pass) with its signal store, reusing what the store
 * already holds (docs/signal-store.md, "Reuse").
 *
 * 1. Describe the run: data key (symbols, timeframe, range, file fingerprints) and a hash
 *    per strategy and classifier (store-identity.ts).
 * 2. Read the existing store's metadata, if any. Other data or another engine version:
 *    refused (SignalStoreError) unless `signals.force`.
 * 3. Plan: strategies whose hash the store holds are reused (renamed to the config's id if
 *    need be); the others are computed, with only the classifiers they read plus those the
 *    store lacks — the graph registers only the features of what it runs.
 * 4. Run the graph over the remaining strategies. Its sink writes a store of its own: the
 *    final folder directly when nothing is reused, else a staging folder, which is then
 *    merged with the existing store (merge-store.ts) into the final folder.
 * 5. Write the phase files with a `signal_store` section: folder, strategies reused and
 *    computed, rows.
 *
 * The store keeps the strategies of earlier runs that this config does not list (a store
 * grows); a stored strategy whose id the config gives to a strategy of another hash is
 * replaced. `force` recomputes every strategy of the config and writes a store of exactly
 * them.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ResolvedClassifier, ResolvedStrategy, ResolvedWorkflow } from '../config/resolved.ts';
import type { PhaseResult, SequenceRequest } from './sequence-types.ts';
import { windowed } from './passes.ts';
import { withStrategies } from './with-strategies.ts';
import { runPhase, type PhaseOutcome } from './run-phase.ts';
import { openWorkflowSource } from '../data/workflow-source.ts';
import { dataJson, describeFailure, writePhaseFiles } from '../results/phase-writer.ts';
import { readStoreMeta, storeExists, verifyStoreFiles } from '../signals/read-store.ts';
import { mergeStores, type MergeSource } from '../signals/merge-store.ts';
import {
  configuredStoreDir,
  describeSignalRun,
  storeMetaDraft,
  type SignalRunIdentity,
} from '../signals/store-identity.ts';
import {
  SignalStoreError,
  STORE_FILES,
  type SignalStoreMeta,
  type StoreClassifier,
  type StoreStrategy,
} from '../signals/store-format.ts';

/** How the store's strategies and classifiers come about in this run. */
export interface ReusePlan {
  /** Strategies of the final store, in order, each from the existing store or this run. */
  readonly strategies: readonly (StoreStrategy & {
    readonly from: 'store' | 'run';
    readonly storedId: string | null;
  })[];
  readonly classifiers: readonly (StoreClassifier & {
    readonly from: 'store' | 'run';
    readonly storedId: string | null;
  })[];
  /** Strategies of the config to compute. */
  readonly todo: readonly ResolvedStrategy[];
  /** Classifiers to run: those the store lacks and those the strategies to compute read. */
  readonly classifiersToRun: readonly ResolvedClassifier[];
  /** Config strategies found in the store. */
  readonly reused: number;
  /** Stored strategies not in this config, kept. */
  readonly kept: number;
  /** Stored strategies dropped because the config gives their id to another strategy. */
  readonly replaced: readonly string[];
}

/** The folder a run's store goes to. */
export function storeDirOf(wf: ResolvedWorkflow, phaseDir: string | null): string | null {
  return configuredStoreDir(wf) ?? (phaseDir === null ? null : join(phaseDir, 'signals'));
}

/**
 * Refuses a store computed from other data or by another engine version.
 *
 * @throws SignalStoreError DATA_MISMATCH or VERSION_MISMATCH saying what differs.
 */
export function assertReusable(meta: SignalStoreMeta, run: SignalRunIdentity, dir: string): void {
  const fix = `use another store folder, or --force (signals.force: true) to recompute it (its ${meta.strategies.length} strateg${meta.strategies.length === 1 ? 'y is' : 'ies are'} then replaced)`;
  if (meta.engine.version !== run.engine.version) {
    throw new SignalStoreError(
      `signal store ${dir} was written by engine version ${meta.engine.version}, this is ${run.engine.version}: its signals may differ; ${fix}`,
      'VERSION_MISMATCH',
    );
  }
  if (meta.data_key === run.dataKey) return;
  const diffs: string[] = [];
  const was = meta.data;
  if (was.symbols.join(',') !== run.symbols.join(','))
    diffs.push(`symbols ${was.symbols.join(', ')} → ${run.symbols.join(', ')}`);
  if (was.timeframe !== run.timeframe) diffs.push(`timeframe ${was.timeframe} → ${run.timeframe}`);
  if (was.start !== run.start || was.end !== run.end)
    diffs.push(`range ${was.start ?? '…'}–${was.end ?? '…'} → ${run.start ?? '…'}–${run.end ?? '…'}`);
  for (const s of run.sources) {
    const old = was.sources.find((o) => o.symbol === s.symbol);
    if (old !== undefined && (old.sha256 !== s.sha256 || old.size !== s.size)) {
      diffs.push(
        `${s.symbol} file ${s.name}: ${old.size} bytes sha256 ${old.sha256.slice(0, 12)}… → ${s.size} bytes sha256 ${s.sha256.slice(0, 12)}…`,
      );
    }
  }
  if (diffs.length === 0) diffs.push(`data key ${meta.data_key.slice(0, 12)}… → ${run.dataKey.slice(0, 12)}…`);
  throw new SignalStoreError(
    `signal store ${dir} was computed from other data (${diffs.join('; ')}); ${fix}`,
    'DATA_MISMATCH',
  );
}

/** Decides what is reused and what is computed (see the module comment). */
export function planReuse(
  wf: ResolvedWorkflow,
  run: SignalRunIdentity,
  stored: SignalStoreMeta | undefined,
): ReusePlan {
  const byHash = new Map<string, StoreStrategy>();
  for (const s of stored?.strategies ?? []) if (!byHash.has(s.hash)) byHash.set(s.hash, s);
  const used = new Set<string>();
  const strategies: ReusePlan['strategies'][number][] = [];
  const todo: ResolvedStrategy[] = [];
  run.strategies.forEach((s, i) => {
    const hit = byHash.get(s.hash);
    // A hash listed twice in the config (the same strategy under two ids) is computed for the second.
    if (hit !== undefined && !used.has(hit.id)) {
      used.add(hit.id);
      strategies.push({ ...s, signal_rows: hit.signal_rows, from: 'store', storedId: hit.id });
    } else {
      strategies.push({ ...s, signal_rows: 0, from: 'run', storedId: null });
      todo.push(wf.strategies[i]!);
    }
  });
  const reused = strategies.filter((s) => s.from === 'store').length;
  const configIds = new Set(run.strategies.map((s) => s.id));
  const replaced: string[] = [];
  let kept = 0;
  for (const s of stored?.strategies ?? []) {
    if (used.has(s.id)) continue;
    if (configIds.has(s.id)) {
      replaced.push(s.id);
      continue;
    }
    kept++;
    strategies.push({ ...s, from: 'store', storedId: s.id });
  }

  const needed = new Set(todo.flatMap((s) => run.strategies.find((x) => x.id === s.key)?.classifiers ?? []));
  const cByHash = new Map<string, StoreClassifier>();
  for (const c of stored?.classifiers ?? []) if (!cByHash.has(c.hash)) cByHash.set(c.hash, c);
  const cUsed = new Set<string>();
  const classifiers: ReusePlan['classifiers'][number][] = [];
  const classifiersToRun: ResolvedClassifier[] = [];
  run.classifiers.forEach((c, i) => {
    const hit = cByHash.get(c.hash);
    if (hit !== undefined && !cUsed.has(hit.id) && !needed.has(c.id)) {
      cUsed.add(hit.id);
      classifiers.push({ ...c, regime_rows: hit.regime_rows, from: 'store', storedId: hit.id });
    } else {
      if (hit !== undefined) cUsed.add(hit.id);
      classifiers.push({ ...c, regime_rows: 0, from: 'run', storedId: null });
      classifiersToRun.push(wf.classifiers[i]!);
    }
  });
  const configClassifiers = new Set(run.classifiers.map((c) => c.id));
  for (const c of stored?.classifiers ?? []) {
    if (!cUsed.has(c.id) && !configClassifiers.has(c.id)) classifiers.push({ ...c, from: 'store', storedId: c.id });
  }
  return { strategies, classifiers, todo, classifiersToRun, reused, kept, replaced };
}

/** True when the planned store is the stored one unchanged (same entries, ids and order). */
function unchanged(plan: ReusePlan, stored: SignalStoreMeta): boolean {
  const same = <T extends { id: string; hash: string; from: string; storedId: string | null }>(
    a: readonly T[],
    b: readonly { id: string; hash: string }[],
  ): boolean =>
    a.length === b.length &&
    a.every((x, i) => x.from === 'store' && x.storedId === x.id && x.id === b[i]!.id && x.hash === b[i]!.hash);
  return same(plan.strategies, stored.strategies) && same(plan.classifiers, stored.classifiers);
}

/** Runs a signal-generation phase with its store (see the module comment). */
export async function runSignalGeneration(req: SequenceRequest): Promise<PhaseResult> {
  const { wf } = await windowed(req.loaded, req.sequence);
  const dir = storeDirOf(wf, req.phaseDir);
  if (dir === null) throw new Error('runSignalGeneration: no store folder (no phase folder and no signals.store)');
  const force = wf.config.signals.force;
  const run = await describeSignalRun(wf);
  const stored = !force && (await storeExists(dir)) ? await readStoreMeta(dir) : undefined;
  if (stored !== undefined) {
    assertReusable(stored, run, dir);
    await verifyStoreFiles(dir, stored);
  }
  const plan = planReuse(wf, run, stored);
  req.logger.info(
    {
      phase: req.phase,
      store: dir,
      strategies: run.strategies.length,
      reused: plan.reused,
      computed: plan.todo.length,
      kept: plan.kept,
      replaced: plan.replaced.length,
      force,
    },
    'signal store plan',
  );

  let outcome: PhaseOutcome | undefined;
  let meta: SignalStoreMeta | undefined = stored;
  let status: PhaseOutcome['status'] = 'completed';
  let error: ReturnType<typeof describeFailure> = null;
  const mustRun = plan.todo.length > 0 || plan.classifiersToRun.length > 0;
  if (mustRun) {
    // Nothing stored to merge with: the run writes the final store itself.
    const direct = stored === undefined;
    const runDir = direct ? dir : join(dir, `.run-${process.pid}-${randomBytes(4).toString('hex')}`);
    const runWf: ResolvedWorkflow = {
      ...wf,
      classifiers: plan.classifiersToRun,
      // Absolute: a relative signals.store is read against the config's folder, while a
      // phase folder (results.dir, --out) is relative to the working directory.
      config: { ...wf.config, signals: { ...wf.config.signals, store: resolve(runDir) } },
    };
    try {
      const loaded = withStrategies(req.loaded, runWf, plan.todo);
      outcome = await runPhase({
        wf: loaded.wf,
        plan: loaded.plan,
        source: openWorkflowSource(loaded.wf),
        phaseDir: req.phaseDir,
        logger: req.logger,
        ...(req.signal !== undefined ? { signal: req.signal } : {}),
      });
      status = outcome.status;
      error = describeFailure(outcome.failure);
      if (status === 'completed') {
        const computed = await readStoreMeta(runDir);
        meta = direct
          ? computed
          : await merge(plan, run, dir, stored, { dir: runDir, meta: computed }, wf.config.signals.rowGroupRows);
      }
    } finally {
      if (!direct) await rm(runDir, { recursive: true, force: true });
    }
  } else if (stored !== undefined && !unchanged(plan, stored)) {
    // Nothing to compute, but ids, order or membership change: rewrite from the store alone.
    meta = await merge(plan, run, dir, stored, undefined, wf.config.signals.rowGroupRows);
  }

  const section = {
    dir,
    strategies: plan.strategies.length,
    reused: plan.reused,
    computed: plan.todo.length,
    kept_from_store: plan.kept,
    replaced: plan.replaced,
    classifiers_computed: plan.classifiersToRun.map((c) => c.id),
    forced: force,
    signal_rows: status === 'completed' ? (meta?.files.signals.rows ?? 0) : null,
    regime_rows: status === 'completed' ? (meta?.files.regimes.rows ?? 0) : null,
    config_hash: status === 'completed' ? (meta?.config_hash ?? null) : null,
  };
  req.logger.info({ phase: req.phase, ...section, status }, 'signal store written');
  const extra = { signal_store: section };
  const primary = wf.config.results.primaryMetric;
  if (req.phaseDir !== null) {
    const inPhase = dir === join(req.phaseDir, 'signals') && status === 'completed';
    const files = [
      ...(outcome?.files ?? []).filter((f) => !f.startsWith('signals/')),
      ...(inPhase ? Object.values(STORE_FILES).map((f) => `signals/${f}`) : []),
    ];
    await writePhaseFiles(req.phaseDir, {
      phase: req.phase,
      topology: wf.topology.name,
      sequence: req.sequence.type,
      status,
      error,
      data: outcome !== undefined ? dataJson(wf, outcome) : storedDataJson(wf, meta),
      primary_metric: primary,
      rows: { books: [], ranking: [] },
      best: null,
      files,
      containers: outcome?.containers ?? new Map(),
      extra,
      trace: outcome?.trace,
      records: outcome?.records,
    });
  }
  return {
    phase: req.phase,
    status,
    reason: error === null ? null : String(error['message']),
    sequence: req.sequence.type,
    primary_metric: primary,
    best: null,
    metrics: {},
    iterations: [],
    reused: plan.reused,
    computed: plan.todo.length,
    extra,
    outcome,
    ranking: [],
  };
}

/** Merges the stored rows (kept and reused) with the run's into `dir`. */
async function merge(
  plan: ReusePlan,
  run: SignalRunIdentity,
  dir: string,
  stored: SignalStoreMeta | undefined,
  computed: { dir: string; meta: SignalStoreMeta } | undefined,
  rowGroupRows: number,
): Promise<SignalStoreMeta> {
  const sources: MergeSource[] = [];
  if (stored !== undefined) {
    sources.push({
      dir,
      meta: stored,
      strategies: new Map(
        plan.strategies.flatMap((s) =>
          s.from === 'store' && s.storedId !== null ? [[s.storedId, s.id] as const] : [],
        ),
      ),
      classifiers: new Map(
        plan.classifiers.flatMap((c) =>
          c.from === 'store' && c.storedId !== null ? [[c.storedId, c.id] as const] : [],
        ),
      ),
    });
  }
  if (computed !== undefined) {
    sources.push({
      ...computed,
      strategies: new Map(plan.strategies.filter((s) => s.from === 'run').map((s) => [s.id, s.id])),
      classifiers: new Map(plan.classifiers.filter((c) => c.from === 'run').map((c) => [c.id, c.id])),
    });
  }
  const rowsOf = (m: SignalStoreMeta | undefined, key: 'strategies' | 'classifiers', id: string): number => {
    if (m === undefined) return 0;
    return key === 'strategies'
      ? (m.strategies.find((s) => s.id === id)?.signal_rows ?? 0)
      : (m.classifiers.find((c) => c.id === id)?.regime_rows ?? 0);
  };
  const strategies: StoreStrategy[] = plan.strategies.map(({ from, storedId, ...s }) => ({
    ...s,
    signal_rows:
      from === 'run' ? rowsOf(computed?.meta, 'strategies', s.id) : rowsOf(stored, 'strategies', storedId ?? s.id),
  }));
  const classifiers: StoreClassifier[] = plan.classifiers.map(({ from, storedId, ...c }) => ({
    ...c,
    regime_rows:
      from === 'run' ? rowsOf(computed?.meta, 'classifiers', c.id) : rowsOf(stored, 'classifiers', storedId ?? c.id),
  }));
  const ranges = (computed?.meta ?? stored)?.data.per_symbol ?? {};
  const draft = storeMetaDraft(run, ranges, strategies, classifiers);
  return mergeStores({ sources, outDir: dir, draft, rowGroupRows });
}

/** phase_summary.json's data section when nothing ran: from the store's metadata. */
function storedDataJson(wf: ResolvedWorkflow, meta: SignalStoreMeta | undefined): ReturnType<typeof dataJson> {
  const firsts = Object.values(meta?.data.per_symbol ?? {}).flatMap((r) => (r.first_ts === null ? [] : [r.first_ts]));
  const lasts = Object.values(meta?.data.per_symbol ?? {}).flatMap((r) => (r.last_ts === null ? [] : [r.last_ts]));
  return {
    sources: wf.sources.map((x) => ({ symbol: x.symbol, file: x.path, format: x.format })),
    timeframe: wf.config.data.timeframe,
    calendar: wf.config.data.calendar,
    bars: meta?.data.bars ?? 0,
    first: firsts.length === 0 ? null : new Date(Math.min(...firsts)).toISOString(),
    last: lasts.length === 0 ? null : new Date(Math.max(...lasts)).toISOString(),
    from_store: true,
  };
}
