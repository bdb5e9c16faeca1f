import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { z } from 'zod';
import { displayPath } from '../data/display-path.ts';
import { deadRunReason } from '../results/run-liveness.ts';
import { AggregateResultsSchema } from '../results/schema/aggregate-results.ts';
import { EquityRowSchema } from '../results/schema/equity-row.ts';
import { PhaseSummarySchema, type PhaseSummary } from '../results/schema/phase-summary.ts';
import { parseResultsFile, ResultsFileError } from '../results/schema/results-file-error.ts';
import { TradeRowSchema } from '../results/schema/trade-row.ts';
import { WorkflowManifestSchema } from '../results/schema/workflow-manifest.ts';
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
  if (!statSync(root).isDirectory())
    throw new QueryError(
      `${displayPath(dir)}: not a results folder (a file; give the results/<workflow_id> folder, a phase folder or a signal store folder)`,
    );
  const layout = {
    root,
    phases: [] as string[],
    summaries: [] as ResultFile[],
    aggregates: [] as ResultFile[],
    trades: [] as ResultFile[],
    equity: [] as ResultFile[],
    oosEquity: [] as ResultFile[],
    signals: [] as ResultFile[],
    regimes: [] as ResultFile[],
  };
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
    throw new QueryError(
      `${displayPath(dir)}: no results found: expected results/<workflow_id> (with phase folders), a phase folder (phase_summary.json) or a signal store (metadata.json, signals.parquet)`,
    );
  }
  return layout;
}

/** What workflow.json says of a run with no phase written yet (null without one). */
function runState(root: string): string | null {
  const path = join(root, 'workflow.json');
  if (!existsSync(path)) return null;
  const m = checkedJson(path, WorkflowManifestSchema);
  const died = deadRunReason(m);
  if (died !== null) return `the run died: ${died}`;
  return m.status === 'running'
    ? `the run is still going (no phase has finished)`
    : `the run ${m.status} before any phase was written`;
}

/**
 * A JSON results file parsed with its schema (src/results/schema).
 *
 * @throws QueryError naming the file, and the field where it does not match, before
 *   DuckDB reads it (where a wrong file would give empty columns or an SQL error).
 */
function checkedJson<S extends z.ZodType>(path: string, schema: S): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new QueryError(`${displayPath(path)}: not valid JSON (truncated or damaged?): ${err.message}`);
  }
  return located(() => parseResultsFile(schema, value, displayPath(path)));
}

/**
 * Checks the first row of an NDJSON results file with its schema: enough to tell a file of
 * another kind or engine version, without parsing in JavaScript the millions of rows
 * DuckDB is there to read.
 *
 * @throws QueryError naming the file, line 1 and the field.
 */
function checkFirstRow(path: string, schema: z.ZodType): void {
  const line = firstLine(path);
  if (line === '') return;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new QueryError(`${displayPath(path)}:1: not valid JSON (truncated or damaged?): ${err.message}`);
  }
  located(() => parseResultsFile(schema, value, `${displayPath(path)}:1`));
}

/** The first line of a file (up to 64 KiB: a row is far shorter), read without reading the rest. */
function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.toString('utf8', 0, n);
    const end = text.indexOf('\n');
    return (end < 0 ? text : text.slice(0, end)).trim();
  } finally {
    closeSync(fd);
  }
}

/** Runs `read`, with a {@link ResultsFileError} turned into the query's user error. */
function located<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ResultsFileError) throw new QueryError(err.message);
    throw err;
  }
}

function isPhase(dir: string): boolean {
  return existsSync(join(dir, 'phase_summary.json'));
}

function isStore(dir: string): boolean {
  return existsSync(join(dir, 'metadata.json')) && existsSync(join(dir, 'signals.parquet'));
}

/** A phase folder given on its own is named by its summary (the folder may have been renamed). */
function phaseName(dir: string): string {
  const summary: PhaseSummary = checkedJson(join(dir, 'phase_summary.json'), PhaseSummarySchema);
  return summary.phase !== '' ? summary.phase : basename(dir);
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

type MutableLayout = {
  -readonly [K in keyof ResultsLayout]: ResultsLayout[K] extends readonly (infer T)[] ? T[] : ResultsLayout[K];
};

function addPhase(layout: MutableLayout, dir: string, phase: string): void {
  layout.phases.push(phase);
  const at = (file: string, window: number | null = null, variant: string | null = null): ResultFile => ({
    path: join(dir, file),
    phase,
    window,
    variant,
  });
  checkedJson(join(dir, 'phase_summary.json'), PhaseSummarySchema);
  layout.summaries.push(at('phase_summary.json'));
  if (existsSync(join(dir, 'aggregate_results.json'))) {
    checkedJson(join(dir, 'aggregate_results.json'), AggregateResultsSchema);
    layout.aggregates.push(at('aggregate_results.json'));
  }
  if (existsSync(join(dir, 'oos_equity.ndjson'))) {
    checkFirstRow(join(dir, 'oos_equity.ndjson'), EquityRowSchema);
    layout.oosEquity.push(at('oos_equity.ndjson'));
  }
  addRun(layout, dir, { phase, window: null, variant: null });
  for (const [folder, kind] of [
    ['windows', 'window'],
    ['variants', 'variant'],
  ] as const) {
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
  for (const [file, schema, into] of [
    ['trades.ndjson', TradeRowSchema, layout.trades],
    ['equity.ndjson', EquityRowSchema, layout.equity],
  ] as const) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    checkFirstRow(path, schema);
    into.push({ path, ...where });
  }
}

function addStore(layout: MutableLayout, dir: string, phase: string | null): void {
  layout.signals.push({ path: join(dir, 'signals.parquet'), phase, window: null, variant: null });
  if (existsSync(join(dir, 'regimes.parquet')))
    layout.regimes.push({ path: join(dir, 'regimes.parquet'), phase, window: null, variant: null });
}
