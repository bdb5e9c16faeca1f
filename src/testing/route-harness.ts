import type { Subscription } from 'rxjs';
import { createRoute } from '../routes/index.ts';
import type { RouteSubjectResolved } from './marble-spec.ts';
import type { SubjectHarness } from './subject-harness.ts';

/**
 * One route, as the compiler builds it. Each input stream is a producer calling
 * `route.next`; each consumer's output is a stream named by its id, and `deliveries`
 * records every delivery in order with `to` set, which shows a broadcast's declared
 * order within a frame. The route completes (the stop step) when every producer has
 * completed, or at the spec's stop frame, when the producers are unsubscribed first. A
 * route has no error channel: a producer's error just ends that producer.
 */
export function routeHarness(subject: RouteSubjectResolved): SubjectHarness {
  return {
    prepare: () => Promise.resolve(),
    start(ctx) {
      const route = createRoute(subject.spec);
      const deliveries = ctx.output('deliveries');
      for (const t of subject.spec.targets) {
        const out = ctx.output(t.id);
        route.output(t.id).subscribe({
          next: (ev) => {
            out.next(ev);
            deliveries.next({ ...ev, to: t.id });
          },
          complete: () => out.complete(),
        });
      }
      const producers: Subscription[] = [];
      let open = ctx.inputs.size;
      let stopped = false;
      const stop = (): void => {
        if (stopped) return;
        stopped = true;
        for (const p of producers) p.unsubscribe();
        route.complete();
        deliveries.complete();
      };
      const ended = (): void => {
        if (--open === 0) stop();
      };
      for (const input$ of ctx.inputs.values()) {
        producers.push(input$.subscribe({ next: (ev) => route.next(ev), error: ended, complete: ended }));
      }
      if (ctx.stopFrame !== undefined) ctx.scheduler.schedule(stop, ctx.stopFrame);
    },
  };
}
