/**
 * Signal replay parity (issue #4): for the same data and config, replaying a stored signal
 * set through portfolio → risk → execution gives the full backtest's trades bit for bit.
 *
 * One signal store is generated from test/fixtures/configs/replay/parity.yaml (six
 * strategies on SPY 5m: an SMA-crossover grid of 3, RSI thresholds with short signals, a
 * filtered SMA crossover, Bollinger reversion). Then, for several portfolio / risk /
 * execution settings applied alike to both, the backtest of parity.yaml and the replay of
 * replay.yaml (no `strategies:`, every stored strategy a book) are run and compared:
 * every trade field by field (ids included: the same events happen in the same order, so
 * the run-wide signal, order and trade counters agree), every equity point, every metric,
 * final equity and the book's counters, all with Object.is (bit-identical numbers).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWorkflow, type LoadWorkflowOptions } from '../../src/load/load-workflow.ts';
import { runPhase, type BookResult, type PhaseOutcome } from '../../src/sequencer/run-phase.ts';
import { openWorkflowSource } from '../../src/data/workflow-source.ts';
import { silent } from '../helpers/run.ts';

const DIR = 'test/fixtures/configs/replay';
const BACKTEST = join(DIR, 'parity.yaml');
const REPLAY = join(DIR, 'replay.yaml');

async function run(file: string, opts: LoadWorkflowOptions, phaseDir: string | null = null): Promise<PhaseOutcome> {
  const { wf, plan } = await loadWorkflow(file, opts);
  const outcome = await runPhase({ wf, plan, source: openWorkflowSource(wf), phaseDir, logger: silent });
  expect(outcome.status, String(outcome.failure?.error)).toBe('completed');
  return outcome;
}

/** Deep equality with Object.is at the leaves: numbers must be bit-identical (NaN equals NaN, 0 is not -0). */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return differingFields(a, b).length === 0;
}

/** Field names whose values differ between two records (deeply, see {@link same}). */
function differingFields(a: object, b: object): string[] {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  return [...keys].filter((k) => !same(ra[k], rb[k]));
}

/** Every difference between two books, as readable lines (empty when identical). */
function bookDifferences(a: BookResult, b: BookResult, ignore: readonly string[] = []): string[] {
  const out: string[] = [];
  const trades = [a.trades ?? [], b.trades ?? []] as const;
  if (trades[0].length !== trades[1].length) out.push(`${a.key}: ${trades[0].length} trades vs ${trades[1].length}`);
  trades[0].forEach((t, i) => {
    const u = trades[1][i];
    if (u === undefined) return;
    const d = differingFields(t, u).filter((k) => !ignore.includes(k));
    if (d.length > 0)
      out.push(
        `${a.key} trade ${i}: ${d.map((k) => `${k} ${String((t as unknown as Record<string, unknown>)[k])} vs ${String((u as unknown as Record<string, unknown>)[k])}`).join(', ')}`,
      );
  });
  const equity = [a.equity ?? [], b.equity ?? []] as const;
  if (equity[0].length !== equity[1].length)
    out.push(`${a.key}: ${equity[0].length} equity points vs ${equity[1].length}`);
  equity[0].forEach((p, i) => {
    const q = equity[1][i];
    if (q !== undefined && differingFields(p, q).length > 0)
      out.push(`${a.key} equity point ${i}: ${JSON.stringify(p)} vs ${JSON.stringify(q)}`);
  });
  const m = differingFields(a.metrics, b.metrics);
  if (m.length > 0) out.push(`${a.key} metrics: ${m.join(', ')}`);
  return out;
}

/** Portfolio, risk and execution settings, applied alike to the backtest and the replay. */
const SCENARIOS: Record<string, readonly string[]> = {
  'market entries, long only (the config as written)': [],
  'stop-loss, session close, limit entries, short selling': [
    'portfolio.allow_short=true',
    'portfolio.account=margin',
    'portfolio.entry_order={type: limit, offset_bps: 5, expires_after_bars: 3}',
    'risk.stop_loss_pct=0.5',
    'risk.close_eod=true',
  ],
  'ATR sizing (a feature of the book), volume limits shared by the books, tiered costs': [
    'portfolio.allow_short=true',
    'portfolio.account=margin',
    'portfolio.sizing={type: atr_risk, risk_percent: 1, atr_period: 14}',
    'execution.max_volume_share=0.02',
    'execution.slippage_bps=0',
    'execution.slippage={model: volume_share, impact_bps: 1000, cap_bps: 50}',
    'execution.commission={model: tiered, tiers: [{up_to_shares: 100000, per_share: 0.0035}, {per_share: 0.002}], minimum: 0.35}',
    'risk.take_profit_pct=1',
    'risk.max_holding_bars=200',
  ],
  'futures (margin, variation settled per bar, per-contract commission), long and short, margin account resizing': [
    'data.instrument={kind: future, multiplier: 5, margin: 2500}',
    'execution.commission={model: per_contract, per_contract: 1.5}',
    'portfolio.allow_short=true',
    'portfolio.account=margin',
    'portfolio.insufficient_funds=resize',
  ],
};

describe('signal replay reproduces the full backtest', () => {
  const phaseDir = mkdtempSync(join(tmpdir(), 'sluice-replay-'));
  let generation: PhaseOutcome;

  beforeAll(async () => {
    generation = await run(BACKTEST, { overlay: { topology: 'signal_generation' } }, phaseDir);
  }, 60_000);

  it('writes a store with every strategy of the config', () => {
    const sink = generation.containers.get('signals');
    expect(sink?.['signal_rows']).toBeGreaterThan(1000);
    expect(Object.keys(sink?.['per_strategy'] as object).sort()).toEqual([
      'bollinger_reversion',
      'rsi_threshold',
      'sma_crossover_10_50',
      'sma_crossover_20_50',
      'sma_crossover_5_50',
      'sma_filtered',
    ]);
  });

  for (const [name, sets] of Object.entries(SCENARIOS)) {
    it(`${name}: trades, equity, metrics and book counters are identical`, async () => {
      const backtest = await run(BACKTEST, { sets: [...sets] });
      const replay = await run(REPLAY, { sets: [...sets], overlay: { replay: { store: phaseDir } } });

      // The replay ran no strategy and computed no strategy indicator.
      const kinds = [...replay.containers.values()].map((c) => c['role']);
      expect(kinds).not.toContain('strategy');
      const features = replay.containers.get('features')!;
      expect((features['features'] as string[]).every((f) => f.startsWith('atr('))).toBe(true);

      expect(replay.books.map((b) => b.key)).toEqual(backtest.books.map((b) => b.key));
      expect(replay.bars).toBe(backtest.bars);
      const differences = backtest.books.flatMap((b, i) => bookDifferences(b, replay.books[i]!));
      expect(differences).toEqual([]);
      for (const b of backtest.books) {
        expect(b.trades!.length, b.key).toBeGreaterThan(10);
        // Final equity, cash, commissions and every counter of the book (orders, fills, exits…).
        const [p, q] = [backtest.containers.get(`portfolio_${b.key}`)!, replay.containers.get(`portfolio_${b.key}`)!];
        expect(differingFields(p, q), b.key).toEqual([]);
        // Every signal the strategy emitted was replayed.
        const stored = (replay.containers.get('signals')!['per_strategy'] as Record<string, number>)[b.key];
        expect(stored, b.key).toBe(backtest.containers.get(`strategy_${b.key}`)!['signals']);
      }
      expect(replay.containers.get('signals')!['unmatched']).toBe(0);
      expect(differingFields(backtest.containers.get('execution')!, replay.containers.get('execution')!)).toEqual([]);
      expect(differingFields(backtest.containers.get('risk')!, replay.containers.get('risk')!)).toEqual([]);

      // The settings were in force: their exits and order types happened.
      const reasons = new Set(backtest.books.flatMap((b) => b.trades!.map((t) => t.exitReason)));
      if (sets.includes('risk.stop_loss_pct=0.5')) {
        expect(reasons).toContain('stop_loss');
        expect(reasons).toContain('close_eod');
        expect(backtest.books.some((b) => b.trades!.some((t) => t.direction === 'short'))).toBe(true);
        expect(
          (backtest.containers.get('execution')!['ended_unfilled'] as Record<string, number>)['expired'],
        ).toBeGreaterThan(0);
      }
      if (sets.includes('risk.take_profit_pct=1')) {
        expect(reasons).toContain('take_profit');
        expect(backtest.containers.get('execution')!['partial_fills']).toBeGreaterThan(0);
      }
    }, 60_000);
  }

  it('an ensemble gated by classifier regimes, replayed from its own config (topology: signal_replay)', async () => {
    // The config keeps strategies: and classifiers:, so each book is checked against the
    // store by its hash (type, params, filter, the classifiers it reads); no classifier runs.
    const file = 'examples/spy-ensemble.yaml';
    const dir = mkdtempSync(join(tmpdir(), 'sluice-replay-'));
    await run(file, { sets: ['topology=signal_generation'] }, dir);
    const backtest = await run(file, {});
    const replay = await run(file, { sets: ['topology=signal_replay'], overlay: { replay: { store: dir } } });
    expect([...replay.containers.keys()]).toEqual([
      'data',
      'features',
      'signals',
      'portfolio_trend_vote',
      'risk',
      'execution',
    ]);
    expect(backtest.books[0]!.trades!.length).toBeGreaterThan(100);
    expect(bookDifferences(backtest.books[0]!, replay.books[0]!)).toEqual([]);
  }, 60_000);

  it('replays a subset chosen by strategies: with the same trades; only the run-wide trade ids differ', async () => {
    // parity.yaml with only the grid entry: the books sma_crossover_{5,10,20}_50 (same ids as in the store).
    const sets = ['strategies=[{type: sma_crossover, params: {fast_period: [5, 10, 20], slow_period: 50}}]'];
    const full = await run(BACKTEST, {});
    const subset = await run(BACKTEST, {
      sets: [...sets, 'topology=signal_replay'],
      overlay: { replay: { store: phaseDir } },
    });
    expect(subset.books.map((b) => b.key)).toEqual([
      'sma_crossover_5_50',
      'sma_crossover_10_50',
      'sma_crossover_20_50',
    ]);
    for (const b of subset.books) {
      const f = full.books.find((x) => x.key === b.key)!;
      // Trade ids count the trades of all books of a run, so with fewer books they differ;
      // everything else (times, prices, quantities, P&L, reasons) is identical.
      expect(bookDifferences(f, b, ['tradeId'])).toEqual([]);
    }
    expect(subset.books[0]!.trades!.map((t) => t.tradeId)).not.toEqual(full.books[0]!.trades!.map((t) => t.tradeId));
  }, 60_000);
});
