import {
  concat,
  defer,
  EMPTY,
  tap,
  type Observable,
  type Observer,
  type OperatorFunction,
  type Subscription,
} from 'rxjs';
import type { SluiceEvent } from '../events/index.ts';
import type { Container } from '../containers/container.ts';
import type { HarnessContext } from './subject-harness.ts';

/** How a chain of containers is fed and where its output goes. */
export interface ChainOptions {
  /** Containers in flow order: each one's output is the next one's input. */
  readonly containers: readonly Container[];
  readonly input$: Observable<SluiceEvent>;
  /** Every event the last container emits. */
  next(ev: SluiceEvent): void;
  /** The chain's output ended: an error, or completion after the input completed. */
  end(how: { readonly error: unknown } | 'complete'): void;
  /** Receives a container's metrics stream (a portfolio's PORTFOLIO and TRADE events). */
  readonly metrics?: Observer<SluiceEvent>;
}

/**
 * Runs containers as plain RxJS operators under virtual time, with the sequencer's
 * lifecycle around them:
 *
 * - subscribe, then start: consumers first (the last container of the chain first),
 *   metrics streams before any container;
 * - finish: when the input completes, in flow order, while the chain is still
 *   subscribed, so what a container emits at the end of data (a portfolio's closing
 *   orders) still flows; then the output completes;
 * - stop, unsubscribe, cleanup: after the output completed or errored, or at the spec's
 *   stop frame (the output then just ends, as an unsubscribed observable does).
 *
 * An exception in a container becomes an error notification (BaseContainer), which
 * unsubscribes every input at that frame; the failure names the container it came from.
 */
export function startChain(ctx: HarnessContext, chain: ChainOptions): void {
  const { containers } = chain;
  // Where an error came from: the first container whose output errors, or null for an input.
  let origin: string | null | undefined;
  let stopped = false;

  const input$ = chain.input$.pipe(tap({ error: () => (origin ??= null) }));
  const fed$ = concat(
    input$,
    defer(() => {
      for (const c of containers) {
        ctx.told('finish', c.id);
        try {
          c.finish?.();
        } catch (err) {
          origin ??= c.id;
          throw err;
        }
      }
      return EMPTY;
    }),
  );
  let out$: Observable<SluiceEvent> = fed$;
  for (const c of containers) {
    out$ = out$.pipe(
      c.operator() as OperatorFunction<SluiceEvent, SluiceEvent>,
      tap({ error: () => (origin ??= c.id) }),
    );
  }

  const shutdown = (): void => {
    if (stopped) return;
    stopped = true;
    for (const c of containers) {
      ctx.told('stop', c.id);
      guard(ctx, c.id, () => c.stop?.());
    }
    for (const c of [...containers].reverse()) ctx.told('unsubscribe', c.id);
    sub.unsubscribe();
    for (const c of [...containers].reverse()) {
      ctx.told('cleanup', c.id);
      guard(ctx, c.id, () => c.cleanup?.());
    }
  };

  for (const c of containers)
    if (c.metrics$ !== undefined && chain.metrics !== undefined) c.metrics$.subscribe(chain.metrics);
  for (const c of [...containers].reverse()) ctx.told('subscribe', c.id);
  const sub: Subscription = out$.subscribe({
    next: (ev) => chain.next(ev),
    error: (error: unknown) => {
      ctx.fail(origin ?? undefined, error);
      chain.end({ error });
      shutdown();
    },
    complete: () => {
      chain.end('complete');
      shutdown();
    },
  });
  for (const c of [...containers].reverse()) {
    ctx.told('start', c.id);
    guard(ctx, c.id, () => c.start?.());
  }
  if (ctx.stopFrame !== undefined) ctx.scheduler.schedule(shutdown, ctx.stopFrame);
}

/** Runs a lifecycle hook; a throw or a rejected promise is the container's failure. */
export function guard(ctx: HarnessContext, id: string, hook: () => void | Promise<void> | undefined): void {
  try {
    const r = hook();
    if (r instanceof Promise) ctx.defer(r.catch((err: unknown) => ctx.fail(id, err)));
  } catch (err) {
    ctx.fail(id, err);
  }
}
