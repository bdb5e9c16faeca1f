/** Event-tracing levels, from nothing to every event; see docs/tracing.md for what each records. */
export const TRACE_LEVELS = ['none', 'minimal', 'standard', 'detailed', 'debug'] as const;
export type TraceLevel = (typeof TRACE_LEVELS)[number];
