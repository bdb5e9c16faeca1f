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

/** Sends every event to every consumer, in declared order. */
export abstract class AllTargets extends SubjectFanOut {
  next(ev: SluiceEvent): void {
    this.sent++;
    if (this.tap !== undefined) this.tap(this, ev);
    const subjects = this.subjects;
    for (let i = 0; i < subjects.length; i++) subjects[i]!.next(ev);
  }
}

/** Sends each keyed event only to the consumer whose foreach key equals the event's key. */
export abstract class ByKey extends SubjectFanOut {
  private readonly byKey = new Map<string, Subject<SluiceEvent>>();

  constructor(spec: RouteSpec, inbox?: InboxFactory) {
    super(spec, inbox);
    spec.targets.forEach((t, i) => {
      if (t.key === undefined) throw new Error(`route ${spec.name}: consumer '${t.id}' has no foreach key to select by`);
      this.byKey.set(t.key, this.subjects[i]!);
    });
  }

  next(ev: SluiceEvent): void {
    this.sent++;
    if (this.tap !== undefined) this.tap(this, ev);
    const subject = 'key' in ev ? this.byKey.get(ev.key) : undefined;
    if (subject === undefined) this.undelivered++;
    else subject.next(ev);
  }
}
