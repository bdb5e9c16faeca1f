/**
 * Signal generation and replay of a cross-sectional rotation (examples/daily-rotation.yaml),
 * spawned for real: the store records each rebalance's target weights, and the replay of
 * that store writes a results folder byte-identical to the backtest's (trades.ndjson,
 * equity.ndjson, the book's, execution's and risk's results, the ranked metrics), for the
 * example as written, for score weights with a gross and a per-symbol cap, and for a
 * leveraged book whose weights exceed 1 (so the stored strength, clamped to 1, could not
 * carry them).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSignalStore } from '../../src/signals/read-store.ts';
import { SIGNAL_STORE_FORMAT } from '../../src/signals/store-format.ts';
import { sluice } from '../helpers/cli.ts';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { runPhase } from '../../src/sequencer/run-phase.ts';
import { openWorkflowSource } from '../../src/data/workflow-source.ts';
import { silent } from '../helpers/run.ts';

const EXAMPLE = 'examples/daily-rotation.yaml';

/** The one workflow folder a run wrote under `root`. */
function onlyDir(root: string): string {
  const dirs = readdirSync(root);
  expect(dirs).toHaveLength(1);
  return join(root, dirs[0]!);
}

/** The files of a phase folder that must be equal between a backtest and its replay. */
const SAME = [
  'trades.ndjson',
  'equity.ndjson',
  'containers/portfolio_rotation_results.json',
  'containers/execution_results.json',
  'containers/risk_results.json',
];

/**
 * Signal generation, backtest and replay of the example with `sets`; returns the phase
 * folders and the store.
 */
async function threeRuns(sets: readonly string[]) {
  const out = {
    signals: mkdtempSync(join(tmpdir(), 'sluice-rr-')),
    backtest: mkdtempSync(join(tmpdir(), 'sluice-rr-')),
    replay: mkdtempSync(join(tmpdir(), 'sluice-rr-')),
  };
  const common = [...sets.flatMap((s) => ['--set', s]), '--set', 'results.storage=disk'];
  const [generated, backtest] = await Promise.all([
    sluice(['run', EXAMPLE, ...common, '--set', 'topology=signal_generation', '--out', out.signals]),
    sluice(['run', EXAMPLE, ...common, '--out', out.backtest]),
  ]);
  expect(generated.code, generated.stderr).toBe(0);
  expect(backtest.code, backtest.stderr).toBe(0);
  const store = join(onlyDir(out.signals), 'signal_generation', 'signals');
  const replay = await sluice([
    'run',
    EXAMPLE,
    ...common,
    '--set',
    'topology=signal_replay',
    '--set',
    `replay.store=${store}`,
    '--out',
    out.replay,
  ]);
  expect(replay.code, replay.stderr).toBe(0);
  return {
    backtest: join(onlyDir(out.backtest), 'backtest'),
    replay: join(onlyDir(out.replay), 'signal_replay'),
    store,
    replayStdout: replay.stdout,
  };
}

function expectSameResults(backtest: string, replay: string): void {
  for (const file of SAME)
    expect(readFileSync(join(replay, file), 'utf8'), file).toBe(readFileSync(join(backtest, file), 'utf8'));
  const ranked = (dir: string) =>
    JSON.parse(readFileSync(join(dir, 'aggregate_results.json'), 'utf8')) as Record<string, unknown>;
  const { phase: _p, topology: _t, files: _f, ...expected } = ranked(backtest);
  const { phase: _q, topology: _u, files: _g, ...got } = ranked(replay);
  expect(got).toEqual(expected);
}

describe('rotation: signal generation and replay', () => {
  it('the example: the store holds every rebalance target; the replay equals the backtest byte for byte', async () => {
    const r = await threeRuns([]);
    expectSameResults(r.backtest, r.replay);
    const trades = readFileSync(join(r.backtest, 'trades.ndjson'), 'utf8').trim().split('\n');
    expect(trades).toHaveLength(262);
    expect(r.replayStdout).toContain('signals: 467 stored signals replayed');

    const { meta, signals } = await readSignalStore(r.store);
    expect(meta.format).toBe(SIGNAL_STORE_FORMAT);
    expect(signals).toHaveLength(467);
    // 198 rebalances; each names the symbols held before or after it, with their weights.
    const rebalances = new Map<number, typeof signals>();
    for (const s of signals) rebalances.set(s.ts, [...(rebalances.get(s.ts) ?? []), s]);
    expect(rebalances.size).toBe(198);
    for (const rows of rebalances.values()) {
      // Decided when YHOO's bar (the last of the three) was read: all rows carry its seq.
      expect(new Set(rows.map((x) => x.seq)).size).toBe(1);
      expect(rows.map((x) => x.symbol)).toEqual([...rows.map((x) => x.symbol)].sort());
      expect(rows.filter((x) => x.weight! > 0).map((x) => x.weight)).toEqual([0.475, 0.475]);
      for (const x of rows) expect(x.direction).toBe(x.weight! > 0 ? 1 : 0);
    }
    // Rows are in seq order, so a store grown by a later run merges them in place.
    for (let i = 1; i < signals.length; i++) expect(signals[i]!.seq).toBeGreaterThanOrEqual(signals[i - 1]!.seq);
  }, 180_000);

  it('score weights with a gross and a per-symbol cap: the replay equals the backtest byte for byte', async () => {
    const r = await threeRuns([
      'strategies[0].params.weights=score',
      'strategies[0].params.top_n=3',
      'strategies[0].params.gross_exposure=0.9',
      'strategies[0].params.max_weight=0.4',
    ]);
    expectSameResults(r.backtest, r.replay);
    const { signals } = await readSignalStore(r.store);
    const weights = signals.map((s) => s.weight!);
    expect(Math.max(...weights)).toBe(0.4);
    // Score weights below the cap: proportional to the scores, not a round fraction.
    expect(weights.some((w) => w > 0 && w < 0.4 && w !== 0.3)).toBe(true);
  }, 180_000);

  it('a leveraged book (weights above 1, margin account): the stored weight, not the clamped strength, is replayed', async () => {
    const r = await threeRuns([
      'portfolio.account=margin',
      'strategies[0].params.top_n=1',
      'strategies[0].params.gross_exposure=1.5',
      'strategies[0].params.max_weight=1.5',
    ]);
    expectSameResults(r.backtest, r.replay);
    const { signals } = await readSignalStore(r.store);
    const held = signals.filter((s) => s.weight! > 0);
    expect(held.length).toBeGreaterThan(10);
    for (const s of held) {
      expect(s.weight).toBe(1.5);
      expect(s.strength).toBe(1);
    }
  }, 180_000);

  it('missing bars: a timestamp some symbol lacks decides nothing in the replay either; trades, equity and metrics are identical', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-rr-missing-'));
    const days = Array.from({ length: 30 }, (_, i) => new Date(Date.UTC(2024, 0, 2 + i)).toISOString().slice(0, 10));
    // Prices that reorder the ranking often; BBB lacks every 7th day, CCC starts late.
    const csv = (f: (i: number) => number | null) =>
      [
        'timestamp,open,high,low,close,volume',
        ...days.flatMap((d, i) =>
          f(i) === null ? [] : [`${d},${f(i)!},${f(i)! + 1},${f(i)! - 1},${f(i)! + 0.5},1000`],
        ),
      ].join('\n') + '\n';
    writeFileSync(
      join(dir, 'AAA.csv'),
      csv((i) => 50 + 5 * Math.sin(i / 2)),
    );
    writeFileSync(
      join(dir, 'BBB.csv'),
      csv((i) => (i % 7 === 3 ? null : 40 + 6 * Math.cos(i / 3))),
    );
    writeFileSync(
      join(dir, 'CCC.csv'),
      csv((i) => (i < 4 ? null : 30 + i / 2)),
    );
    writeFileSync(
      join(dir, 'r.yaml'),
      `name: r
topology: backtest
data:
  sources:
    - { symbol: AAA, path: AAA.csv }
    - { symbol: BBB, path: BBB.csv }
    - { symbol: CCC, path: CCC.csv }
  timeframe: 1d
strategies:
  - type: rotation
    params: { rank_by: roc(2), top_n: 2, weights: score, rebalance: { every: 1 }, gross_exposure: 0.9 }
portfolio: { initial_cash: 10000, account: cash }
execution: { slippage_bps: 2, commission: { per_share: 0.01, minimum: 1 } }
results: { storage: memory }
`,
    );
    const run = async (sets: string[], phaseDir: string | null = null) => {
      const { wf, plan } = await loadWorkflow(join(dir, 'r.yaml'), { sets });
      const outcome = await runPhase({ wf, plan, source: openWorkflowSource(wf), phaseDir, logger: silent });
      expect(outcome.status, String(outcome.failure?.error)).toBe('completed');
      return outcome;
    };
    const backtest = await run([]);
    const generated = await run(['topology=signal_generation'], join(dir, 'gen'));
    expect(generated.containers.get('strategy_rotation')).toMatchObject({ incomplete_timestamps: 7 }); // days 0-3 (CCC), 10, 17, 24 (BBB);
    const replay = await run(['topology=signal_replay', `replay.store=${JSON.stringify(join(dir, 'gen', 'signals'))}`]);
    const books = (o: typeof backtest) =>
      o.books.map((b) => ({ trades: b.trades, equity: b.equity, metrics: b.metrics }));
    expect(backtest.books[0]!.trades!.length).toBeGreaterThan(5);
    expect(books(replay)).toEqual(books(backtest));
    expect(replay.containers.get('signals')).toMatchObject({ unmatched: 0 });
  }, 60_000);
});
