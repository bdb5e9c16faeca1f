import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { displayPath } from '../data/display-path.ts';
import { deadRunReason } from '../results/run-liveness.ts';
import { QueryError } from './query-error.ts';

/** One result file and the place in the results folder it came from. */
export interface ResultFile {
  readonly path: string;
  /** The phase folder's name; null for a bare signal store. */
  readonly phase: string | null;
  /** `windows/<n>/` of a walk-forward or train/test phase. */
  readonly window: number | null;
  /** `variants/<name>/` of a signal-replay sweep. */
  readonly variant: string | null;
}

/** The files of a results folder, grouped by the view that reads them. */
export interface ResultsLayout {
  readonly root: string;
  readonly phases: readonly string[];
  /** `phase_summary.json` of each phase. */
  readonly summaries: readonly ResultFile[];
  /** `aggregate_results.json` of each phase (not of its windows: the phase's own lists every window). */
  readonly aggregates: readonly ResultFile[];
  readonly trades: readonly ResultFile[];
  readonly equity: readonly ResultFile[];
  /** `oos_equity.ndjson`: a walk-forward phase's stitched out-of-sample curve. */
  readonly oosEquity: readonly ResultFile[];
  readonly signals: readonly ResultFile[];
  readonly regimes: readonly ResultFile[];
}

/**
 * Finds the result files under `dir`, which may be a workflow folder
 * (`results/<workflow_id>`, one sub-folder per phase), one phase folder, or a signal
 * store folder (`signals.parquet` + `metadata.json`).
 *
 * Read by the file system rather than by globs in SQL so that a phase, window or variant
 * comes from a folder's role, not from a pattern that a nested folder could also match;
 * `oos_trades.ndjson` is skipped because it repeats the windows' `trades.ndjson`.
 *
 * @throws QueryError when `dir` is not a folder or holds no results at all.
 */
export function findResults(dir: string): ResultsLayout {
  const root = resolve(dir);
  if (!existsSync(root)) throw new QueryError(`${displayPath(dir)}: not a results folder (no such directory)`);
  if (!statSync(root).isDirectory()) throw new QueryError(`${displayPath(dir)}: not a results folder (a file; give the results/<workflow_id> folder, a phase folder or a signal store folder)`);
  const layout = { root, phases: [] as string[], summaries: [] as ResultFile[], aggregates: [] as ResultFile[], trades: [] as ResultFile[], equity: [] as ResultFile[], oosEquity: [] as ResultFile[], signals: [] as ResultFile[], regimes: [] as ResultFile[] };
  if (isPhase(root)) {
    addPhase(layout, root, phaseName(root));
  } else if (isStore(root)) {
    addStore(layout, root, null);
  } else {
    for (const name of subfolders(root)) {
      const sub = join(root, name);
      if (isPhase(sub)) addPhase(layout, sub, name);
    }
  }
  if (layout.phases.length === 0 && layout.signals.length === 0) {
    const run = runState(root);
    if (run !== null) throw new QueryError(`${displayPath(dir)}: no results yet: ${run}`);
    throw new QueryError(`${displayPath(dir)}: no results found: expected results/<workflow_id> (with phase folders), a phase folder (phase_summary.json) or a signal store (metadata.json, signals.parquet)`);
  }
  return layout;
}

/** What workflow.json says of a run with no phase written yet (null without one). */
function runState(root: string): string | null {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(join(root, 'workflow.json'), 'utf8'));
  } catch {
    return null;
  }
  if (typeof manifest !== 'object' || manifest === null) return null;
  const m = manifest as Record<string, unknown>;
  const died = deadRunReason(m);
  if (died !== null) return `the run died: ${died}`;
  return m['status'] === 'running' ? `the run is still going (no phase has finished)` : `the run ${String(m['status'])} before any phase was written`;
}

function isPhase(dir: string): boolean {
  return existsSync(join(dir, 'phase_summary.json'));
}

function isStore(dir: string): boolean {
  return existsSync(join(dir, 'metadata.json')) && existsSync(join(dir, 'signals.parquet'));
}

/** A phase folder given on its own is named by its summary (the folder may have been renamed). */
function phaseName(dir: string): string {
  try {
    const summary = JSON.parse(readFileSync(join(dir, 'phase_summary.json'), 'utf8')) as { phase?: unknown };
    if (typeof summary.phase === 'string' && summary.phase !== '') return summary.phase;
  } catch {
    // An unreadable summary still names its phase by the folder.
  }
  return basename(dir);
}

function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(byNaturalOrder);
}

/** Window folders sort 0, 1, 2 … 10, not 0, 1, 10, 2. */
function byNaturalOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

type MutableLayout = { -readonly [K in keyof ResultsLayout]: ResultsLayout[K] extends readonly (infer T)[] ? T[] : ResultsLayout[K] };

function addPhase(layout: MutableLayout, dir: string, phase: string): void {
  layout.phases.push(phase);
  const at = (file: string, window: number | null = null, variant: string | null = null): ResultFile => ({ path: join(dir, file), phase, window, variant });
  layout.summaries.push(at('phase_summary.json'));
  if (existsSync(join(dir, 'aggregate_results.json'))) layout.aggregates.push(at('aggregate_results.json'));
  if (existsSync(join(dir, 'oos_equity.ndjson'))) layout.oosEquity.push(at('oos_equity.ndjson'));
  addRun(layout, dir, { phase, window: null, variant: null });
  for (const [folder, kind] of [['windows', 'window'], ['variants', 'variant']] as const) {
    const parent = join(dir, folder);
    if (!existsSync(parent)) continue;
    for (const name of subfolders(parent)) {
      const window = kind === 'window' ? Number(name) : null;
      if (kind === 'window' && !Number.isInteger(window)) continue;
      addRun(layout, join(parent, name), { phase, window, variant: kind === 'variant' ? name : null });
    }
  }
  if (isStore(join(dir, 'signals'))) addStore(layout, join(dir, 'signals'), phase);
}

/** The trades and equity of one run: a phase, one of its windows, or one of its variants. */
function addRun(layout: MutableLayout, dir: string, where: Omit<ResultFile, 'path'>): void {
  if (existsSync(join(dir, 'trades.ndjson'))) layout.trades.push({ path: join(dir, 'trades.ndjson'), ...where });
  if (existsSync(join(dir, 'equity.ndjson'))) layout.equity.push({ path: join(dir, 'equity.ndjson'), ...where });
}

function addStore(layout: MutableLayout, dir: string, phase: string | null): void {
  layout.signals.push({ path: join(dir, 'signals.parquet'), phase, window: null, variant: null });
  if (existsSync(join(dir, 'regimes.parquet'))) layout.regimes.push({ path: join(dir, 'regimes.parquet'), phase, window: null, variant: null });
}
