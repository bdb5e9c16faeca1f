import type { EventType } from '../events/index.ts';
import { ROLE_IO } from '../topology/roles.ts';
import { streamNameOf, streamType } from './event-fields.ts';
import type { ResolvedSubject } from './marble-spec.ts';
import { INPUT_EVENT_TYPES, type InputEventType, type StreamShape } from './marble-values.ts';

/** The streams a subject reads and writes, by name. */
export interface SubjectStreams {
  /** Input names and what they carry; null when any name is allowed (a route's producers). */
  readonly inputs: ReadonlyMap<string, readonly InputEventType[]> | null;
  /** For subjects that take any input name: what a stream of that name carries. */
  inputTypes(name: string): readonly InputEventType[];
  /** Inputs the subject cannot run without. */
  readonly requiredInputs: readonly string[];
  readonly outputs: ReadonlyMap<string, StreamShape>;
}

const isInputType = (t: EventType): t is InputEventType => (INPUT_EVENT_TYPES as readonly EventType[]).includes(t);

const events = (...types: EventType[]): StreamShape => ({ kind: 'events', types });

/** Streams named after the event types a role produces or consumes. */
function byType(types: readonly EventType[]): Map<string, EventType> {
  const out = new Map<string, EventType>();
  for (const t of types) {
    const name = streamNameOf(t);
    if (name !== undefined) out.set(name, t);
  }
  return out;
}

/**
 * What each subject kind reads and writes:
 *
 * - strategy: `bars` → `signals`; indicator: `bars` → `values`.
 * - container: inputs named after the event types its role consumes (`bars`, `signals`,
 *   `orders`, `fills`, `rejects`), outputs after those it produces; a portfolio also
 *   writes `snapshots` (PORTFOLIO) and `trades` (TRADE) on its metrics stream.
 * - route: any input names (the producers); one output per consumer id, plus
 *   `deliveries`: every delivery in order, each value carrying `to`.
 * - pipeline: `bars` → one stream per route of the graph (`signals`, `orders`, `fills`…)
 *   plus `snapshots` and `trades` when it has portfolios.
 */
export function subjectStreams(subject: ResolvedSubject): SubjectStreams {
  const bars = new Map<string, readonly InputEventType[]>([['bars', ['BAR']]]);
  const fixed = (
    inputs: ReadonlyMap<string, readonly InputEventType[]>,
    outputs: Map<string, StreamShape>,
    required: string[],
  ): SubjectStreams => ({
    inputs,
    inputTypes: (name) => inputs.get(name) ?? [],
    requiredInputs: required,
    outputs,
  });
  switch (subject.kind) {
    case 'strategy':
      return fixed(bars, new Map([['signals', events('SIGNAL')]]), ['bars']);
    case 'indicator':
      return fixed(
        bars,
        new Map([['values', { kind: 'indicator', outputs: subject.outputs, single: subject.single }]]),
        ['bars'],
      );
    case 'container': {
      const io = ROLE_IO[subject.role];
      const inputs = new Map<string, readonly InputEventType[]>();
      for (const [name, t] of byType(io.consumes)) if (isInputType(t)) inputs.set(name, [t]);
      const outputs = new Map<string, StreamShape>();
      for (const [name, t] of byType(io.produces)) outputs.set(name, events(t));
      if (subject.role === 'portfolio') {
        outputs.set('snapshots', events('PORTFOLIO'));
        outputs.set('trades', events('TRADE'));
      }
      return fixed(inputs, outputs, []);
    }
    case 'route': {
      const carried = subject.spec.events.filter(isInputType);
      const outputs = new Map<string, StreamShape>();
      for (const t of subject.spec.targets) outputs.set(t.id, events(...subject.spec.events));
      outputs.set('deliveries', { kind: 'events', types: subject.spec.events, delivery: true });
      return {
        inputs: null,
        inputTypes: (name) => {
          const named = streamType(name);
          return named !== undefined && isInputType(named) ? [named] : carried;
        },
        requiredInputs: [],
        outputs,
      };
    }
    case 'pipeline': {
      const outputs = new Map<string, StreamShape>();
      for (const r of subject.plan.routes) outputs.set(r.name, events(...r.events));
      if (subject.plan.instances.some((i) => i.role === 'portfolio')) {
        outputs.set('snapshots', events('PORTFOLIO'));
        outputs.set('trades', events('TRADE'));
      }
      return fixed(bars, outputs, ['bars']);
    }
  }
}
