/**
 * Sub-sequences: a walk-forward's `test_sequence` runs another sequence kind inside every
 * window's test step. A Monte Carlo there must give, window by window, exactly what a
 * Monte Carlo sequence run alone on that window with the chosen parameters gives.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { runWorkflow } from '../../src/coordinator/run-workflow.ts';
import { silent } from '../helpers/run.ts';
import { ManualClock } from '../../src/runtime/clock.ts';

const CONFIG = 'test/fixtures/configs/spy-small.yaml';
const GRID = [
  'strategies[0].params.fast_period=[5,10,20]',
  'strategies[0].params.slow_period=[30,60]',
  "data.end='2024-08-01'",
];
const MC = 'draws: 300, seed: 5, confidence: [0.1, 0.9]';

interface Row {
  index: number;
  test: { start: string; end: string; metrics: Record<string, number | null> };
  best: { parameters: { fast_period: number; slow_period: number } };
  test_sequence: {
    type: string;
    status: string;
    monte_carlo: Record<string, unknown> & { strategy_id: string; trades: number };
  };
}

describe('walk_forward with test_sequence: monte_carlo', () => {
  it("bootstraps every window's out-of-sample trades as a Monte Carlo run alone on that window does", async () => {
    const out = mkdtempSync(join(tmpdir(), 'sluice-subseq-'));
    // An explicit warm-up: `auto` depends on the strategies loaded (the whole grid here, one alone).
    const loaded = await loadWorkflow(CONFIG, {
      sets: [
        ...GRID,
        `sequence={type: walk_forward, train: 3000, test: 1500, warmup: 200, test_sequence: {type: monte_carlo, ${MC}}}`,
      ],
    });
    const wf = await runWorkflow(loaded, {
      logger: silent,
      outDir: out,
      clock: new ManualClock(Date.parse('2026-01-02T03:04:05.000Z')),
    });
    expect(wf.status).toBe('completed');
    const rows = wf.result.iterations as unknown as Row[];
    expect(rows.length).toBeGreaterThanOrEqual(2);
    // The last window's end is clipped to the last bar; the others name the bar after them.
    for (const row of rows.slice(0, -1)) {
      expect(row.test_sequence.type).toBe('monte_carlo');
      expect(row.test_sequence.status).toBe('completed');
      const { fast_period, slow_period } = row.best.parameters;
      const alone = await runWorkflow(
        await loadWorkflow(CONFIG, {
          sets: [
            "data.end='2024-08-01'",
            `strategies[0].params={fast_period: ${fast_period}, slow_period: ${slow_period}}`,
            `sequence={type: monte_carlo, ${MC}, warmup: 200, window: {from: '${row.test.start}', to: '${row.test.end}'}}`,
          ],
        }),
        { logger: silent, inMemory: true },
      );
      const mc = alone.result.extra['monte_carlo'] as Record<string, unknown>;
      const { strategy_id: _nestedId, ...nested } = row.test_sequence.monte_carlo;
      const { strategy_id: _aloneId, ...direct } = mc;
      expect(nested, `window ${row.index}`).toEqual(direct);
      // The same trades as the window's own test run, and the same metrics.
      expect(row.test_sequence.monte_carlo.trades).toBe(row.test.metrics['trade_count']);
      expect(alone.result.metrics['total_return']).toBeCloseTo(row.test.metrics['total_return']!, 12);
    }
    expect(rows.some((r) => r.test_sequence.monte_carlo.trades > 0)).toBe(true);
    // Written as the kind writes a phase, in the window's folder, and listed there.
    const windowSummary = JSON.parse(
      readFileSync(join(wf.dir!, wf.phase, 'windows', '0', 'phase_summary.json'), 'utf8'),
    ) as { files: string[]; test_sequence: unknown };
    expect(windowSummary.files).toContain('monte_carlo/');
    expect(windowSummary.test_sequence).toEqual(rows[0]!.test_sequence);
    expect(existsSync(join(wf.dir!, wf.phase, 'windows', '0', 'monte_carlo', 'phase_summary.json'))).toBe(true);
  }, 120_000);
});
