import type { LoadedWorkflow } from '../topology/loaded-workflow.ts';
import type { SequenceSettings, WalkForwardSequence } from '../config/schema/sequence.ts';
import { windowRange } from './data-range.ts';
import { walkForwardWindows, type Span } from './windows.ts';
import { readTimestamps } from '../data/workflow-source.ts';

const at = (ms: number): string => new Date(ms).toISOString().slice(0, 16);
const span = (s: Span): string => `${at(s.start)} → ${at(s.end)} (${s.to - s.from} bars)`;

/**
 * What a sequence will run over, for `sluice explain`: its `window` as bars and dates,
 * and for a walk-forward every train and test window, computed from the data's
 * timestamps exactly as the run computes them. Empty for a sequence that runs once over
 * all the data.
 */
export async function describeWindows(loaded: LoadedWorkflow, seq: SequenceSettings): Promise<string[]> {
  // The walk-forward kind's own settings (resolution checked them with its schema).
  const wfSeq = seq.type === 'walk_forward' ? (seq as WalkForwardSequence) : undefined;
  if (seq.window === undefined && wfSeq === undefined) return [];
  const ts = await readTimestamps(loaded.wf);
  if (ts.length === 0) return ['no bars in the data'];
  const range = windowRange(ts, seq.window);
  const lines: string[] = [];
  if (seq.window !== undefined)
    lines.push(
      `window: ${at(ts[range.from]!)} → ${at(ts[range.to - 1]!)} (rows ${range.from} to ${range.to - 1} of ${ts.length})`,
    );
  if (wfSeq !== undefined) {
    const windows = walkForwardWindows(ts.slice(range.from, range.to), {
      mode: wfSeq.mode,
      train: wfSeq.train,
      test: wfSeq.test,
      ...(wfSeq.step !== undefined ? { step: wfSeq.step } : {}),
      min_test_bars: wfSeq.min_test_bars,
    });
    lines.push(`${windows.length} walk-forward window${windows.length === 1 ? '' : 's'} (${wfSeq.mode}):`);
    for (const w of windows)
      lines.push(
        `  ${String(w.index).padStart(3)}  train ${span(w.train)}  test ${span(w.test)}${w.partial ? '  (partial)' : ''}`,
      );
  }
  return lines;
}
