import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TRACE_FILE } from './phase-trace.ts';
import { TraceError } from './trace-error.ts';
import type { TraceHeader, TraceRecord } from './trace-record.ts';

/** A trace file read back. */
export interface Trace {
  readonly path: string;
  readonly header: TraceHeader | undefined;
  /** In file order, which is trace_seq order. */
  readonly records: readonly TraceRecord[];
}

/**
 * Finds the trace file `where` points at: the file itself, a trace folder, a phase folder
 * (`<phase>/trace/trace.ndjson`), or a workflow's results folder, whose phase folders are
 * searched (`phase` picks one when several have a trace).
 *
 * @throws TraceError when there is no trace there, or several and no `phase` was given.
 */
export function findTraceFile(where: string, phase?: string): string {
  if (!existsSync(where)) throw new TraceError(`${where}: no such file or folder`);
  if (statSync(where).isFile()) return where;
  for (const candidate of [join(where, TRACE_FILE), join(where, 'trace', TRACE_FILE)]) {
    if (existsSync(candidate)) return candidate;
  }
  const phases = readdirSync(where, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(where, d.name, 'trace', TRACE_FILE)))
    .map((d) => d.name)
    .sort();
  if (phase !== undefined) {
    if (phases.includes(phase)) return join(where, phase, 'trace', TRACE_FILE);
    throw new TraceError(
      `${where}: phase '${phase}' has no trace${phases.length > 0 ? ` (traced phases: ${phases.join(', ')})` : ''}`,
    );
  }
  if (phases.length === 1) return join(where, phases[0]!, 'trace', TRACE_FILE);
  if (phases.length > 1)
    throw new TraceError(`${where}: several phases have a trace (${phases.join(', ')}); choose one with --phase`);
  throw new TraceError(
    `${where}: no trace found (looked for ${TRACE_FILE}, trace/${TRACE_FILE} and <phase>/trace/${TRACE_FILE}); run with --trace <level> or execution.trace_settings.level`,
  );
}

/**
 * Reads a trace written by the tracer: an optional TRACE_HEADER line, then records.
 *
 * @throws TraceError naming the file and line of anything that is not a JSON object.
 */
export async function readTrace(path: string): Promise<Trace> {
  const text = await readFile(path, 'utf8');
  let header: TraceHeader | undefined;
  const records: TraceRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new TraceError(`${path}:${i + 1}: not a JSON line (${err instanceof Error ? err.message : String(err)})`);
    }
    if (value === null || typeof value !== 'object' || typeof (value as { type?: unknown }).type !== 'string') {
      throw new TraceError(`${path}:${i + 1}: not a trace record (no "type")`);
    }
    if ((value as { type: string }).type === 'TRACE_HEADER') header = value as TraceHeader;
    else records.push(value as TraceRecord);
  });
  return { path, header, records };
}
