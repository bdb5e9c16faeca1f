/**
 * The limits on what tracing and recording observe, shared by `trace_settings` and
 * topology `behaviors:` (so a behavior and a container_settings entry accept the same values).
 */
import { z } from 'zod';

/** Most records a trace budget (or a recording) keeps: also what a budget's memory is sized by. */
export const TraceMaxEventsSchema = z.number().int().positive().max(10_000_000);

/**
 * A span of event time such as `30m`, `1h` or `1d` (a timeframe's units): at most one
 * record of each event type per container in that span, measured on the events' bar
 * timestamps, never the wall clock, so a rerun observes the same events.
 */
export const TraceThrottleSchema = z
  .string()
  .regex(/^[1-9][0-9]*[smhdw]$/, "expected a span of event time like '30m', '1h' or '1d'");
