/**
 * `warmup: auto` with a lag inside an ensemble member's filter, on the bundled SPY 5m bars.
 * The member's filter `not (close <= prev(close, 150))` holds while its lag is not warm
 * (a comparison with NaN is false), so a window run whose warm-up is shorter than the lag
 * lets the member enter on bars where the warm filter refuses. Auto must count the
 * member's lag (2 × 150 bars, docs/sequences.md): the window's trades then equal those of
 * a run with a warm-up far longer than any lag, first trade included. (Counting only the
 * members' features, auto was 40 bars, and the window's first trade came at 16:30 UTC on
 * 2024-10-02, 3 h 20 min before the warm filter lets the member in.)
 */
import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { runWorkflow } from '../../src/coordinator/run-workflow.ts';
import { warmupBars } from '../../src/sequencer/data-range.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silent } from '../helpers/run.ts';

const CONFIG = 'test/fixtures/configs/spy-small.yaml';
const ENSEMBLE =
  "strategies=[{id: gated, type: ensemble, params: {rule: weighted_vote, threshold: 0.5}, members: [{type: sma_crossover, params: {fast_period: 5, slow_period: 20}, filter: 'not (close <= prev(close, 150))'}]}]";

async function windowTrades(warmup: number | 'auto') {
  const loaded = await loadWorkflow(CONFIG, {
    sets: [ENSEMBLE, `sequence={type: single_pass, window: {from: 0.5}, warmup: ${warmup}}`, 'results.storage=memory'],
  });
  const run = await runWorkflow(loaded, { logger: silent, outDir: mkdtempSync(join(tmpdir(), 'sluice-ens-warmup-')) });
  expect(run.status).toBe('completed');
  const book = run.outcome!.books[0]!;
  // seq numbers count the bars read, warm-up included: they differ with the warm-up.
  const trades = book.trades!.map((t) => Object.fromEntries(Object.entries(t).filter(([k]) => !/seq/i.test(k))));
  return { warmup: warmupBars(loaded, warmup), trades };
}

describe('warmup: auto and a lag inside an ensemble member filter (SPY 5m, second half)', () => {
  it("warms the member's filter up: the window's trades equal those of a 2,000-bar warm-up, the first one included", async () => {
    const [auto, long] = await Promise.all([windowTrades('auto'), windowTrades(2000)]);
    expect(auto.warmup).toBe(300);
    expect(long.trades.length).toBeGreaterThan(20);
    expect(auto.trades[0]).toEqual(long.trades[0]);
    expect(auto.trades).toEqual(long.trades);
  }, 120_000);
});
