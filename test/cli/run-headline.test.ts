import { expect, it } from 'vitest';
import type { ResolvedWorkflow } from '../../src/config/resolved.ts';
import { runHeadline } from '../../src/cli/run-headline.ts';
import type { PhaseResult } from '../../src/sequencer/run-sequence.ts';

const wf = (symbols: string[], strategies: number) =>
  ({
    config: { name: 'w', results: { primaryMetric: 'sharpe_ratio' } },
    strategies: Array.from({ length: strategies }, () => ({})),
    sources: symbols.map((symbol) => ({ symbol, path: `${symbol}.csv`, format: 'csv' })),
  }) as unknown as ResolvedWorkflow;
const phase = (sequence: string, extra: Record<string, unknown> = {}) =>
  ({ sequence, extra }) as unknown as PhaseResult;

it('says bars of several symbols are across them', () => {
  expect(runHeadline(wf(['SPY', 'QQQ'], 1), phase('single_pass'), 512, 0)).toBe(
    'w: 512 bars across 2 symbols (SPY, QQQ), 1 strategy, primary metric sharpe_ratio',
  );
  expect(runHeadline(wf(['SPY'], 1), phase('single_pass'), 256, 0)).toBe(
    'w: 256 bars, 1 strategy, primary metric sharpe_ratio',
  );
});

it('a random search counts the combinations it sampled, not the grid', () => {
  expect(runHeadline(wf(['SPY'], 952), phase('parameter_sweep', { sweep: { combinations: 25 } }), 100, 0)).toBe(
    'w: 100 bars, 25 strategies (sampled from 952), primary metric sharpe_ratio, sequence parameter_sweep',
  );
});
