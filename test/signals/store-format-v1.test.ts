/**
 * A signal store of format 1 (written before the `weight` column, kept in
 * test/fixtures/stores/v1-daily/ from test/fixtures/configs/replay/daily-v1.yaml): this
 * engine writes format 2 and still reads it, computes the same hashes for it (so it is
 * reused and replayed without --force), grows it with a rotation into a format 2 store
 * equal to a from-scratch one, and replays it to the backtest's trades.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { runWorkflow } from '../../src/coordinator/run-workflow.ts';
import { runPhase } from '../../src/sequencer/run-phase.ts';
import { openWorkflowSource } from '../../src/data/workflow-source.ts';
import { readSignalStore, readStoreMeta } from '../../src/signals/read-store.ts';
import { describeSignalRun } from '../../src/signals/store-identity.ts';
import { SIGNAL_STORE_FORMAT, SIGNAL_STORE_FORMAT_1 } from '../../src/signals/store-format.ts';
import { silent } from '../helpers/run.ts';

const CONFIG = 'test/fixtures/configs/replay/daily-v1.yaml';
const FIXTURE = 'test/fixtures/stores/v1-daily';
const STRATEGIES =
  '{type: sma_crossover, params: {fast_period: 10, slow_period: 50}}, {type: rsi_threshold, params: {period: 14, oversold: 30, overbought: 70}}';
const WITH_ROTATION = `strategies=[${STRATEGIES}, {type: rotation, params: {top_n: 2, rebalance: {every: 10}}}]`;

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `sluice-v1-${name}-`));
/** A copy of the fixture store: runs may write to it. */
function copyOfFixture(): string {
  const dir = tmp('store');
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}
const bytes = (dir: string) =>
  Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

async function generate(store: string, sets: string[] = []) {
  const loaded = await loadWorkflow(CONFIG, { sets: [`signals.store=${JSON.stringify(store)}`, ...sets] });
  return (await runWorkflow(loaded, { logger: silent, outDir: tmp('out') })).result;
}

describe('signal store format 1', () => {
  it('reads: every row, with weight null', async () => {
    const { meta, signals, regimes } = await readSignalStore(FIXTURE);
    expect(meta.format).toBe(SIGNAL_STORE_FORMAT_1);
    expect(signals).toHaveLength(620);
    expect(meta.files.signals.rows).toBe(620);
    expect(regimes).toHaveLength(0);
    expect(new Set(signals.map((s) => s.strategy_id))).toEqual(new Set(['sma_crossover', 'rsi_threshold']));
    expect(new Set(signals.map((s) => s.symbol))).toEqual(new Set(['NVDA', 'ORCL', 'YHOO']));
    for (const s of signals) expect(s.weight).toBeNull();
  });

  it('keeps its hashes: this engine computes the stored strategy hashes, data key and config hash', async () => {
    const meta = await readStoreMeta(FIXTURE);
    const run = await describeSignalRun((await loadWorkflow(CONFIG)).wf);
    expect(run.strategies.map((s) => [s.id, s.hash])).toEqual(meta.strategies.map((s) => [s.id, s.hash]));
    expect(run.dataKey).toBe(meta.data_key);
    expect(run.configHash).toBe(meta.config_hash);
  });

  it('is reused as it is, and grown by a rotation into a format 2 store equal to a from-scratch one', async () => {
    const store = copyOfFixture();
    const before = bytes(store);
    const again = await generate(store);
    expect([again.status, again.reused, again.computed]).toEqual(['completed', 2, 0]);
    expect(bytes(store)).toEqual(before);

    const grown = await generate(store, [WITH_ROTATION]);
    expect([grown.status, grown.reused, grown.computed]).toEqual(['completed', 2, 1]);
    const scratch = tmp('scratch');
    await generate(scratch, [WITH_ROTATION]);
    const a = await readSignalStore(store);
    const b = await readSignalStore(scratch);
    expect(a.meta.format).toBe(SIGNAL_STORE_FORMAT);
    expect(a.signals).toEqual(b.signals);
    expect(a.meta).toEqual(b.meta);
    expect(readFileSync(join(store, 'signals.parquet')).equals(readFileSync(join(scratch, 'signals.parquet')))).toBe(
      true,
    );
    // The stored direction rows are there as they were; the rotation's carry weights.
    const v1 = (await readSignalStore(FIXTURE)).signals;
    expect(a.signals.filter((s) => s.weight === null)).toEqual(v1);
    expect(a.signals.filter((s) => s.weight !== null).length).toBeGreaterThan(100);
  }, 60_000);

  it('replays without --force to the backtest of the same config, trade for trade', async () => {
    const store = copyOfFixture();
    const run = async (sets: string[]) => {
      const { wf, plan } = await loadWorkflow(CONFIG, { sets });
      const outcome = await runPhase({ wf, plan, source: openWorkflowSource(wf), phaseDir: null, logger: silent });
      expect(outcome.status, String(outcome.failure?.error)).toBe('completed');
      return outcome.books.map((b) => ({ key: b.key, trades: b.trades, equity: b.equity, metrics: b.metrics }));
    };
    const backtest = await run(['topology=backtest']);
    const replay = await run(['topology=signal_replay', `replay.store=${JSON.stringify(store)}`]);
    expect(backtest.map((b) => b.trades?.length)).toEqual([expect.any(Number), expect.any(Number)]);
    expect(backtest[0]!.trades!.length).toBeGreaterThan(50);
    expect(replay).toEqual(backtest);
  }, 60_000);
});
