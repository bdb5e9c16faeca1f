/**
 * Property: whatever the data window, strategy parameters and portfolio / risk /
 * execution settings, replaying the signals a signal_generation run stored gives the
 * backtest's trades and metrics exactly (fast-check draws the cases; SPY 5m windows of a
 * few thousand bars keep each case fast).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadWorkflow, type LoadWorkflowOptions } from '../../src/load/load-workflow.ts';
import { runPhase, type PhaseOutcome } from '../../src/sequencer/run-phase.ts';
import { openWorkflowSource } from '../../src/data/workflow-source.ts';
import { silent } from '../helpers/run.ts';

const BACKTEST = 'test/fixtures/configs/replay/parity.yaml';
const REPLAY = 'test/fixtures/configs/replay/replay.yaml';

async function run(file: string, opts: LoadWorkflowOptions, phaseDir: string | null = null): Promise<PhaseOutcome> {
  const { wf, plan } = await loadWorkflow(file, opts);
  return runPhase({ wf, plan, source: openWorkflowSource(wf), phaseDir, logger: silent });
}

const day = (d: number) => new Date(Date.UTC(2024, 3, 1) + d * 86_400_000).toISOString().slice(0, 10);

const cases = fc
  .record({
    start: fc.integer({ min: 0, max: 300 }),
    days: fc.integer({ min: 15, max: 40 }),
    fast: fc.integer({ min: 2, max: 15 }),
    slow: fc.integer({ min: 20, max: 60 }),
    rsi: fc.integer({ min: 5, max: 20 }),
    short: fc.boolean(),
    entry: fc.constantFrom(
      '{type: market}',
      '{type: limit, offset_bps: 3}',
      '{type: stop, offset_bps: 2, expires_after_bars: 2}',
    ),
    fill: fc.constantFrom('next_open', 'close'),
    stop: fc.option(fc.constantFrom(0.3, 1, 2), { nil: undefined }),
    eod: fc.boolean(),
    volumeShare: fc.option(fc.constantFrom(0.001, 0.01), { nil: undefined }),
  })
  // Left out: fill: close with close_eod fails in the backtest itself (the session-close
  // exit is sent from the book's BAR handler, before execution has seen that bar, and the
  // broker refuses a fill: close order for a bar it has not seen); replay fails the same way.
  .filter((c) => !(c.fill === 'close' && c.eod));

describe('signal replay parity, property', () => {
  it('replay equals the backtest for random windows, parameters and settings', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const strategies = `strategies=[{type: sma_crossover, params: {fast_period: ${c.fast}, slow_period: ${c.slow}}}, {type: rsi_threshold, params: {period: ${c.rsi}}}]`;
        const data = [`data.start=${day(c.start)}`, `data.end=${day(c.start + c.days)}`];
        const settings = [
          `portfolio.allow_short=${c.short}`,
          // Shares are sold short only in a margin account.
          `portfolio.account=${c.short ? 'margin' : 'cash'}`,
          `portfolio.entry_order=${c.entry}`,
          `execution.fill=${c.fill}`,
          ...(c.stop !== undefined ? [`risk.stop_loss_pct=${c.stop}`] : []),
          ...(c.eod ? ['risk.close_eod=true'] : []),
          ...(c.volumeShare !== undefined ? [`execution.max_volume_share=${c.volumeShare}`] : []),
        ];
        const dir = mkdtempSync(join(tmpdir(), 'sluice-replay-prop-'));
        const gen = await run(BACKTEST, { sets: [strategies, ...data, 'topology=signal_generation'] }, dir);
        expect(gen.status).toBe('completed');
        const backtest = await run(BACKTEST, { sets: [strategies, ...data, ...settings] });
        const replay = await run(REPLAY, { sets: [...data, ...settings], overlay: { replay: { store: dir } } });
        expect(backtest.status, String(backtest.failure?.error)).toBe('completed');
        expect(replay.status, String(replay.failure?.error)).toBe('completed');
        expect(replay.books.map((b) => b.key)).toEqual(backtest.books.map((b) => b.key));
        backtest.books.forEach((b, i) => {
          const r = replay.books[i]!;
          expect(r.trades).toStrictEqual(b.trades);
          expect(r.equity).toStrictEqual(b.equity);
          expect(r.metrics).toStrictEqual(b.metrics);
        });
      }),
      { numRuns: 12, seed: 4 },
    );
  }, 120_000);
});
