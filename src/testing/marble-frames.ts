import { TestScheduler } from 'rxjs/testing';

/**
 * Marble diagrams read and written the way `TestScheduler.run` reads them (run mode): one
 * frame per character, spaces ignored, `10ms ` time progressions, `(ab)` groups emitting
 * at the frame of their `(`. Parsing delegates to RxJS itself so a spec means exactly what
 * it would mean in an RxJS test; rendering is ours, for the diff.
 */

/** One notification at a frame, as RxJS's TestMessage, with a plain shape. */
export interface FrameMessage<V = unknown> {
  readonly frame: number;
  readonly kind: 'N' | 'E' | 'C';
  /** The value of a next notification. */
  readonly value?: V;
  /** The error of an error notification. */
  readonly error?: unknown;
}

/** A subscription window: frames of subscribe and unsubscribe (Infinity when it never happens). */
export interface SubscriptionWindow {
  readonly subscribedFrame: number;
  readonly unsubscribedFrame: number;
}

/**
 * Runs `fn` with RxJS's frame factor at 1, as inside `TestScheduler.run`. Outside `run` a
 * character is 10 frames but a time progression is counted in plain milliseconds, so
 * parsing there would mix units.
 */
function inRunMode<T>(fn: () => T): T {
  const saved = TestScheduler.frameTimeFactor;
  TestScheduler.frameTimeFactor = 1;
  try {
    return fn();
  } finally {
    TestScheduler.frameTimeFactor = saved;
  }
}

/**
 * Parses a marble diagram in run mode. Without `values` a value is its character.
 * @throws Error with RxJS's message for a malformed diagram.
 */
export function parseMarble<V = string>(
  marble: string,
  values?: Readonly<Record<string, V>>,
  error?: unknown,
): FrameMessage<V>[] {
  return inRunMode(() =>
    TestScheduler.parseMarbles(marble, values, error, true, true).map((m) => {
      const n = m.notification;
      if (n.kind === 'N') return { frame: m.frame, kind: 'N', value: n.value as V };
      if (n.kind === 'E') return { frame: m.frame, kind: 'E', error: n.error };
      return { frame: m.frame, kind: 'C' };
    }),
  );
}

/**
 * Parses a subscription diagram (`^---!`) in run mode.
 * @throws Error with RxJS's message for a malformed diagram.
 */
export function parseSubscription(marble: string): SubscriptionWindow {
  return inRunMode(() => {
    const log = TestScheduler.parseMarblesAsSubscriptions(marble, true);
    return { subscribedFrame: log.subscribedFrame, unsubscribedFrame: log.unsubscribedFrame };
  });
}

/** Gaps of more empty frames than this are drawn as a time progression (` 40ms `), not dashes. */
const MAX_DASHES = 24;

/** Two or more marble lines drawn on one time axis, and where each frame starts. */
export interface AlignedMarbles {
  readonly lines: readonly string[];
  /** Column of each frame that has a notification in any line. */
  readonly columnOf: ReadonlyMap<number, number>;
}

/**
 * Draws several streams on one time axis so they read vertically: every frame with a
 * notification gets a column as wide as its widest token (`a`, `(ab|)`), shorter tokens
 * padded with spaces (ignored by run-mode marbles), empty frames a dash, and the frames a
 * group spans skipped as RxJS counts them. A stream drawn alone comes out as canonical
 * RxJS marble text.
 *
 * @param tokens per line, the token of each frame that has notifications.
 * @param end last frame to draw (inclusive), at least the last frame with a token.
 */
export function alignMarbles(tokens: readonly ReadonlyMap<number, string>[], end: number): AlignedMarbles {
  const lines = tokens.map(() => '');
  const columnOf = new Map<number, number>();
  const frames = new Set<number>();
  for (const t of tokens) for (const f of t.keys()) frames.add(f);
  const append = (parts: readonly string[]): void => {
    const width = Math.max(...parts.map((p) => p.length));
    parts.forEach((p, i) => (lines[i] += p.padEnd(width, ' ')));
  };
  let coveredUntil = 0;
  let frame = 0;
  while (frame <= end) {
    if (frames.has(frame)) {
      columnOf.set(frame, lines[0]!.length);
      const parts = tokens.map((t) => t.get(frame) ?? '-');
      append(parts);
      coveredUntil = frame + Math.max(...parts.map((p) => p.length));
      frame++;
      continue;
    }
    if (frame < coveredUntil) {
      frame++;
      continue;
    }
    // A long quiet stretch: one time progression instead of a screen of dashes.
    let next = frame;
    while (next <= end && !frames.has(next)) next++;
    const gap = next - frame;
    if (gap > MAX_DASHES) {
      append(tokens.map(() => ` ${gap}ms `));
    } else {
      append(tokens.map(() => '-'.repeat(gap)));
    }
    frame = next;
  }
  return { lines, columnOf };
}

/** The token of one frame: `a`, `|`, or a group `(ab|)`. */
export function frameToken(chars: readonly string[]): string {
  return chars.length === 1 ? chars[0]! : `(${chars.join('')})`;
}

/**
 * A subscription window as a diagram: `^` at the subscribe frame, `!` at the unsubscribe
 * frame, dashes between; a window still open at the end has no `!`.
 */
export function renderSubscription(w: SubscriptionWindow): string {
  if (w.subscribedFrame === Infinity) return '';
  // Dashes, not spaces: run mode ignores spaces, so only dashes move `^` to its frame.
  const lead = '-'.repeat(w.subscribedFrame);
  if (w.unsubscribedFrame === Infinity) return `${lead}^`;
  if (w.unsubscribedFrame === w.subscribedFrame) return `${lead}(^!)`;
  return `${lead}^${'-'.repeat(Math.max(0, w.unsubscribedFrame - w.subscribedFrame - 1))}!`;
}
