/**
 * Reading a results folder (DESIGN.md, "Results and memory") back for a report: the
 * run manifest, each phase's summary and aggregate, and its NDJSON series, streamed so a
 * long equity file never has to be one string in memory.
 */

import { SluiceError } from '../errors/sluice-error.ts';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { z } from 'zod';
import { deadRunReason } from '../results/run-liveness.ts';
import { AggregateResultsSchema, type AggregateResults } from '../results/schema/aggregate-results.ts';
import { PhaseSummarySchema, type PhaseSummary } from '../results/schema/phase-summary.ts';
import { parseResultsFile, ResultsFileError } from '../results/schema/results-file-error.ts';
import { WorkflowManifestSchema, type WorkflowManifest } from '../results/schema/workflow-manifest.ts';

/** A JSON object as read from a file with no schema of its own. */
export type Json = Record<string, unknown>;

/** One phase of a run as the manifest lists it, with its files when they exist. */
export interface PhaseFiles {
  readonly name: string;
  /** Absolute path of the phase folder. */
  readonly dir: string;
  /** As the manifest says, or `died` for a phase still "running" in a run whose process is gone. */
  readonly status: string;
  /** Why a phase was skipped or failed, from the manifest. */
  readonly reason: string | null;
  readonly summary: PhaseSummary | null;
  readonly aggregate: AggregateResults | null;
}

/** A results folder: its manifest and its phases in manifest order. */
export interface RunFiles {
  readonly dir: string;
  readonly workflow: WorkflowManifest;
  /** The run's status: the manifest's, or `died` when it says "running" and its process is gone. */
  readonly status: string;
  readonly phases: readonly PhaseFiles[];
}

/** A user mistake in a report request: a folder that is no results folder, an unknown heatmap axis… */
export class ReportError extends SluiceError {
  readonly category = 'report';
  override readonly name = 'ReportError';
}

/**
 * Reads a results file through its schema (src/results/schema), or returns null when it
 * does not exist.
 *
 * @throws ReportError naming the file, and the field when the JSON is not what the
 *   schema says (not a crash on a missing key further on).
 */
export function readResultsFile<S extends z.ZodType>(path: string, schema: S): z.output<S> | null {
  if (!existsSync(path)) return null;
  return checked(() => parseResultsFile(schema, parseJson(readFileSync(path, 'utf8'), path), path));
}

/** Runs `read`, with a {@link ResultsFileError} turned into the report's user error. */
function checked<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ResultsFileError) throw new ReportError(err.message);
    throw err;
  }
}

/**
 * JSON.parse, with a file that is not JSON (a disk that filled up, a copy cut short) a
 * {@link ReportError} naming it rather than a SyntaxError.
 */
function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new ReportError(`${where}: not valid JSON (truncated or damaged?): ${err.message}`);
  }
}

/**
 * Reads `<dir>/workflow.json` and each phase it names (`dir` of a composed workflow's
 * phase, else the phase name).
 *
 * @throws ReportError when `dir` holds no workflow.json.
 */
export function readRun(dir: string): RunFiles {
  const workflow = readResultsFile(join(dir, 'workflow.json'), WorkflowManifestSchema);
  if (workflow === null)
    throw new ReportError(`${dir}: not a results folder (no workflow.json); pass results/<workflow_id>`);
  // A run whose process is gone says "running" forever: shown as died, with why.
  const died = deadRunReason(workflow);
  const phases = workflow.phases.map((p): PhaseFiles => {
    const phaseDir = join(dir, p.dir ?? p.name);
    const dead = died !== null && p.status === 'running';
    return {
      name: p.name,
      dir: phaseDir,
      status: dead ? 'died' : p.status,
      reason: dead ? died : (p.reason ?? null),
      summary: readResultsFile(join(phaseDir, 'phase_summary.json'), PhaseSummarySchema),
      aggregate: readResultsFile(join(phaseDir, 'aggregate_results.json'), AggregateResultsSchema),
    };
  });
  return { dir, workflow, status: died === null ? workflow.status : 'died', phases };
}

/**
 * Calls `each` with every row of an NDJSON results file (trades, equity) in order, each
 * parsed with `schema`; false when the file does not exist.
 *
 * @throws ReportError naming the file, the line and the field of a row that does not match.
 */
export async function forEachRow<S extends z.ZodType>(
  path: string,
  schema: S,
  each: (row: z.output<S>) => void,
): Promise<boolean> {
  return forEachLine(path, (value, where) => each(checked(() => parseResultsFile(schema, value, where))));
}

/** Calls `each` with every object of an NDJSON file in order; false when the file does not exist. */
export async function forEachNdjson(path: string, each: (row: Json) => void): Promise<boolean> {
  return forEachLine(path, (value) => {
    if (isObject(value)) each(value);
  });
}

/** Calls `each` with the JSON value of every non-empty line and its `<path>:<line>`; false when the file does not exist. */
async function forEachLine(path: string, each: (value: unknown, where: string) => void): Promise<boolean> {
  if (!existsSync(path)) return false;
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.length === 0) continue;
    const where = `${path}:${n}`;
    each(parseJson(line, where), where);
  }
  return true;
}

/** True for a plain JSON object. */
export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A finite number, or null for anything else (JSON writes non-finite metrics as null). */
export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Where a book's own files are. A replay sweep (`replay_variants`) ranks its books as
 * `<strategy>@<variant>` in the phase folder, while each variant's trades, equity and
 * summary are in `variants/<variant>/` under the strategy's own id (docs/replay.md): the
 * book is read from there. Any other book is in its phase folder under its id.
 */
export function bookFolder(phase: PhaseFiles, strategyId: string): { phase: PhaseFiles; strategyId: string } {
  const replay = phase.summary?.replay;
  const at = strategyId.lastIndexOf('@');
  if (replay === undefined || at <= 0) return { phase, strategyId };
  const variant = strategyId.slice(at + 1);
  const known = replay.variants.some((v) => v.name === variant);
  const dir = join(phase.dir, 'variants', variant);
  if (!known || !existsSync(dir)) return { phase, strategyId };
  return {
    phase: {
      ...phase,
      dir,
      summary: readResultsFile(join(dir, 'phase_summary.json'), PhaseSummarySchema) ?? phase.summary,
      aggregate: readResultsFile(join(dir, 'aggregate_results.json'), AggregateResultsSchema),
    },
    strategyId: strategyId.slice(0, at),
  };
}
