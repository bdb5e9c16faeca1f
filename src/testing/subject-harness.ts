import type { Observable, Observer } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import type { SluiceEvent } from '../events/index.ts';
import type { ContainerContext } from '../containers/container.ts';
import type { LifecycleAction } from '../sequencer/run-phase.ts';

/**
 * What a harness gets from the runner inside `TestScheduler.run`: the inputs as hot
 * observables, a recorder per output stream, and the runner's bookkeeping of lifecycle
 * actions and failures (each stamped with the current frame).
 */
export interface HarnessContext {
  readonly scheduler: TestScheduler;
  /** Each input's events, by input name (hot under the scheduler). */
  readonly inputs: ReadonlyMap<string, Observable<SluiceEvent>>;
  /** The recorder of an output stream; what the spec does not expect is dropped. */
  output(name: string): Observer<unknown>;
  /** Records a lifecycle action on a container at the current frame. */
  told(action: LifecycleAction, id: string): void;
  /** Records the run's first failure at the current frame; `container` undefined for an input's error. */
  fail(container: string | undefined, error: unknown): void;
  /** Frame at which the spec stops the subject early, if it does. */
  readonly stopFrame: number | undefined;
  /** A promise (an async cleanup) the runner awaits once virtual time has ended. */
  defer(work: Promise<unknown>): void;
}

/** What a harness gets before virtual time starts. */
export interface PrepareContext {
  readonly container: ContainerContext;
  /** Records a lifecycle action at frame 0. */
  told(action: LifecycleAction, id: string): void;
}

/**
 * Puts one subject kind under virtual time: builds its containers, routes or graph from
 * real engine parts, subscribes them to the inputs and feeds their output to the
 * recorders. A new subject kind (a classifier, say) is one more harness.
 */
export interface SubjectHarness {
  /** Before virtual time: build, and run the containers' initialize hooks. */
  prepare(ctx: PrepareContext): Promise<void>;
  /** Inside `TestScheduler.run`, synchronously: wire and subscribe everything. */
  start(ctx: HarnessContext): void;
}
