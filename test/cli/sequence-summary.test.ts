import { expect, it } from 'vitest';
import { sequenceSummary } from '../../src/cli/sequence-summary.ts';
import type { PhaseResult } from '../../src/sequencer/run-sequence.ts';

const phase = (reused: number, computed: number) => ({ sequence: 'parameter_sweep', reused, computed, extra: {}, primary_metric: 'sharpe_ratio' }) as unknown as PhaseResult;

it('a sweep served entirely from the resume store says how to recompute it', () => {
  const lines = sequenceSummary(phase(23, 0));
  expect(lines[0]).toBe('combinations: 23 (0 computed, 23 reused from earlier runs)');
  expect(lines[1]).toContain('to recompute them, set resume: false in sequence:');
  expect(sequenceSummary(phase(20, 3))).toHaveLength(1);
});
