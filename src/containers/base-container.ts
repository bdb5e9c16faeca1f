import { Observable, type OperatorFunction } from 'rxjs';
import type { SluiceEvent } from '../events/index.ts';
import type { Role } from '../config/schema/topology.ts';
import type { Container } from './container.ts';
import { relative } from 'node:path';
import { asUserCodeError } from '../domain/plugin-frame.ts';

/** The bar an event is about, for error messages. */
function barOf(ev: unknown): { ts: number; symbol: string } | undefined {
  const e = ev as { ts?: unknown; symbol?: unknown } | null;
  return typeof e?.ts === 'number' && typeof e.symbol === 'string' ? { ts: e.ts, symbol: e.symbol } : undefined;
}

/** A path relative to the working directory when inside it. */
function shortPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') ? rel : file;
}

const detached = (): void => {
  throw new Error('container emitted while not subscribed');
};

/**
 * The operator shape every container shares: one handler per input event, an `emit` that
 * is live while the operator is subscribed, and errors thrown by the handler turned into
 * an error notification (so the sequencer sees which container failed, and RxJS never
 * reports it as unhandled).
 */
export abstract class BaseContainer<I = SluiceEvent> implements Container<I> {
  /** Sends an event downstream; valid between subscribe and teardown. */
  protected emit: (ev: SluiceEvent) => void = detached;

  constructor(
    readonly id: string,
    readonly role: Role,
    readonly key: string | undefined = undefined,
  ) {}

  /** Handles one input event; may call `emit` any number of times. */
  protected abstract onEvent(ev: I): void;

  operator(): OperatorFunction<I, SluiceEvent> {
    return (source) =>
      new Observable<SluiceEvent>((subscriber) => {
        this.emit = (ev) => subscriber.next(ev);
        const subscription = source.subscribe({
          next: (ev) => {
            try {
              this.onEvent(ev);
            } catch (err) {
              // A plugin's code that throws is named, with its line and the bar, as the user's to fix.
              subscriber.error(
                asUserCodeError(err, `${this.role} container '${this.id}'`, barOf(ev), shortPath) ?? err,
              );
            }
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        });
        return () => {
          subscription.unsubscribe();
          this.emit = detached;
        };
      });
  }
}
