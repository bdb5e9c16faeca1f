import { Subject, map, type Observable, type Subscription } from 'rxjs';
import type { BarEvent } from '../events/index.ts';
import type { BarChunk } from '../data/bar-source.ts';
import { compileGraph, type CompiledGraph } from '../topology/compile.ts';
import { containerInput, subscribeContainer } from '../sequencer/run-phase.ts';
import { guard } from './chain-harness.ts';
import type { PipelineSubject } from './marble-spec.ts';
import type { HarnessContext, PrepareContext, SubjectHarness } from './subject-harness.ts';

/**
 * A small graph compiled by the engine's own topology code (`planGraph` at load time,
 * `compileGraph` here) and started the way the sequencer starts a phase: metrics first,
 * then every container through `subscribeContainer`, consumers before producers. The
 * `bars` input feeds the data container one bar per chunk, each bar in its frame.
 *
 * Each route is recorded through its tap (where tracing taps in), so a spec names the
 * streams it expects by route: `signals`, `orders`, `fills`… Portfolio metrics are
 * `snapshots` and `trades`.
 *
 * The rest of the lifecycle follows `runPhase`: when the bars complete (end of data) the
 * containers `finish` in topological order; then, or as soon as a container fails, or at
 * the spec's stop frame, containers stop, subscriptions are unsubscribed in reverse
 * order, routes complete (their streams show `|`) and containers clean up, consumers
 * first. A failure halts the data container and is reported as `failure`, naming the
 * container, as a run reports it.
 */
export function pipelineHarness(subject: PipelineSubject): SubjectHarness {
  return new PipelineHarness(subject);
}

class PipelineHarness implements SubjectHarness {
  private graph: CompiledGraph | undefined;

  constructor(private readonly subject: PipelineSubject) {}

  async prepare(ctx: PrepareContext): Promise<void> {
    this.graph = compileGraph(this.subject.plan, this.subject.wf);
    for (const p of this.graph.placed) {
      ctx.told('initialize', p.instance.id);
      await p.container.initialize?.(ctx.container);
    }
  }

  start(ctx: HarnessContext): void {
    const graph = this.graph!;
    const source$ = new Subject<BarChunk>();
    const subscriptions: { id: string; sub: Subscription }[] = [];
    let failed = false;
    let stopped = false;
    const fail = (id: string | undefined, err: unknown): void => {
      if (failed) return;
      failed = true;
      ctx.fail(id, err);
      graph.data.halt();
    };

    for (const route of graph.routes) {
      const out = ctx.output(route.name);
      route.tap = (_r, ev) => out.next(ev);
    }

    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      for (const p of graph.placed) {
        ctx.told('stop', p.instance.id);
        guard(ctx, p.instance.id, () => p.container.stop?.());
      }
      for (const { id, sub } of subscriptions.reverse()) {
        if (!id.endsWith('.metrics')) ctx.told('unsubscribe', id);
        sub.unsubscribe();
      }
      feeder.unsubscribe();
      source$.complete();
      for (const route of graph.routes) {
        route.complete();
        ctx.output(route.name).complete();
      }
      for (const p of [...graph.placed].reverse()) {
        ctx.told('cleanup', p.instance.id);
        guard(ctx, p.instance.id, () => p.container.cleanup?.());
      }
    };

    const endOfData = (): void => {
      if (!failed) {
        for (const p of graph.placed) {
          ctx.told('finish', p.instance.id);
          try {
            p.container.finish?.();
          } catch (err) {
            fail(p.instance.id, err);
            break;
          }
        }
      }
      stop();
    };

    // start: metric streams first, then containers in reverse topological order. Every
    // book writes to the same two streams; they complete when the last book stops.
    let openBooks = graph.placed.filter((p) => p.container.metrics$ !== undefined).length;
    for (const p of graph.placed) {
      const metrics$ = p.container.metrics$;
      if (metrics$ === undefined) continue;
      const id = p.instance.id;
      subscriptions.push({
        id: `${id}.metrics`,
        sub: metrics$.subscribe({
          next: (ev) => ctx.output(ev.type === 'TRADE' ? 'trades' : 'snapshots').next(ev),
          error: (err: unknown) => fail(id, err),
          complete: () => {
            if (--openBooks === 0) ['snapshots', 'trades'].forEach((n) => ctx.output(n).complete());
          },
        }),
      });
    }
    for (const p of [...graph.placed].reverse()) {
      const input$ = containerInput(p, source$);
      ctx.told('subscribe', p.instance.id);
      subscriptions.push({ id: p.instance.id, sub: subscribeContainer(p, input$, (err) => fail(p.instance.id, err)) });
      ctx.told('start', p.instance.id);
      guard(ctx, p.instance.id, () => p.container.start?.());
    }

    // execute: each bar is one chunk, pushed synchronously through the graph in its frame.
    const bars$: Observable<BarChunk> = ctx.inputs.get('bars')!.pipe(map((ev) => chunkOf(ev as BarEvent)));
    const feeder: Subscription = bars$.subscribe({
      next: (chunk) => {
        if (failed || stopped) return;
        source$.next(chunk);
        if (failed) stop();
      },
      error: (err: unknown) => {
        fail(undefined, err);
        stop();
      },
      complete: endOfData,
    });
    if (ctx.stopFrame !== undefined) ctx.scheduler.schedule(stop, ctx.stopFrame);
  }
}

/** One bar as a chunk of one row, the form a source hands the data container. */
function chunkOf(bar: BarEvent): BarChunk {
  return {
    length: 1,
    symbols: [bar.symbol],
    symbol: Uint16Array.of(0),
    ts: Float64Array.of(bar.ts),
    open: Float64Array.of(bar.open),
    high: Float64Array.of(bar.high),
    low: Float64Array.of(bar.low),
    close: Float64Array.of(bar.close),
    volume: Float64Array.of(bar.volume),
  };
}
