import { castDraft, produce } from 'immer';
import { parseCamel } from './schema-keys.ts';
import type { BehaviorDef } from './schema/topology.ts';
import { TraceSettingsSchema, type ContainerTraceSettings } from './schema/trading.ts';
import type { WorkflowConfig } from './schema/workflow.ts';

/**
 * The config with the topology's tracing behaviors (`behaviors[].trace`,
 * `sample_every`, `throttle`, `max_events`) laid into `execution.trace_settings.container_settings`, so
 * the tracer knows one mechanism: a behavior is a container_settings entry declared with
 * the topology. Keys keep the behaviors' order (among equally specific globs the first
 * declared wins), the config's own entries come after, and where both name the same
 * key the config's fields win: a user tunes a pattern's behavior without editing the
 * pattern. The config itself is returned when no behavior traces; otherwise a new frozen
 * value (immer) sharing every other part of it.
 */
export function withTraceBehaviors(
  config: WorkflowConfig,
  behaviors: readonly BehaviorDef[] | undefined,
): WorkflowConfig {
  const tracing = (behaviors ?? []).filter(
    (b) =>
      b.trace !== undefined || b.sampleEvery !== undefined || b.throttle !== undefined || b.maxEvents !== undefined,
  );
  if (tracing.length === 0) return config;
  const own = config.execution.traceSettings?.containerSettings ?? {};
  const merged: Record<string, ContainerTraceSettings> = {};
  for (const b of tracing) {
    merged[b.match] = {
      ...merged[b.match],
      ...(b.trace !== undefined ? { level: b.trace } : {}),
      ...(b.sampleEvery !== undefined ? { sampleEvery: b.sampleEvery } : {}),
      ...(b.throttle !== undefined ? { throttle: b.throttle } : {}),
      ...(b.maxEvents !== undefined ? { maxEvents: b.maxEvents } : {}),
    };
  }
  for (const [key, entry] of Object.entries(own)) merged[key] = { ...merged[key], ...entry };
  return produce(config, (draft) => {
    const settings = (draft.execution.traceSettings ??= castDraft(parseCamel(TraceSettingsSchema, {})));
    settings.containerSettings = merged;
  });
}
