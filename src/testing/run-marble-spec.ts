import { map, Subject, type Observable } from 'rxjs';
import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import pino from 'pino';
import type { SluiceEvent } from '../events/index.ts';
import { IdAllocator, type ContainerContext } from '../containers/container.ts';
import type { LifecycleAction } from '../sequencer/run-phase.ts';
import { compareStream, errorMessage, type ExpectedErrorToken, type ExpectedToken } from './compare-streams.ts';
import { containerHarness } from './container-harness.ts';
import { indicatorHarness } from './indicator-harness.ts';
import type { FrameMessage, SubscriptionWindow } from './marble-frames.ts';
import type {
  ActualFailure,
  FailureResult,
  LifecycleResult,
  MarbleResult,
  StreamResult,
  SubscriptionResult,
} from './marble-result.ts';
import type { MarbleSpec, ResolvedSubject } from './marble-spec.ts';
import { LIFECYCLE_ACTIONS } from './marble-spec-schema.ts';
import { pipelineHarness } from './pipeline-harness.ts';
import { routeHarness } from './route-harness.ts';
import { strategyHarness } from './strategy-harness.ts';
import type { HarnessContext, SubjectHarness } from './subject-harness.ts';

const silent = pino({ level: 'silent' });

/** The harness of a subject kind. */
export function createHarness(subject: ResolvedSubject): SubjectHarness {
  switch (subject.kind) {
    case 'strategy':
      return strategyHarness(subject);
    case 'indicator':
      return indicatorHarness(subject);
    case 'container':
      return containerHarness(subject);
    case 'route':
      return routeHarness(subject);
    case 'pipeline':
      return pipelineHarness(subject);
  }
}

/** A hot observable of the scheduler, with its subscription log. */
type HotInput = ReturnType<RunHelpers['hot']>;

/** What `assertDeepEqual` was handed, in the order the expectations were declared. */
type Recorded = { readonly actual: unknown; readonly expected: unknown };

/**
 * Runs a marble spec under RxJS's TestScheduler (virtual time: deterministic, no waiting)
 * and compares, never throws for a mismatch: returns what was expected and what happened,
 * stream by stream and frame by frame.
 *
 * Inputs are hot observables of the spec's diagrams; expected streams go through
 * `expectObservable(...).toBe(...)` and subscription windows through
 * `expectSubscriptions(...).toBe(...)`, exactly as in an RxJS marble test, but the
 * scheduler's `assertDeepEqual` only records what it is handed, so the comparison (partial
 * values, tolerance) and the diff are ours.
 *
 * @throws Error only for an engine bug (a harness that cannot be built or wired).
 */
export async function runMarbleSpec(spec: MarbleSpec): Promise<MarbleResult> {
  const harness = createHarness(spec.subject);
  const log: { action: LifecycleAction; id: string; frame: number }[] = [];
  const container: ContainerContext = {
    ids: new IdAllocator(),
    logger: silent,
    phaseDir: null,
    registerSink: () => undefined,
  };
  await harness.prepare({ container, told: (action, id) => log.push({ action, id, frame: 0 }) });

  const recorded: Recorded[] = [];
  const scheduler = new TestScheduler((actual: unknown, expected: unknown) => {
    recorded.push({ actual, expected });
  });
  const pending: Promise<unknown>[] = [];
  let failure: ActualFailure | undefined;
  const hots = new Map<string, HotInput>();

  scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
    const inputs = new Map<string, Observable<SluiceEvent>>();
    for (const input of spec.inputs) {
      // The diagram's characters stand for the emissions; each one is the next precomputed
      // event (ids and bar numbers depend on the order across all inputs).
      const h: HotInput = hot(input.marble, undefined, new Error(input.error ?? 'error'));
      let next = 0;
      inputs.set(input.name, h.pipe(map(() => input.events[next++]!)));
      hots.set(input.name, h);
    }
    const outputs = new Map<string, Subject<unknown>>();
    const output = (name: string): Subject<unknown> => {
      let s = outputs.get(name);
      if (s === undefined) outputs.set(name, (s = new Subject<unknown>()));
      return s;
    };
    const ctx: HarnessContext = {
      scheduler,
      inputs,
      output,
      told: (action, id) => log.push({ action, id, frame: scheduler.now() }),
      fail: (id, error) => {
        failure ??= { container: id, message: errorMessage(error), frame: scheduler.now() };
      },
      stopFrame: spec.unsubscribeFrame,
      defer: (work) => pending.push(work),
    };
    harness.start(ctx);

    for (const stream of spec.expect) {
      const tokens: Record<string, ExpectedToken> = {};
      for (const [char, value] of stream.table) tokens[char] = { char, value };
      const error: ExpectedErrorToken = { text: stream.error };
      expectObservable(output(stream.name)).toBe(stream.marble, tokens, error);
    }
    for (const s of spec.subscriptions) expectSubscriptions(hots.get(s.input)!.subscriptions).toBe([...s.marbles]);
  });
  await Promise.all(pending);

  // flushTests are asserted in declaration order: streams first, then subscriptions.
  const streams: StreamResult[] = spec.expect.map((stream, i) =>
    compareStream(
      stream,
      toFrames(recorded[i]!.expected) as FrameMessage<ExpectedToken>[],
      toFrames(recorded[i]!.actual),
      spec.tolerance,
    ),
  );
  const subscriptions: SubscriptionResult[] = spec.subscriptions.map((s, i) => {
    const r = recorded[spec.expect.length + i]!;
    const expected = (r.expected as SubscriptionWindow[]).map(window);
    const actual = (r.actual as SubscriptionWindow[]).map(window);
    const pass =
      expected.length === actual.length &&
      expected.every(
        (w, j) =>
          w.subscribedFrame === actual[j]!.subscribedFrame && w.unsubscribedFrame === actual[j]!.unsubscribedFrame,
      );
    return { input: s.input, pass, expected, actual };
  });
  const lifecycle: LifecycleResult[] = LIFECYCLE_ACTIONS.flatMap((action): LifecycleResult[] => {
    const expected = spec.lifecycle[action];
    if (expected === undefined) return [];
    const entries = log.filter((l) => l.action === action);
    const frames = [...new Set(entries.map((l) => l.frame))];
    const order = entries.map((l) => l.id);
    const pass =
      order.length === expected.order.length &&
      order.every((id, i) => id === expected.order[i]) &&
      (expected.frame === undefined || frames.every((f) => f === expected.frame));
    return [{ action, pass, expected, actual: { frames, order } }];
  });
  const failed = checkFailure(spec, streams, failure);
  const pass =
    streams.every((s) => s.pass) && subscriptions.every((s) => s.pass) && lifecycle.every((l) => l.pass) && failed.pass;
  return {
    name: spec.name,
    file: spec.file,
    description: spec.description,
    pass,
    streams,
    subscriptions,
    lifecycle,
    failure: failed,
  };
}

function window(w: SubscriptionWindow): SubscriptionWindow {
  return { subscribedFrame: w.subscribedFrame, unsubscribedFrame: w.unsubscribedFrame };
}

/** RxJS TestMessages as plain frame messages. */
function toFrames(messages: unknown): FrameMessage[] {
  return (
    messages as { frame: number; notification: { kind: 'N' | 'E' | 'C'; value?: unknown; error?: unknown } }[]
  ).map((m) => {
    const n = m.notification;
    if (n.kind === 'N') return { frame: m.frame, kind: 'N', value: n.value };
    if (n.kind === 'E') return { frame: m.frame, kind: 'E', error: n.error };
    return { frame: m.frame, kind: 'C' };
  });
}

/**
 * A failure must be expected: by `failure:`, whose fields must all match, or by a `#` in
 * some expected diagram. An expected failure that did not happen fails the spec too.
 */
function checkFailure(
  spec: MarbleSpec,
  streams: readonly StreamResult[],
  actual: ActualFailure | undefined,
): FailureResult {
  const expected = spec.failure;
  const result = (reason: string | undefined): FailureResult => ({
    pass: reason === undefined,
    expected,
    actual,
    reason,
  });
  if (expected === undefined) {
    if (actual === undefined || streams.some((s) => s.expected.some((n) => n.kind === 'E'))) return result(undefined);
    return result('the run failed, and the spec expects no failure (add failure:, or a # to the stream that errors)');
  }
  if (actual === undefined) return result('a failure was expected, but the run did not fail');
  const wrong: string[] = [];
  if (expected.container !== undefined && expected.container !== actual.container)
    wrong.push(`in container '${expected.container}'`);
  if (expected.message !== undefined && !actual.message.includes(expected.message))
    wrong.push(`with a message containing ${JSON.stringify(expected.message)}`);
  if (expected.frame !== undefined && expected.frame !== actual.frame) wrong.push(`at frame ${expected.frame}`);
  return result(wrong.length === 0 ? undefined : `expected a failure ${wrong.join(', ')}`);
}
