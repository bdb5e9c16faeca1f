import type { FrameMessage } from './marble-frames.ts';
import type { ExpectedStream } from './marble-spec.ts';
import type { FrameDiff, NoteAt, StreamResult } from './marble-result.ts';
import { describeActual, describeExpected, valueMatches, type ExpectedValue } from './value-match.ts';

/** What an expected diagram's value characters carry into the comparison. */
export interface ExpectedToken {
  readonly char: string;
  readonly value: ExpectedValue;
}

/** What an expected diagram's `#` carries: text the error's message must contain. */
export interface ExpectedErrorToken {
  readonly text: string | undefined;
}

/** The message of whatever was thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function group<T>(messages: readonly FrameMessage<T>[]): Map<number, FrameMessage<T>[]> {
  const out = new Map<number, FrameMessage<T>[]>();
  for (const m of messages) {
    const list = out.get(m.frame);
    if (list === undefined) out.set(m.frame, [m]);
    else list.push(m);
  }
  return out;
}

function matches(actual: FrameMessage, expected: FrameMessage<ExpectedToken>, tolerance: number): boolean {
  if (actual.kind !== expected.kind) return false;
  if (actual.kind === 'N') return valueMatches(actual.value, expected.value!.value, tolerance);
  if (actual.kind === 'E') {
    const text = (expected.error as ExpectedErrorToken | undefined)?.text;
    return text === undefined || errorMessage(actual.error).includes(text);
  }
  return true;
}

function describeExpectedMessage(m: FrameMessage<ExpectedToken>): string {
  if (m.kind === 'N') return describeExpected(m.value!.value);
  if (m.kind === 'C') return 'complete';
  const text = (m.error as ExpectedErrorToken | undefined)?.text;
  return text === undefined ? 'an error' : `an error containing ${JSON.stringify(text)}`;
}

function describeActualMessage(m: FrameMessage, like: FrameMessage<ExpectedToken> | undefined): string {
  if (m.kind === 'N') return describeActual(m.value, like?.kind === 'N' ? like.value!.value : undefined);
  if (m.kind === 'C') return 'complete';
  return `error ${JSON.stringify(errorMessage(m.error))}`;
}

/**
 * Compares one output stream frame by frame. A frame matches when it has the same
 * notifications in the same order, each value matching its expected partial value (numbers
 * within the tolerance), each error containing the expected text. Actual values are given
 * the character of the expected value they match (at their frame first, else any value
 * the stream's diagram uses), so the actual diagram reads in the spec's own letters: a
 * signal one bar early shows as its letter one frame early.
 */
export function compareStream(
  stream: ExpectedStream,
  expected: readonly FrameMessage<ExpectedToken>[],
  actual: readonly FrameMessage[],
  tolerance: number,
): StreamResult {
  const e = group(expected);
  const a = group(actual);
  const frames = [...new Set([...e.keys(), ...a.keys()])].sort((x, y) => x - y);
  const diffs: FrameDiff[] = [];
  const actualNotes: NoteAt[] = [];
  for (const frame of frames) {
    const exp = e.get(frame) ?? [];
    const act = a.get(frame) ?? [];
    const same = exp.length === act.length && act.every((m, i) => matches(m, exp[i]!, tolerance));
    if (!same) {
      diffs.push({
        frame,
        expected: exp.map(describeExpectedMessage),
        actual: act.map((m, i) => describeActualMessage(m, exp[i])),
      });
    }
    act.forEach((m, i) => {
      actualNotes.push({
        frame,
        kind: m.kind,
        char: charOf(m, exp[i], stream, tolerance),
        text: describeActualMessage(m, exp[i]),
      });
    });
  }
  const expectedNotes: NoteAt[] = expected.map((m) => ({
    frame: m.frame,
    kind: m.kind,
    char: m.kind === 'N' ? m.value!.char : m.kind === 'E' ? '#' : '|',
    text: describeExpectedMessage(m),
  }));
  return { name: stream.name, pass: diffs.length === 0, expected: expectedNotes, actual: actualNotes, diffs };
}

function charOf(
  m: FrameMessage,
  counterpart: FrameMessage<ExpectedToken> | undefined,
  stream: ExpectedStream,
  tolerance: number,
): string {
  if (m.kind === 'E') return '#';
  if (m.kind === 'C') return '|';
  if (counterpart?.kind === 'N' && valueMatches(m.value, counterpart.value!.value, tolerance))
    return counterpart.value!.char;
  for (const [char, value] of stream.table) if (valueMatches(m.value, value, tolerance)) return char;
  return '?';
}
