import { basename, dirname, join, relative } from 'node:path';
import { tap, type Observable } from 'rxjs';
import type { SluiceEvent } from '../events/index.ts';
import type { Route } from '../routes/index.ts';
import type { ResolvedWorkflow } from '../config/resolved.ts';
import { featureKey } from '../domain/indicators/feature-key.ts';
import { EventTracer } from './tracer.ts';
import { NdjsonTraceSink, type TraceSink } from './sinks.ts';
import type { TraceSummary } from './trace-summary.ts';

/** File name of a trace inside its trace folder. */
export const TRACE_FILE = 'trace.ndjson';

/** What {@link PhaseTrace.open} needs from the run. */
export interface PhaseTraceOptions {
  readonly wf: ResolvedWorkflow;
  /** The compiled graph's routes; the ones carrying traced events get a tap. */
  readonly routes: readonly Route[];
  /** Feature names by hub slot. */
  readonly features: readonly string[];
  /** The phase folder, or null for a run that writes nothing. */
  readonly phaseDir: string | null;
  /** Where the trace goes instead of a file (tests, embedding). */
  readonly sink?: TraceSink;
}

/**
 * Tracing of one phase run, as the sequencer drives it: opened after the graph is
 * compiled (routes get their taps), fed the books' metric streams, closed in cleanup
 * (the retained records are written and committed).
 *
 * Where the trace goes: `sink` when given; else `<trace_dir>/trace.ndjson`, trace_dir
 * defaulting to `<phase folder>/trace`. A run that writes nothing (no phase folder) and
 * has no sink is not traced at all. The trace id defaults to the workflow id, the name of the results folder
 * that holds the phase folder.
 */
export class PhaseTrace {
  private constructor(
    readonly tracer: EventTracer,
    private readonly path: string | null,
    private readonly phaseDir: string | null,
    private readonly sink: TraceSink | undefined,
  ) {}

  /**
   * A trace for the run, or undefined when every level is `none` or the trace could go
   * nowhere (no sink and no phase folder): then no route is tapped at all.
   */
  static open(opts: PhaseTraceOptions): PhaseTrace | undefined {
    const settings = opts.wf.config.execution.traceSettings;
    if (settings === undefined || !EventTracer.enabled(settings)) return undefined;
    const { phaseDir } = opts;
    if (phaseDir === null && opts.sink === undefined) return undefined;
    const traceId = settings.traceId ?? (phaseDir !== null ? basename(dirname(phaseDir)) : opts.wf.config.name);
    const strategies = Object.fromEntries(
      opts.wf.strategies.map((s) => [s.key, s.definition.features(s.params).map(featureKey)]),
    );
    const tracer = new EventTracer(settings, { traceId, phase: opts.wf.phase, features: opts.features, strategies });
    tracer.attach(opts.routes);
    const path = phaseDir === null ? null : join(settings.traceDir ?? join(phaseDir, 'trace'), TRACE_FILE);
    return new PhaseTrace(tracer, path, phaseDir, opts.sink);
  }

  /**
   * `metrics$` of container `id`, recorded on the way when its PORTFOLIO or TRADE events
   * are traced; `metrics$` itself otherwise. An operator in the fold's pipe rather than a
   * second subscriber: a subject with two observers copies its observer list on every event.
   */
  metrics(id: string, metrics$: Observable<SluiceEvent>): Observable<SluiceEvent> {
    const observe = this.tracer.metricsObserver(id);
    return observe === undefined ? metrics$ : metrics$.pipe(tap(observe));
  }

  /**
   * The phase's trace summary (records made and dropped per container and event type)
   * once {@link close} has written the trace; undefined before.
   */
  summary(): TraceSummary | undefined {
    const file =
      this.sink === undefined && this.path !== null && this.phaseDir !== null
        ? relative(this.phaseDir, this.path)
        : null;
    return this.tracer.summary(file);
  }

  /**
   * Records the run's failure (if any) and writes the trace. Returns the files written,
   * relative to the phase folder.
   */
  async close(
    failure: { readonly step: string; readonly container: string | undefined; readonly error: unknown } | undefined,
  ): Promise<string[]> {
    if (failure !== undefined) {
      const e = failure.error;
      this.tracer.recordFailure({
        step: failure.step,
        container: failure.container,
        message: e instanceof Error ? e.message : String(e),
      });
    }
    if (this.sink !== undefined) {
      await this.tracer.writeTo(this.sink);
      return [];
    }
    if (this.path === null || this.phaseDir === null) return []; // unreachable: open() needs a folder or a sink
    await this.tracer.writeTo(await NdjsonTraceSink.open(this.path));
    return [relative(this.phaseDir, this.path)];
  }
}
