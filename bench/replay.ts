/**
 * Replay speed (issue #4): N strategies × M portfolio/risk/execution variants over SPY 5m
 * (20,769 bars), run two ways side by side in one process:
 *
 * - full backtests: one backtest graph per variant (data → features → strategies →
 *   portfolios → risk → execution), every indicator recomputed each time; once with each
 *   run reading the CSV file (separate backtests), once with the bars read once and
 *   replayed from memory (the pure cost of indicators and strategies);
 * - replay: one signal_generation run writes the store, then one signal_replay graph per
 *   variant (data → signal source → portfolios → risk → execution), no indicator, the
 *   bars read once as a replay sweep (`replay_variants:`) does.
 *
 *   npm run bench:replay                         # 20 strategies × 10 variants
 *   npm run bench:replay -- --variants 20 --rounds 3
 *
 * Each side runs `rounds` times (after one warm-up round), alternating, and the best
 * round counts. Every (strategy, variant) book of the replay is checked against the
 * backtest's metrics and trades (bit-identical), so the speed is that of a run giving
 * the same answer. Nothing else is written to disk: the store goes to a temporary folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadWorkflow } from '../src/load/load-workflow.ts';
import { runPhase, type PhaseOutcome } from '../src/sequencer/run-phase.ts';
import { openWorkflowSource } from '../src/data/workflow-source.ts';
import { withVariant } from '../src/sequencer/replay-variants.ts';
import type { ResolvedWorkflow } from '../src/config/resolved.ts';
import type { GraphPlan } from '../src/topology/graph-plan.ts';
import type { BarSource } from '../src/data/bar-source.ts';
import { BarRecording } from '../src/data/recorded-source.ts';

const { values: args } = parseArgs({
  options: { variants: { type: 'string', default: '10' }, rounds: { type: 'string', default: '2' } },
});
const logger = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-replay-'));

// 20 strategies: a 10-combination SMA grid, 5 RSI thresholds, 5 Bollinger reversions.
const strategies = `strategies:
  - type: sma_crossover
    params: { fast_period: [5, 10, 15, 20, 25], slow_period: [50, 100] }
  - type: rsi_threshold
    params: { period: [7, 10, 14, 21, 28] }
  - type: bollinger_reversion
    params: { period: [10, 20, 30, 40, 50] }
`;
const data = `data:\n  symbol: SPY\n  path: ${resolve('examples/data/SPY_5m.csv')}\n  timeframe: 5m\n  calendar: us_equity\n`;
// Cost and sizing variants: commission × slippage × sizing, plus exits on some.
const all = [
  { name: 'pct95_c5_s1' },
  { name: 'pct50_c5_s1', portfolio: { sizing: { percent: 50 } } },
  { name: 'fixed100', portfolio: { sizing: { type: 'fixed', quantity: 100 } } },
  { name: 'c10_s5', execution: { slippage_bps: 5, commission: { per_share: 0.01, minimum: 1 } } },
  { name: 'flat_fee', execution: { commission: { model: 'fixed', per_order: 1 } } },
  { name: 'spread', execution: { slippage_bps: 0, slippage: { model: 'spread', spread_bps: 4 } } },
  { name: 'stop1', risk: { stop_loss_pct: 1 } },
  { name: 'eod', risk: { close_eod: true } },
  { name: 'limit_entry', portfolio: { entry_order: { type: 'limit', offset_bps: 3, expires_after_bars: 3 } } },
  { name: 'short', portfolio: { allow_short: true } },
  { name: 'pct25', portfolio: { sizing: { percent: 25 } } },
  { name: 'tp2_sl1', risk: { stop_loss_pct: 1, take_profit_pct: 2 } },
  { name: 'trail', risk: { trailing_stop_pct: 1 } },
  { name: 'hold50', risk: { max_holding_bars: 50 } },
  { name: 'c2_s2', execution: { slippage_bps: 2, commission: { per_share: 0.002 } } },
  { name: 'short_eod', portfolio: { allow_short: true }, risk: { close_eod: true } },
  { name: 'fixed50', portfolio: { sizing: { type: 'fixed', quantity: 50 } } },
  { name: 'zero_cost', execution: { slippage_bps: 0, commission: { per_share: 0, minimum: 0 } } },
  { name: 'dd10', risk: { max_drawdown_pct: 10 } },
  { name: 'limit_short', portfolio: { allow_short: true, entry_order: { type: 'limit', offset_bps: 2 } } },
];
const variants = all.slice(0, Number(args.variants));
const base = `portfolio:\n  sizing: { type: percent_equity, percent: 95 }\nrisk:\n  max_exposure: 1.0\nexecution:\n  slippage_bps: 1\n  commission: { per_share: 0.005, minimum: 1.0 }\n`;
const backtestFile = join(dir, 'backtest.yaml');
writeFileSync(backtestFile, `name: bench_backtest\n${data}${strategies}${base}`);
const replayFile = join(dir, 'replay.yaml');
writeFileSync(
  replayFile,
  `name: bench_replay\ntopology: signal_replay\nreplay: { store: store }\n${data}${base}replay_variants: ${JSON.stringify(variants)}\n`,
);

const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const out = await fn();
  return [out, (performance.now() - t0) / 1000];
};
const runOne = async (
  wf: ResolvedWorkflow,
  plan: GraphPlan,
  source: BarSource,
  phaseDir: string | null = null,
): Promise<PhaseOutcome> => {
  const o = await runPhase({ wf, plan, source, phaseDir, logger });
  if (o.status !== 'completed') throw new Error(`${wf.topology.name} ${o.status}: ${String(o.failure?.error)}`);
  return o;
};

// The signal store: one signal_generation run.
const [, generation] = await time(async () => {
  const g = await loadWorkflow(backtestFile, { overlay: { topology: 'signal_generation' } });
  return runOne(g.wf, g.plan, openWorkflowSource(g.wf), join(dir, 'store'));
});
const backtest = await loadWorkflow(backtestFile);
const [replay, replayLoad] = await time(() => loadWorkflow(replayFile));
const resolved = replay.wf.replay!.variants!;
const n = backtest.wf.strategies.length;

/**
 * Every variant as its own graph. `cached`: bars read from the file once and replayed from
 * memory for the other variants (what a replay sweep does); otherwise each run reads the file.
 */
const sweep = async (loaded: typeof backtest, cached: boolean): Promise<PhaseOutcome[]> => {
  const bars = new BarRecording(() => openWorkflowSource(loaded.wf));
  const out: PhaseOutcome[] = [];
  for (const v of resolved) {
    const wf = withVariant(loaded.wf, v);
    out.push(await runOne(wf, loaded.plan, cached ? bars.source() : openWorkflowSource(wf)));
  }
  return out;
};

const best = { full: Infinity, fullCached: Infinity, replay: Infinity };
let fullOut: PhaseOutcome[] = [];
let replayOut: PhaseOutcome[] = [];
for (let round = 0; round <= Number(args.rounds); round++) {
  const [f, tf] = await time(() => sweep(backtest, false));
  const [, tfc] = await time(() => sweep(backtest, true));
  const [r, tr] = await time(() => sweep(replay, true));
  if (round === 0) continue; // warm-up
  best.full = Math.min(best.full, tf);
  best.fullCached = Math.min(best.fullCached, tfc);
  best.replay = Math.min(best.replay, tr);
  fullOut = f;
  replayOut = r;
}

// Parity: every book of every variant, trades and metrics bit-identical.
let books = 0;
let trades = 0;
for (let v = 0; v < resolved.length; v++) {
  for (const b of fullOut[v]!.books) {
    const r = replayOut[v]!.books.find((x) => x.key === b.key);
    const same =
      r !== undefined &&
      JSON.stringify(b.metrics) === JSON.stringify(r.metrics) &&
      JSON.stringify(b.trades) === JSON.stringify(r.trades);
    if (!same) throw new Error(`parity broken: ${b.key} in variant ${resolved[v]!.name}`);
    books++;
    trades += b.trades?.length ?? 0;
  }
}
rmSync(dir, { recursive: true, force: true });

const bars = fullOut[0]!.bars;
const fmt = (x: number, d = 2) => x.toFixed(d);
const per = (s: number) =>
  `${fmt(s)} s (${fmt((s / resolved.length) * 1000, 0)} ms per variant, ${fmt((books * bars) / s / 1e6)} M book-bars/s)`;
const rows = [
  [
    'configurations',
    `${n} strategies × ${resolved.length} variants = ${books} books, ${bars} bars each, ${trades} trades`,
  ],
  ['full backtests, each reading the CSV', per(best.full)],
  ['full backtests, bars read once', per(best.fullCached)],
  ['signal generation (once)', `${fmt(generation)} s; store read + checked at load ${fmt(replayLoad * 1000, 0)} ms`],
  ['replay sweep (bars read once)', per(best.replay)],
  [
    'speed-up vs backtests reading the CSV',
    `${fmt(best.full / best.replay)}× (${fmt(best.full / (best.replay + generation + replayLoad))}× counting generation + load)`,
  ],
  ['speed-up vs backtests, bars read once', `${fmt(best.fullCached / best.replay)}× (indicators and strategies only)`],
  ['parity', `all ${books} books: trades and metrics bit-identical`],
];
const w = Math.max(...rows.map((r) => r[0]!.length));
for (const [k, v] of rows) console.log(`${k!.padEnd(w)}  ${v}`);
