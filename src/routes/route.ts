import type { Observable } from 'rxjs';
import type { EventType, SluiceEvent } from '../events/index.ts';
import type { RouteKind } from '../config/schema/topology.ts';

/** A container instance a route delivers to. `key` is its foreach key, if expanded. */
export interface RouteTarget {
  readonly id: string;
  readonly key?: string;
}

/** Called for every event a route carries; tracing taps in here. */
export type RouteTap = (route: Route, ev: SluiceEvent) => void;

/**
 * A route connects producers to consumers. Producers call `next`; each consumer reads
 * `output(itsId)`. Delivery is synchronous and in the route's declared target order, so
 * the order in which consumers see an event never depends on subscription timing.
 */
export interface Route {
  readonly name: string;
  readonly kind: RouteKind;
  readonly from: readonly string[];
  readonly targets: readonly RouteTarget[];
  readonly events: readonly EventType[];
  /** Deliver one event. */
  next(ev: SluiceEvent): void;
  /** The stream that consumer `id` subscribes to. */
  output(id: string): Observable<SluiceEvent>;
  /** Complete every consumer's stream (stop step). */
  complete(): void;
  /** Events sent on the route. */
  readonly sent: number;
  /** Events that reached no consumer (selective delivery with no instance for the key). */
  readonly undelivered: number;
  /** Optional tap (tracing); undefined costs one property check per event. */
  tap: RouteTap | undefined;
}

/** Static description of a route, as compiled from a topology. */
export interface RouteSpec {
  readonly name: string;
  readonly kind: RouteKind;
  readonly from: readonly string[];
  readonly targets: readonly RouteTarget[];
  readonly events: readonly EventType[];
  readonly byKey: boolean;
}
