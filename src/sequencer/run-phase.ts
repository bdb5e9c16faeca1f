import type { Clock } from '../runtime/clock.ts';
import { join } from 'node:path';
import { reduce, Subject, type Observable, type Subscription } from 'rxjs';
import type { Logger } from 'pino';
import type { SluiceEvent } from '../events/index.ts';
import type { BarChunk, BarSource } from '../data/bar-source.ts';
import type { ResolvedWorkflow } from '../config/resolved.ts';
import { IdAllocator, type ContainerContext } from '../containers/container.ts';
import type { DrainableSink } from '../files/drainable-sink.ts';
import { compileGraph, dispatcher, type CompiledGraph, type Placed } from '../topology/compile.ts';
import { compileFused, fusedIneligibility } from '../topology/fused-graph.ts';
import { keepInMemory, keepsSeriesInMemory, writesEquityFile } from '../results/storage-policy.ts';
import { SignalSinkContainer } from '../containers/signal-sink.ts';
import { STORE_FILES } from '../signals/store-format.ts';
import type { GraphPlan } from '../topology/graph-plan.ts';
import { NdjsonWriter } from '../files/ndjson-writer.ts';
import { runBarsPerYear } from '../domain/metrics/timeframe.ts';
import { checkAnnualization, SessionCounter } from '../domain/metrics/data-calendar.ts';
import { BookFold } from '../results/book-fold.ts';
import type { BookResult, LifecycleStep, PhaseOutcome, RunFailure, RunStatus } from '../results/phase-outcome.ts';
import { PhaseTrace } from '../tracing/phase-trace.ts';
import { ContainerRecorder, type RecordsSummary } from '../tracing/container-recorder.ts';
import type { TraceSummary } from '../tracing/trace-summary.ts';
import type { TraceSink } from '../tracing/sinks.ts';

export type { BookResult, PhaseOutcome, RunFailure, RunStatus } from '../results/phase-outcome.ts';

export interface RunPhaseOptions {
  readonly wf: ResolvedWorkflow;
  readonly plan: GraphPlan;
  readonly source: BarSource;
  /** The phase folder, or null to write nothing (tests, in-memory runs). */
  readonly phaseDir: string | null;
  readonly logger: Logger;
  /** Aborting cancels the run between bars; results are kept, status 'cancelled'. */
  readonly signal?: AbortSignal;
  /**
   * Consumers outside the graph the source must also wait for before reading the next
   * chunk (a slow downstream writer, a network sink): their `needsDrain` is checked after
   * every chunk like the engine's own file sinks.
   */
  readonly sinks?: readonly DrainableSink[];
  /** Told of every lifecycle action on every container, in order (tests, tracing). */
  readonly onLifecycle?: (action: LifecycleAction, containerId: string) => void;
  /** Where the event trace goes instead of `<phase>/trace/trace.ndjson` (tests, embedding). */
  readonly traceSink?: TraceSink;
  /**
   * Shown the compiled graph before any container initializes, after tracing has set its
   * route taps: an observer outside the graph (the look-ahead checker) may add its own
   * taps, chained to any tap already there.
   */
  readonly onCompiled?: (graph: CompiledGraph) => void;
  /** Where containers read wall time (a live signal store's started / updated stamps); default the system's. */
  readonly clock?: Clock;
}

/** What the sequencer does to a container. */
export type LifecycleAction = 'initialize' | 'subscribe' | 'start' | 'finish' | 'stop' | 'unsubscribe' | 'cleanup';

/**
 * Runs one iteration of a phase through the six lifecycle steps:
 *
 * 1. initialize: build subjects and containers from the plan; containers initialize.
 * 2. start: subscribe every container, consumers before producers (reverse topological
 *    order), so no event is ever emitted into a route nobody reads yet.
 * 3. execute: pull a chunk from the source, push its bars synchronously through the
 *    graph, wait until file sinks have drained, pull the next (backpressure).
 * 4. collect: book metrics are folded while running (a `reduce` per metrics stream); at
 *    the end of data containers `finish` (closing orders, final snapshots).
 * 5. stop: containers stop, subscriptions are unsubscribed in reverse order of start,
 *    routes complete.
 * 6. cleanup: always, in reverse topological order, on success, error or cancellation;
 *    files are committed (partial ones too: the summary says the run failed).
 */
export async function runPhase(opts: RunPhaseOptions): Promise<PhaseOutcome> {
  const { wf, source, phaseDir, logger } = opts;
  let step: LifecycleStep = 'initialize';
  let failure: RunFailure | undefined;
  let graph: CompiledGraph | undefined;
  // Undefined unless some trace level is not `none`: then no route gets a tap.
  let trace: PhaseTrace | undefined;
  let traceSummary: TraceSummary | undefined;
  let recordsSummary: RecordsSummary | undefined;
  // Undefined unless a topology behavior records some container's events.
  let recorder: ContainerRecorder | undefined;
  const fail = (container: string | undefined, error: unknown): void => {
    if (failure !== undefined) return;
    failure = { step, container, error };
    graph?.data.halt();
  };
  const onAbort = (): void => graph?.data.halt();
  // A function, not an inline check: the flag changes while this function awaits.
  const aborted = (): boolean => opts.signal?.aborted === true;
  opts.signal?.addEventListener('abort', onAbort);

  const sinks: DrainableSink[] = [...(opts.sinks ?? [])];
  const writers: NdjsonWriter[] = [];
  const files: string[] = [];
  const folds = new Map<string, BookFold>();
  const subscriptions: { id: string; sub: Subscription }[] = [];
  const told = opts.onLifecycle ?? ((): void => undefined);
  const source$ = new Subject<BarChunk>();
  // The data's own calendar, for the annualization check (phase_summary.json, warnings).
  const sessions = new SessionCounter(wf.config.data.calendar);
  const results = wf.config.results;
  const writerOptions = { bufferSize: results.writeBufferBytes, highWaterMark: results.highWaterMarkBytes };
  const keep = keepInMemory(results);
  let closeFused = (): void => undefined;

  try {
    // 1. initialize
    // The fused columnar path where it computes exactly what the per-event graph does
    // (src/topology/fused-graph.ts); observers of the graph's events need the graph.
    const observed = opts.onCompiled !== undefined || opts.traceSink !== undefined || opts.onLifecycle !== undefined;
    graph = fusedIneligibility(wf, observed) === undefined ? compileFused(opts.plan, wf) : compileGraph(opts.plan, wf);
    trace = PhaseTrace.open({
      wf,
      routes: graph.routes,
      features: graph.hub.keys(),
      phaseDir,
      ...(opts.traceSink !== undefined ? { sink: opts.traceSink } : {}),
    });
    recorder = await ContainerRecorder.open({
      behaviors: wf.topology.behaviors,
      instances: graph.placed.map((p) => p.instance.id),
      routes: graph.routes,
      phaseDir,
    });
    if (recorder !== undefined) sinks.push(...recorder.sinks);
    opts.onCompiled?.(graph);
    const ctx: ContainerContext = {
      ids: new IdAllocator(),
      logger,
      phaseDir,
      registerSink: (sink) => sinks.push(sink),
      ...(opts.clock !== undefined ? { clock: opts.clock } : {}),
    };
    let tradesWriter: NdjsonWriter | null = null;
    let equityWriter: NdjsonWriter | null = null;
    if (
      phaseDir !== null &&
      (graph.fused !== undefined || graph.placed.some((p) => p.container.metrics$ !== undefined))
    ) {
      tradesWriter = await NdjsonWriter.open(join(phaseDir, 'trades.ndjson'), writerOptions);
      writers.push(tradesWriter);
      files.push('trades.ndjson');
      if (writesEquityFile(results)) {
        equityWriter = await NdjsonWriter.open(join(phaseDir, 'equity.ndjson'), writerOptions);
        writers.push(equityWriter);
        files.push('equity.ndjson');
      }
    }
    sinks.push(...writers);
    for (const p of graph.placed) {
      try {
        told('initialize', p.instance.id);
        await p.container.initialize?.(ctx);
      } catch (err) {
        fail(p.instance.id, err);
        throw err;
      }
    }

    // 2. start: consumers first. Metric folds subscribe before any container.
    step = 'start';
    const bpy = runBarsPerYear(wf);
    const strategies = new Map(wf.strategies.map((s) => [s.key, s]));
    const newFold = (key: string): BookFold => {
      if (!strategies.has(key)) throw new Error(`book '${key}' has no strategy of that id`);
      return new BookFold(key, wf.config.portfolio.initialCash, bpy, wf.config.metrics.riskFreeRate, {
        trades: tradesWriter,
        equity: equityWriter,
        keepTrades: keep,
        keepEquity: keep,
        equityEvery: results.equityEvery,
      });
    };
    for (const p of graph.placed) {
      const metrics$ = p.container.metrics$;
      if (metrics$ === undefined) continue;
      const key = p.instance.key ?? p.instance.id;
      const fold = newFold(key);
      // Recorded (a `record` behavior), then traced, on the way to the fold.
      const recorded$ = recorder?.metrics(p.instance.id, metrics$) ?? metrics$;
      subscriptions.push({
        id: `${p.instance.id}.metrics`,
        sub: (trace?.metrics(p.instance.id, recorded$) ?? recorded$)
          .pipe(reduce((acc, ev) => acc.add(ev), fold))
          .subscribe({
            next: (done) => folds.set(key, done.close()),
            error: (err: unknown) => fail(p.instance.id, err),
          }),
      });
    }
    // The fused path's books fold straight into their folds, closed when the run stops.
    const fusedFolds = graph.fused?.keys.map((key) => ({ key, fold: newFold(key) }));
    if (fusedFolds !== undefined)
      graph.fused!.attach(
        fusedFolds.map((f) => f.fold),
        equityWriter !== null,
      );
    closeFused = () => {
      for (const f of fusedFolds ?? []) folds.set(f.key, f.fold.close());
    };
    for (const p of [...graph.placed].reverse()) {
      const input$ = containerInput(p, source$);
      told('subscribe', p.instance.id);
      subscriptions.push({ id: p.instance.id, sub: subscribeContainer(p, input$, (err) => fail(p.instance.id, err)) });
      told('start', p.instance.id);
      await p.container.start?.();
    }

    // 3. execute: pull, push, drain.
    step = 'execute';
    for await (const chunk of source.chunks()) {
      if (failure !== undefined || aborted()) break;
      sessions.add(chunk);
      source$.next(chunk);
      if (failure !== undefined || aborted()) break;
      for (const sink of sinks) if (sink.needsDrain) await sink.drained();
    }

    // 4. collect: end of data; containers emit what must still flow.
    step = 'collect';
    if (failure === undefined && !aborted()) {
      for (const p of graph.placed) {
        try {
          told('finish', p.instance.id);
          p.container.finish?.();
        } catch (err) {
          fail(p.instance.id, err);
          break;
        }
      }
    }
  } catch (err) {
    fail(undefined, err);
  } finally {
    // 5. stop: producers first (reverse of start), then routes complete.
    step = 'stop';
    if (graph !== undefined) {
      for (const p of graph.placed) {
        try {
          told('stop', p.instance.id);
          await p.container.stop?.();
        } catch (err) {
          fail(p.instance.id, err);
        }
      }
    }
    for (const { id, sub } of subscriptions.reverse()) {
      if (!id.endsWith('.metrics')) told('unsubscribe', id);
      sub.unsubscribe();
    }
    source$.complete();
    graph?.routes.forEach((r) => r.complete());
    closeFused();

    // 6. cleanup: always, consumers first; files committed even on failure.
    step = 'cleanup';
    if (graph !== undefined) {
      for (const p of [...graph.placed].reverse()) {
        try {
          told('cleanup', p.instance.id);
          await p.container.cleanup?.();
        } catch (err) {
          fail(p.instance.id, err);
        }
      }
    }
    for (const w of writers) {
      try {
        await w.commit();
      } catch (err) {
        fail(undefined, err);
      }
    }
    if (recorder !== undefined) {
      try {
        files.push(...(await recorder.close()));
        recordsSummary = recorder.summary();
      } catch (err) {
        fail(undefined, err);
      }
    }
    if (trace !== undefined) {
      try {
        files.push(...(await trace.close(failure)));
        traceSummary = trace.summary();
      } catch (err) {
        fail(undefined, err);
      }
    }
    await source.close();
    opts.signal?.removeEventListener('abort', onAbort);
  }

  const status: RunStatus = failure !== undefined ? 'failed' : aborted() ? 'cancelled' : 'completed';
  const books = wf.strategies.flatMap((s): BookResult[] => {
    const fold = folds.get(s.key);
    if (fold === undefined) return [];
    return [
      {
        key: s.key,
        type: s.type,
        params: s.params,
        metrics: fold.metrics(),
        trades: keepsSeriesInMemory(results) ? fold.trades : undefined,
        equity: keepsSeriesInMemory(results) ? fold.equity : undefined,
        truncated: fold.truncated,
      },
    ];
  });
  const containers = graph?.fused?.partResults() ?? new Map<string, Record<string, unknown>>();
  for (const p of graph?.fused === undefined ? (graph?.placed ?? []) : []) {
    const r = p.container.results?.();
    if (r !== undefined) containers.set(p.instance.id, { id: p.instance.id, role: p.instance.role, ...r });
  }
  const sink = graph?.placed.find((p) => p.container instanceof SignalSinkContainer)?.container as
    SignalSinkContainer | undefined;
  // The signal store, when committed inside the phase folder (a store elsewhere is the caller's to report).
  if (sink?.storeMeta !== undefined && phaseDir !== null && sink.dir === join(phaseDir, 'signals')) {
    files.push(...[STORE_FILES.signals, STORE_FILES.regimes, STORE_FILES.metadata].map((f) => `signals/${f}`));
  }
  const signals = sink === undefined || !keepsSeriesInMemory(results) ? undefined : sink.rows;
  const annualization = checkAnnualization(wf.config.data.timeframe, wf.config.data.calendar, sessions.result());
  return {
    status,
    failure,
    bars: graph?.data.bars ?? 0,
    source: source.stats(),
    books,
    containers,
    files,
    signals,
    annualization,
    engine: graph?.fused !== undefined ? 'fused' : 'per_event',
    ...(traceSummary !== undefined ? { trace: traceSummary } : {}),
    ...(recordsSummary !== undefined ? { records: recordsSummary } : {}),
  };
}

/**
 * What a placed container reads: the source's chunks for the data container, otherwise
 * the inbox every inbound route delivers to.
 *
 * @throws Error when a container other than data has no inbound route (the plan forbids it).
 */
export function containerInput(p: Placed, source$: Observable<BarChunk>): Observable<unknown> {
  if (p.instance.role === 'data') return source$ as Observable<unknown>;
  return inputOf(p);
}

/**
 * Starts one container: subscribes its input through its operator and dispatches every
 * event it emits onto the routes that carry that type; an error notification goes to
 * `onError`. The start step calls this for every container in reverse topological order
 * (consumers first); so does the marble runner, which drives the same graph under
 * virtual time.
 */
export function subscribeContainer(
  p: Placed,
  input$: Observable<unknown>,
  onError: (err: unknown) => void,
): Subscription {
  return input$.pipe(p.container.operator()).subscribe({ next: dispatcher(p.outputs), error: onError });
}

/** A container's input: the inbox every inbound route delivers to. */
function inputOf(p: Placed): Observable<SluiceEvent> {
  if (p.inbox === undefined) throw new Error(`container '${p.instance.id}' has no inbound route`);
  return p.inbox.asObservable();
}
