import { EVENT_TYPES, type EventType } from '../events/index.ts';
import type { TraceLevel } from '../config/schema/trading.ts';

/**
 * What a trace record can be: an event type, or `ERROR`, the record the tracer adds when
 * a run fails (lifecycle step, container, message).
 */
export type TraceType = EventType | 'ERROR';

/** Every trace type, in the order used for per-type tables (event types, then ERROR). */
export const TRACE_TYPES: readonly TraceType[] = [...EVENT_TYPES, 'ERROR'];

/** Index of each trace type in {@link TRACE_TYPES}: a property read instead of a search per event. */
export const TRACE_TYPE_INDEX: Readonly<Record<TraceType, number>> = Object.fromEntries(
  TRACE_TYPES.map((t, i) => [t, i]),
) as Record<TraceType, number>;

const MINIMAL: readonly TraceType[] = ['ORDER', 'CANCEL', 'REJECT', 'FILL', 'ERROR'];
const STANDARD: readonly TraceType[] = [...MINIMAL, 'SIGNAL', 'PORTFOLIO', 'TRADE'];
const DETAILED: readonly TraceType[] = [...STANDARD, 'FEATURES', 'CLASSIFICATION'];

/**
 * The event types each trace level records. Each level adds to the one before it, so
 * raising the level never loses a record:
 *
 * | level | records |
 * |---|---|
 * | none | nothing |
 * | minimal | ORDER, CANCEL (a book's cancel requests), REJECT (risk refusals, orders execution ended unfilled), FILL, ERROR (a failed run) |
 * | standard | + SIGNAL, PORTFOLIO (book snapshots), TRADE (closed trades) |
 * | detailed | + FEATURES (which carry their bar's OHLCV), CLASSIFICATION |
 * | debug | every event: + BAR |
 */
export const TRACE_PRESETS: Readonly<Record<TraceLevel, readonly TraceType[]>> = {
  none: [],
  minimal: MINIMAL,
  standard: STANDARD,
  detailed: DETAILED,
  debug: TRACE_TYPES,
};

/** The trace types `level` records. */
export function presetTypes(level: TraceLevel): ReadonlySet<TraceType> {
  return new Set(TRACE_PRESETS[level]);
}

/**
 * `level` as a mask indexed by {@link TRACE_TYPE_INDEX}: `mask[i] === 1` when the level
 * records `TRACE_TYPES[i]`. The tracer tests a mask per event rather than a Set.
 */
export function presetMask(level: TraceLevel): Uint8Array {
  const mask = new Uint8Array(TRACE_TYPES.length);
  for (const t of TRACE_PRESETS[level]) mask[TRACE_TYPE_INDEX[t]] = 1;
  return mask;
}
