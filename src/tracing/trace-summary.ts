import { TRACE_TYPE_INDEX, TRACE_TYPES, type TraceType } from './presets.ts';
import type { TraceEntry } from './trace-record.ts';

/** Records of one event type of one container: made (after sampling), and dropped by retention. */
export interface TraceTypeCount {
  readonly recorded: number;
  readonly dropped: number;
}

/**
 * What a phase's trace holds, for `phase_summary.json` and `workflow.json` (`trace`):
 * totals as the trace header counts them, and per container (the one that sent the event)
 * per event type, how many records were made and how many retention dropped. A type a
 * container never had recorded is left out.
 */
export interface TraceSummary {
  readonly level: string;
  /** The trace file, relative to the phase folder; null when it went to a sink or elsewhere. */
  readonly file: string | null;
  readonly recorded: number;
  readonly dropped: number;
  readonly written: number;
  readonly containers: Readonly<Record<string, Readonly<Partial<Record<TraceType, TraceTypeCount>>>>>;
}

/** Written records per sending container, by trace type index. */
export function countBySource(entries: readonly TraceEntry[]): Map<string, Float64Array> {
  const kept = new Map<string, Float64Array>();
  for (const e of entries) {
    let row = kept.get(e.source);
    if (row === undefined) kept.set(e.source, (row = new Float64Array(TRACE_TYPES.length)));
    row[TRACE_TYPE_INDEX[e.event.type]]!++;
  }
  return kept;
}

/**
 * The summary of a written trace from the records made and the records written, each per
 * sending container by trace type index ({@link countBySource}). Containers in id order,
 * types in {@link TRACE_TYPES} order, so the JSON is stable.
 */
export function summarizeTrace(
  level: string,
  file: string | null,
  recorded: ReadonlyMap<string, Float64Array>,
  written: ReadonlyMap<string, Float64Array>,
): TraceSummary {
  const containers: Record<string, Partial<Record<TraceType, TraceTypeCount>>> = {};
  let total = 0;
  let kept = 0;
  for (const id of [...recorded.keys()].sort()) {
    const made = recorded.get(id)!;
    const row = written.get(id);
    const types: Partial<Record<TraceType, TraceTypeCount>> = {};
    TRACE_TYPES.forEach((t, i) => {
      const n = made[i]!;
      if (n === 0) return;
      const w = row?.[i] ?? 0;
      total += n;
      kept += w;
      types[t] = { recorded: n, dropped: n - w };
    });
    // A container the tracer looked at but never recorded for is left out.
    if (Object.keys(types).length > 0) containers[id] = types;
  }
  return { level, file, recorded: total, dropped: total - kept, written: kept, containers };
}

/**
 * The `trace` key of a results file: `{ trace }` when the phase was traced, nothing at all
 * when tracing was off (so files of untraced runs keep their exact shape).
 */
export function traceSection(summary: TraceSummary | undefined): { trace?: TraceSummary } {
  return summary === undefined ? {} : { trace: summary };
}
