/**
 * Reading a results folder (DESIGN.md, "Results and memory") back for a report: the
 * run manifest, each phase's summary and aggregate, and its NDJSON series, streamed so a
 * long equity file never has to be one string in memory.
 */

import { SluiceError } from '../errors/sluice-error.ts';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { deadRunReason } from '../results/run-liveness.ts';

/** A JSON object as read from a result file (shape checked where it is used). */
export type Json = Record<string, unknown>;

/** One phase of a run as the manifest lists it, with its files when they exist. */
export interface PhaseFiles {
  readonly name: string;
  /** Absolute path of the phase folder. */
  readonly dir: string;
  readonly status: string;
  /** Why a phase was skipped or failed, from the manifest. */
  readonly reason: string | null;
  readonly summary: Json | null;
  readonly aggregate: Json | null;
}

/** A results folder: its manifest and its phases in manifest order. */
export interface RunFiles {
  readonly dir: string;
  readonly workflow: Json;
  readonly phases: readonly PhaseFiles[];
}

/** A user mistake in a report request: a folder that is no results folder, an unknown heatmap axis… */
export class ReportError extends SluiceError {
  readonly category = 'report';
  override readonly name = 'ReportError';
}

/** Parses a JSON file, or returns null when it does not exist. */
export function readJsonIfExists(path: string): Json | null {
  if (!existsSync(path)) return null;
  const value = parseJson(readFileSync(path, 'utf8'), path);
  return isObject(value) ? value : null;
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
  const written = readJsonIfExists(join(dir, 'workflow.json'));
  if (written === null) throw new ReportError(`${dir}: not a results folder (no workflow.json); pass results/<workflow_id>`);
  // A run whose process is gone says "running" forever: shown as died, with why.
  const died = deadRunReason(written);
  const workflow = died === null ? written : { ...written, status: 'died', error: { message: died } };
  const listed = (Array.isArray(workflow['phases']) ? workflow['phases'].filter(isObject) : []).map((p) => (died !== null && p['status'] === 'running' ? { ...p, status: 'died', reason: died } : p));
  const phases = listed.map((p): PhaseFiles => {
    const name = String(p['name']);
    const phaseDir = join(dir, typeof p['dir'] === 'string' ? p['dir'] : name);
    return {
      name,
      dir: phaseDir,
      status: String(p['status'] ?? 'unknown'),
      reason: typeof p['reason'] === 'string' ? p['reason'] : null,
      summary: readJsonIfExists(join(phaseDir, 'phase_summary.json')),
      aggregate: readJsonIfExists(join(phaseDir, 'aggregate_results.json')),
    };
  });
  return { dir, workflow, phases };
}

/** Calls `each` with every object of an NDJSON file in order; false when the file does not exist. */
export async function forEachNdjson(path: string, each: (row: Json) => void): Promise<boolean> {
  if (!existsSync(path)) return false;
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.length === 0) continue;
    const row = parseJson(line, `${path}:${n}`);
    if (isObject(row)) each(row);
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
  const replay = phase.summary !== null && isObject(phase.summary['replay']) ? phase.summary['replay'] : null;
  const at = strategyId.lastIndexOf('@');
  if (replay === null || !Array.isArray(replay['variants']) || at <= 0) return { phase, strategyId };
  const variant = strategyId.slice(at + 1);
  const known = replay['variants'].filter(isObject).some((v) => v['name'] === variant);
  const dir = join(phase.dir, 'variants', variant);
  if (!known || !existsSync(dir)) return { phase, strategyId };
  return {
    phase: { ...phase, dir, summary: readJsonIfExists(join(dir, 'phase_summary.json')) ?? phase.summary, aggregate: readJsonIfExists(join(dir, 'aggregate_results.json')) },
    strategyId: strategyId.slice(0, at),
  };
}
