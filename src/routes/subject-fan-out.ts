import type { Observable, Subject } from 'rxjs';
import { RouteSubject } from './route-subject.ts';
import type { SluiceEvent } from '../events/index.ts';
import type { Route, RouteSpec, RouteTap, RouteTarget } from './route.ts';

/**
 * The shared core of every route kind: one Subject per consumer, created in declared
 * target order. Kinds differ only in which subjects `next` feeds.
 */
export abstract class SubjectFanOut implements Route {
  readonly name: string;
  readonly kind: RouteSpec['kind'];
  readonly from: readonly string[];
  readonly targets: readonly RouteTarget[];
  readonly events: RouteSpec['events'];
  tap: RouteTap | undefined = undefined;
  sent = 0;
  undelivered = 0;
  protected readonly subjects: Subject<SluiceEvent>[];
  private readonly byId = new Map<string, Subject<SluiceEvent>>();

  /**
   * @param inbox the subject to deliver to for a consumer; by default each consumer gets
   *   its own. The compiler passes one shared inbox per consumer so a container fed by
   *   several routes reads one subject (no `merge` layer per event), the routes still
   *   delivering in their own declared order.
   */
  constructor(spec: RouteSpec, inbox: InboxFactory = () => new RouteSubject<SluiceEvent>()) {
    this.name = spec.name;
    this.kind = spec.kind;
    this.from = spec.from;
    this.targets = spec.targets;
    this.events = spec.events;
    this.subjects = spec.targets.map((t) => {
      const subject = inbox(t.id);
      this.byId.set(t.id, subject);
      return subject;
    });
  }

  abstract next(ev: SluiceEvent): void;

  output(id: string): Observable<SluiceEvent> {
    const subject = this.byId.get(id);
    if (subject === undefined) throw new Error(`route ${this.name} has no consumer '${id}'`);
    return subject.asObservable();
  }

  complete(): void {
    for (const subject of this.subjects) subject.complete();
  }
}

/** Makes the subject a route delivers to for a consumer id. */
export type InboxFactory = (id: string) => Subject<SluiceEvent>;

/**
 * Delivery with a trampoline: an event sent on this route while it is still delivering
 * the previous one (a consumer closing a cycle back onto the same route) waits until that
 * delivery has reached every consumer. So every consumer sees events in the order they
 * were sent, cause before effect, whatever the consumers do in between. The cost when
 * nothing re-enters is one boolean check.
 */
abstract class Trampolined extends SubjectFanOut {
  private delivering = false;
  private readonly queued: SluiceEvent[] = [];

  next(ev: SluiceEvent): void {
    this.sent++;
    if (this.tap !== undefined) this.tap(this, ev);
    if (this.delivering) {
      this.queued.push(ev);
      return;
    }
    this.delivering = true;
    this.deliver(ev);
    if (this.queued.length > 0) this.drainQueue();
    this.delivering = false;
  }

  /**
   * Delivers what was sent during a delivery. Consumers never throw into a route (a
   * container turns its exceptions into error notifications), so no try/finally is
   * needed on the per-event path; the queue is reset here in any case.
   */
  private drainQueue(): void {
    const queued = this.queued;
    for (let i = 0; i < queued.length; i++) this.deliver(queued[i]!);
    queued.length = 0;
  }

  protected abstract deliver(ev: SluiceEvent): void;
}

/** Sends every event to every consumer, in declared order. */
export abstract class AllTargets extends Trampolined {
  protected deliver(ev: SluiceEvent): void {
    const subjects = this.subjects;
    for (let i = 0; i < subjects.length; i++) subjects[i]!.next(ev);
  }
}

/** Sends each keyed event only to the consumer whose foreach key equals the event's key. */
export abstract class ByKey extends Trampolined {
  private readonly byKey = new Map<string, Subject<SluiceEvent>>();

  constructor(spec: RouteSpec, inbox?: InboxFactory) {
    super(spec, inbox);
    spec.targets.forEach((t, i) => {
      if (t.key === undefined)
        throw new Error(`route ${spec.name}: consumer '${t.id}' has no foreach key to select by`);
      this.byKey.set(t.key, this.subjects[i]!);
    });
  }

  protected deliver(ev: SluiceEvent): void {
    const subject = 'key' in ev ? this.byKey.get(ev.key) : undefined;
    if (subject === undefined) this.undelivered++;
    else subject.next(ev);
  }
}
