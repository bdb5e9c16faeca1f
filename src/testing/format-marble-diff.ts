import { alignMarbles, frameToken, renderSubscription, type SubscriptionWindow } from './marble-frames.ts';
import type { LifecycleResult, MarbleResult, NoteAt, StreamResult, SubscriptionResult } from './marble-result.ts';

/** Differing frames listed per stream before the rest are summarised. */
const MAX_FRAMES_LISTED = 8;

const LABEL = { expected: '    expected  ', actual: '    actual    ' };

/**
 * Renders what failed in a marble run, for a terminal or a test report:
 *
 * ```text
 *   signals
 *     expected  -------L---S-|
 *     actual    -----L-----S-|
 *                    ^ frame 5
 *     frame 5: expected nothing, got SIGNAL {direction: 1, strength: 0.04, price: 12}
 *     frame 7: expected SIGNAL {direction: 1}, got nothing
 * ```
 *
 * Expected and actual diagrams are drawn on one time axis (a column per frame), the caret
 * marks the first differing frame, and every differing frame's values follow. Actual
 * values are drawn with the spec's own characters where a value-table entry describes
 * them, `?` otherwise. Subscription windows, lifecycle actions and failures that do not
 * match follow the streams. Returns '' for a result that passed.
 */
export function formatMarbleDiff(result: MarbleResult): string {
  const blocks: string[] = [];
  for (const s of result.streams) if (!s.pass) blocks.push(streamBlock(s));
  for (const s of result.subscriptions) if (!s.pass) blocks.push(subscriptionBlock(s));
  for (const l of result.lifecycle) if (!l.pass) blocks.push(lifecycleBlock(l));
  if (!result.failure.pass) blocks.push(failureBlock(result));
  return blocks.join('\n');
}

/** One line for a passing spec (`✓ name`), or that line with `✗` and the diff. */
export function formatMarbleResult(result: MarbleResult): string {
  if (result.pass) return `✓ ${result.name}`;
  return `✗ ${result.name}\n${formatMarbleDiff(result)}`;
}

function tokensOf(notes: readonly NoteAt[]): Map<number, string> {
  const chars = new Map<number, string[]>();
  for (const n of notes) {
    const list = chars.get(n.frame);
    if (list === undefined) chars.set(n.frame, [n.char]);
    else list.push(n.char);
  }
  return new Map([...chars].map(([f, c]) => [f, frameToken(c)]));
}

function streamBlock(s: StreamResult): string {
  const exp = tokensOf(s.expected);
  const act = tokensOf(s.actual);
  const end = Math.max(0, ...exp.keys(), ...act.keys());
  const { lines, columnOf } = alignMarbles([exp, act], end);
  const first = s.diffs[0]!;
  const caret = `${' '.repeat(LABEL.expected.length + (columnOf.get(first.frame) ?? 0))}^ frame ${first.frame}`;
  const out = [
    `  ${s.name}`,
    `${LABEL.expected}${lines[0]!}`.trimEnd(),
    `${LABEL.actual}${lines[1]!}`.trimEnd(),
    caret,
  ];
  for (const d of s.diffs.slice(0, MAX_FRAMES_LISTED)) {
    out.push(`    frame ${d.frame}: expected ${listed(d.expected)}, got ${listed(d.actual)}`);
  }
  if (s.diffs.length > MAX_FRAMES_LISTED)
    out.push(`    … and ${s.diffs.length - MAX_FRAMES_LISTED} more differing frames`);
  return out.join('\n');
}

function listed(items: readonly string[]): string {
  return items.length === 0 ? 'nothing' : items.join(' then ');
}

function subscriptionBlock(s: SubscriptionResult): string {
  const out = [`  subscriptions of ${s.input}`];
  const draw = (w: readonly SubscriptionWindow[]): string[] =>
    w.length === 0 ? ['(none)'] : w.map(renderSubscription);
  draw(s.expected).forEach((line) => out.push(`${LABEL.expected}${line}`));
  draw(s.actual).forEach((line) => out.push(`${LABEL.actual}${line}`));
  const frame = firstDifference(s.expected, s.actual);
  if (frame !== undefined) out.push(`${' '.repeat(LABEL.expected.length + frame)}^ frame ${frame}`);
  const what = (w: SubscriptionWindow | undefined): string =>
    w === undefined
      ? 'no subscription'
      : `subscribed at frame ${w.subscribedFrame}, ${w.unsubscribedFrame === Infinity ? 'never unsubscribed' : `unsubscribed at frame ${w.unsubscribedFrame}`}`;
  const n = Math.max(s.expected.length, s.actual.length);
  for (let i = 0; i < n; i++) {
    const e = s.expected[i];
    const a = s.actual[i];
    if (e?.subscribedFrame === a?.subscribedFrame && e?.unsubscribedFrame === a?.unsubscribedFrame) continue;
    out.push(`    expected ${what(e)}; got ${what(a)}`);
  }
  return out.join('\n');
}

/** The first frame at which two lists of windows disagree, if it is a finite frame. */
function firstDifference(e: readonly SubscriptionWindow[], a: readonly SubscriptionWindow[]): number | undefined {
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    const x = e[i];
    const y = a[i];
    if (x === undefined || y === undefined) {
      const w = (x ?? y)!;
      return w.subscribedFrame;
    }
    if (x.subscribedFrame !== y.subscribedFrame) return Math.min(x.subscribedFrame, y.subscribedFrame);
    if (x.unsubscribedFrame !== y.unsubscribedFrame) {
      const f = Math.min(x.unsubscribedFrame, y.unsubscribedFrame);
      return Number.isFinite(f) ? f : undefined;
    }
  }
  return undefined;
}

function lifecycleBlock(l: LifecycleResult): string {
  const at = (frames: readonly number[]): string =>
    frames.length === 0 ? '' : frames.length === 1 ? ` at frame ${frames[0]!}` : ` at frames ${frames.join(', ')}`;
  const expected = `${at(l.expected.frame === undefined ? [] : [l.expected.frame])}: ${l.expected.order.join(', ')}`;
  const actual = l.actual.order.length === 0 ? ': never' : `${at(l.actual.frames)}: ${l.actual.order.join(', ')}`;
  return [`  lifecycle ${l.action}`, `    expected${expected}`, `    got${actual}`].join('\n');
}

function failureBlock(r: MarbleResult): string {
  const f = r.failure;
  const a = f.actual;
  const got =
    a === undefined
      ? 'no failure'
      : `an error${a.container === undefined ? ' from an input' : ` in '${a.container}'`} at frame ${a.frame}: ${JSON.stringify(a.message)}`;
  return [`  failure`, `    ${f.reason ?? 'mismatch'}`, `    got ${got}`].join('\n');
}
