import type { SubscriptionWindow } from './marble-frames.ts';
import type { ExpectedFailure } from './marble-spec.ts';
import type { LifecycleActionName, LifecycleExpectation } from './marble-spec-schema.ts';

/**
 * The outcome of running one marble spec: pass or fail, and for every expected stream,
 * subscription, lifecycle action and failure what was expected and what happened, frame
 * by frame. Plain data: `formatMarbleDiff` renders it, tests inspect it.
 */
export interface MarbleResult {
  readonly name: string;
  readonly file: string;
  readonly description: string;
  readonly pass: boolean;
  readonly streams: readonly StreamResult[];
  readonly subscriptions: readonly SubscriptionResult[];
  readonly lifecycle: readonly LifecycleResult[];
  readonly failure: FailureResult;
}

/** One notification as the diff shows it. */
export interface NoteAt {
  readonly frame: number;
  readonly kind: 'N' | 'E' | 'C';
  /** Its character in a diagram: the value-table character, `#`, `|`, or `?` for a value no table entry describes. */
  readonly char: string;
  /** The value in words: `SIGNAL {direction: 1}`, `complete`, `error "…"`. */
  readonly text: string;
}

/** A frame where expected and actual differ. */
export interface FrameDiff {
  readonly frame: number;
  /** Descriptions of the expected notifications at this frame (empty: nothing). */
  readonly expected: readonly string[];
  readonly actual: readonly string[];
}

/** One expected output stream compared with what the subject emitted. */
export interface StreamResult {
  readonly name: string;
  readonly pass: boolean;
  readonly expected: readonly NoteAt[];
  readonly actual: readonly NoteAt[];
  /** Differing frames in time order; the first is the one the caret marks. */
  readonly diffs: readonly FrameDiff[];
}

/** Expected subscription windows of one input compared with the actual ones. */
export interface SubscriptionResult {
  readonly input: string;
  readonly pass: boolean;
  readonly expected: readonly SubscriptionWindow[];
  readonly actual: readonly SubscriptionWindow[];
}

/** When one lifecycle action happened and to which containers. */
export interface LifecycleResult {
  readonly action: LifecycleActionName;
  readonly pass: boolean;
  readonly expected: LifecycleExpectation;
  readonly actual: { readonly frames: readonly number[]; readonly order: readonly string[] };
}

/** A failure that happened during the run. */
export interface ActualFailure {
  readonly container: string | undefined;
  readonly message: string;
  readonly frame: number;
}

/** The expected failure (or none) compared with what happened. */
export interface FailureResult {
  readonly pass: boolean;
  readonly expected: ExpectedFailure | undefined;
  readonly actual: ActualFailure | undefined;
  /** Why it does not pass, in words. */
  readonly reason: string | undefined;
}
