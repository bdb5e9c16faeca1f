import { expect, it } from 'vitest';
import { sequenceSummary } from '../../src/cli/sequence-summary.ts';
import type { PhaseResult } from '../../src/sequencer/run-sequence.ts';

const phase = (reused: number, computed: number) =>
  ({
    sequence: 'parameter_sweep',
    reused,
    computed,
    extra: {},
    primary_metric: 'sharpe_ratio',
  }) as unknown as PhaseResult;

it('a sweep served entirely from the resume store says how to recompute it', () => {
  const lines = sequenceSummary(phase(23, 0));
  expect(lines[0]).toBe('combinations: 23 (0 computed, 23 reused from earlier runs)');
  expect(lines[1]).toContain('to recompute them, set resume: false in sequence:');
  expect(sequenceSummary(phase(20, 3))).toHaveLength(1);
});

it('Monte Carlo is in the summary, also when there was nothing to resample', () => {
  const mc = (extra: Record<string, unknown>) =>
    sequenceSummary({
      sequence: 'monte_carlo',
      reused: 0,
      computed: 0,
      extra: { monte_carlo: extra },
      primary_metric: 'sharpe_ratio',
    } as unknown as PhaseResult);
  expect(mc({ trades: 0, note: 'no trades to resample' })).toEqual([
    'monte carlo: nothing resampled: no trades to resample',
  ]);
  const full = mc({
    trades: 10,
    draws: 100,
    confidence: [0.05, 0.95],
    total_return: { ci_low: -0.1, ci_high: 0.1, p50: 0 },
    max_drawdown: { ci_low: 0.01, ci_high: 0.2, p50: 0.05 },
    probability_of_loss: 0.5,
  });
  expect(full[0]).toBe('monte carlo: 100 bootstrap draws of 10 trades, interval p5–p95');
});

it("a walk-forward with a Monte Carlo in every test window shows each window's probability of a loss", () => {
  const row = (index: number, loss: number | undefined) => ({
    index,
    test: {
      start: '2024-05-17T19:55:00.000Z',
      end: '2024-06-06T17:40:00.000Z',
      metrics: { sharpe_ratio: 0.5, total_return: 0.01 },
    },
    best: { strategy_id: 'sma_crossover_5_30' },
    ...(loss === undefined
      ? {}
      : { test_sequence: { type: 'monte_carlo', status: 'completed', monte_carlo: { probability_of_loss: loss } } }),
  });
  const wf = (rows: unknown[]) =>
    sequenceSummary({
      sequence: 'walk_forward',
      reused: 0,
      computed: 6,
      primary_metric: 'sharpe_ratio',
      extra: { walk_forward: { per_window: rows, out_of_sample: {} } },
    } as unknown as PhaseResult);
  const lines = wf([row(0, 0.25), row(1, 0.5)]);
  expect(lines[1]).toMatch(/ {2}return {2}mc P\(loss\)$/);
  expect(lines[2]).toMatch(/ 1\.00% {6}25\.00%$/);
  expect(lines[3]).toMatch(/50\.00%$/);
  // Without one, the table is as before.
  expect(wf([row(0, undefined)])[1]).toMatch(/ {2}return$/);
});
