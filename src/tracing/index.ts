/**
 * Event tracing: a tracer that taps routes, trace-level presets, bounded retention,
 * sinks, and reading a trace back as causal chains. See docs/tracing.md.
 */
export { EventTracer, METRICS_ROUTE, type TracerInfo } from './tracer.ts';
export { PhaseTrace, TRACE_FILE, type PhaseTraceOptions } from './phase-trace.ts';
export { TRACE_PRESETS, TRACE_TYPES, presetTypes, presetMask, type TraceType } from './presets.ts';
export { RingBuffer } from './ring-buffer.ts';
export type { TraceRetention } from './retention.ts';
export { SlidingWindowRetention } from './sliding-window-retention.ts';
export { TradeCompleteRetention } from './trade-complete-retention.ts';
export { MemoryTraceSink, NdjsonTraceSink, type TraceSink } from './sinks.ts';
export { toTraceRecord, type TraceEntry, type TraceFailure, type TraceHeader, type TraceRecord } from './trace-record.ts';
export { findTraceFile, readTrace, type Trace } from './read-trace.ts';
export { TraceIndex, orderChain, fillChains, formatChain, type CausalChain, type RiskVerdict } from './causal-chain.ts';
export { TraceError } from './trace-error.ts';
