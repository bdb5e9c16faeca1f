import type { Clock } from '../runtime/clock.ts';
import type { Observable, OperatorFunction } from 'rxjs';
import type { Logger } from 'pino';
import type { EventType, SluiceEvent } from '../events/index.ts';
import type { Role } from '../config/schema/topology.ts';
import type { DrainableSink } from '../files/drainable-sink.ts';

/** Run-wide id counters, shared by every container of a graph so ids are unique and deterministic. */
export class IdAllocator {
  private signal = 0;
  private order = 0;
  private trade = 0;
  nextSignalId(): number {
    return ++this.signal;
  }
  nextOrderId(): number {
    return ++this.order;
  }
  nextTradeId(): number {
    return ++this.trade;
  }
}

/** What a container receives at initialize. */
export interface ContainerContext {
  readonly ids: IdAllocator;
  readonly logger: Logger;
  /** Folder of the current phase's results, or null when nothing is written to disk. */
  readonly phaseDir: string | null;
  /** Registers a sink the sequencer waits on (backpressure) before reading the next chunk. */
  registerSink(sink: DrainableSink): void;
  /** Where wall time is read (not per bar); absent: the system's clock. */
  readonly clock?: Clock;
}

/**
 * A container: a named unit with a role, compiled to an RxJS operator plus lifecycle hooks
 * the sequencer calls in order: initialize → start → (events) → finish → stop → cleanup.
 */
export interface Container<I = SluiceEvent> {
  readonly id: string;
  readonly role: Role;
  /** The foreach key of an expanded instance (e.g. the strategy id). */
  readonly key: string | undefined;
  /** The operator the compiler places between this container's inbound and outbound routes. */
  operator(): OperatorFunction<I, SluiceEvent>;
  initialize?(ctx: ContainerContext): void | Promise<void>;
  start?(): void | Promise<void>;
  /**
   * End of data, while the graph is still connected: emit what must still flow (closing
   * orders, final snapshots). Called in topological order.
   */
  finish?(): void;
  stop?(): void | Promise<void>;
  /** Flushes and releases; always runs, also after errors. */
  cleanup?(): void | Promise<void>;
  /** The container's metric events (PORTFOLIO, TRADE), folded into results. */
  metrics$?: Observable<SluiceEvent>;
  /** Summary written to containers/<id>_results.json. */
  results?(): Record<string, unknown>;
  /**
   * True when this instance has no use for events of `type` although its role consumes
   * them (a portfolio whose sizing reads no feature ignores FEATURES). The compiler then
   * leaves it off routes that carry only such events, so nothing is delivered to it.
   */
  ignores?(type: EventType): boolean;
}
