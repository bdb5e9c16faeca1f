/**
 * Issue 19: `sluice queue status` on a failed sweep said "0/8 jobs done failed 0": the
 * coordinator had removed the jobs, so the parent's dependency counts were all zero.
 * The line combines them with what the coordinator stored, and says how the sweep ended.
 */
import { describe, expect, it } from 'vitest';
import { flowLine, flowStatus } from '../../src/distributed/queue-progress.ts';

describe('queue status line', () => {
  it('a failed sweep whose jobs were removed: the stored counts and "sweep failed"', () => {
    const p = flowStatus(
      { processed: 0, unprocessed: 0, failed: 0 },
      { total: 8, done: 3, failed: 1, stalled: 0, elapsedMs: 1000, outcome: 'failed' },
      8,
      5000,
    );
    expect(flowLine(p)).toBe('3/8 jobs done  failed 1  stalled 0  sweep failed');
  });

  it('a running sweep: the live dependency counts when ahead of the stored snapshot', () => {
    const p = flowStatus(
      { processed: 4, unprocessed: 4, failed: 0 },
      { total: 8, done: 2, failed: 0, stalled: 1, elapsedMs: 1000 },
      8,
      4000,
    );
    expect(flowLine(p)).toBe('4/8 jobs done  failed 0  stalled 1  eta 0:04');
  });
});
