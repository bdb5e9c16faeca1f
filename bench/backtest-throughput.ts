/**
 * Backtest throughput: the full SMA-crossover backtest graph (data → features → strategy
 * → portfolio → risk → execution, fills fed back, metrics folded) over ≥ 1,000,000 bars,
 * side by side with a plain `for` loop doing the same arithmetic (same indicators, same
 * signals, same fills, same equity marks and metric fold) in the same process.
 *
 * The two must agree on the trade count and final equity — otherwise the comparison
 * would be between different work — and the bench fails if they do not.
 *
 *   npm run bench                 # 49 × SPY 5m ≈ 1.02 M bars, 5 rounds
 *   npm run bench -- --times 100 --rounds 3 --json bench-result.json
 *   npm run bench -- --record     # append this commit's figures to bench/history.ndjson
 *   npm run bench -- --engine per_event   # the per-event graph instead of the fused path
 *
 * Each run also measures the process's CPU time (user + system), and prints bars per
 * CPU-second and their ratio beside the wall-clock figures: on a shared machine the
 * wall clock of either side swings with the load, the CPU time much less.
 *
 * Across commits: every recorded run is a line of bench/history.ndjson; the bench prints
 * the last recorded commit's figures beside its own. Compare the slowdown ratios, which
 * the plain loop normalises for machine speed, rather than raw bars/s.
 *
 * Targets (issue #2): ≥ 1,000,000 bars/s through the graph on a 2-core machine, and within
 * 15× of the plain loop. Reported as ratios, never asserted as timings in tests.
 */
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pino from 'pino';
import { loadWorkflow } from '../src/load/load-workflow.ts';
import { runPhase } from '../src/sequencer/run-phase.ts';
import { repeatSource } from '../src/data/repeat-source.ts';
import { EquityStats } from '../src/domain/metrics/equity-stats.ts';
import { barsPerYear } from '../src/domain/metrics/timeframe.ts';
import { currentCommit, lastRecorded, record } from './history.ts';
import { loadSpyColumns } from './spy-columns.ts';

const { values: args } = parseArgs({
  options: {
    times: { type: 'string', default: '49' },
    rounds: { type: 'string', default: '5' },
    json: { type: 'string' },
    record: { type: 'boolean', default: false },
    // per_event: the graph event by event, as before the fused columnar path (to compare).
    engine: { type: 'string', default: 'auto' },
  },
});
const times = Number(args.times);
const rounds = Number(args.rounds);
const CONFIG = 'examples/spy-sma-crossover.yaml';

interface Outcome {
  bars: number;
  seconds: number;
  /** CPU time of the process during the run (user + system): what a loaded machine hides less. */
  cpuSeconds: number;
  trades: number;
  finalEquity: number;
  sharpe: number;
}

// Storage disk with no phase folder: the graph keeps no series and writes nothing, like
// the plain loop, which folds metrics but stores no curve. Same work on both sides.
const loaded = await loadWorkflow(CONFIG, { sets: ['results.storage=disk', `execution.engine=${args.engine}`] });
const cfg = loaded.wf.config;
const params = loaded.wf.strategies[0]!.params as { fast_period: number; slow_period: number };
const base = await loadSpyColumns();
const silent = pino({ level: 'silent' });

async function runGraph(): Promise<Outcome> {
  const source = repeatSource(base, times, { symbol: 'SPY' });
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const out = await runPhase({ wf: loaded.wf, plan: loaded.plan, source, phaseDir: null, logger: silent });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuSeconds = cpuSince(c0);
  if (out.status !== 'completed') throw new Error(`graph run ${out.status}: ${String(out.failure?.error)}`);
  const m = out.books[0]!.metrics;
  return {
    bars: out.bars,
    seconds,
    cpuSeconds,
    trades: m.trade_count,
    finalEquity: m.final_equity,
    sharpe: m.sharpe_ratio,
  };
}

/**
 * The same backtest as one loop over the same chunks: ring-buffer SMAs, sign of
 * fast − slow (held on equality), long-only target sized at percent of equity at the
 * signal bar's close, market order filled at the next bar's open with slippage and
 * commission, gross-exposure cap, equity marked at every close and folded with the same
 * EquityStats, positions closed at the last close.
 */
async function runPlainLoop(): Promise<Outcome> {
  const source = repeatSource(base, times, { symbol: 'SPY' });
  const { fast_period: fastN, slow_period: slowN } = params;
  const pct = cfg.portfolio.sizing.type === 'percent_equity' ? cfg.portfolio.sizing.percent : 0;
  const bps = cfg.execution.slippageBps;
  const commissionModel = cfg.execution.commission;
  if (commissionModel.model !== 'per_share') throw new Error('the plain loop models per_share commission only');
  const perShare = commissionModel.perShare;
  const minimum = commissionModel.minimum;
  const maxExposure = cfg.risk.maxExposure ?? Infinity;
  const stats = new EquityStats({
    initialEquity: cfg.portfolio.initialCash,
    barsPerYear: barsPerYear(cfg.data.timeframe, cfg.data.calendar),
    riskFreeRate: 0,
  });
  const fastBuf = new Float64Array(fastN);
  const slowBuf = new Float64Array(slowN);
  let fastSum = 0;
  let slowSum = 0;
  let n = 0;
  let direction = 0;
  let cash = cfg.portfolio.initialCash;
  let qty = 0;
  let avg = 0;
  let mark = Number.NaN;
  let pendingQty = 0;
  let trades = 0;
  let bars = 0;
  let lastTs = Number.NaN;
  const commission = (q: number) => Math.max(minimum, perShare * q);
  // Like the Sma indicator: re-sum the window each time the ring wraps (no drift).
  const resum = (buf: Float64Array) => {
    let t = 0;
    for (let i = 0; i < buf.length; i++) t += buf[i]!;
    return t;
  };
  const fill = (q: number, price: number) => {
    const c = commission(Math.abs(q));
    if (qty !== 0 && Math.sign(q) !== Math.sign(qty)) trades++;
    if (qty === 0 || Math.sign(q) === Math.sign(qty)) avg = (avg * qty + price * q) / (qty + q);
    cash -= q * price + c;
    qty += q;
  };
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for await (const c of source.chunks()) {
    for (let i = 0; i < c.length; i++) {
      const ts = c.ts[i]!;
      const open = c.open[i]!;
      const close = c.close[i]!;
      if (bars > 0) stats.push(lastTs, cash + qty * mark, qty !== 0);
      mark = close;
      if (pendingQty !== 0) {
        const price = pendingQty > 0 ? open * (1 + bps / 1e4) : open * (1 - bps / 1e4);
        fill(pendingQty, price);
        pendingQty = 0;
      }
      const k = n % slowN;
      slowSum += close - (n >= slowN ? slowBuf[k]! : 0);
      slowBuf[k] = close;
      if (k === slowN - 1) slowSum = resum(slowBuf);
      const j = n % fastN;
      fastSum += close - (n >= fastN ? fastBuf[j]! : 0);
      fastBuf[j] = close;
      if (j === fastN - 1) fastSum = resum(fastBuf);
      n++;
      if (n >= slowN) {
        const f = fastSum / fastN;
        const s = slowSum / slowN;
        const d = f > s ? 1 : f < s ? -1 : direction;
        if (d !== direction) {
          direction = d;
          const equity = cash + qty * mark;
          const target = d > 0 ? Math.floor((equity * pct) / 100 / close) : 0;
          let delta = target - qty;
          if (delta > 0 && (qty + delta) * close > maxExposure * equity)
            delta = Math.floor((maxExposure * equity) / close) - qty;
          pendingQty = delta;
        }
      }
      lastTs = ts;
      bars++;
    }
  }
  if (qty !== 0) fill(-qty, mark);
  stats.push(lastTs, cash + qty * mark, qty !== 0);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuSeconds = cpuSince(c0);
  const m = stats.result();
  return { bars, seconds, cpuSeconds, trades, finalEquity: m.final_equity, sharpe: m.sharpe_ratio };
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Warm up both paths once (JIT), then alternate rounds so drift affects both alike.
await runGraph();
await runPlainLoop();
const graph: Outcome[] = [];
const plain: Outcome[] = [];
for (let r = 0; r < rounds; r++) {
  graph.push(await runGraph());
  plain.push(await runPlainLoop());
}
const g = graph[0]!;
const p = plain[0]!;
const agree =
  g.bars === p.bars &&
  g.trades === p.trades &&
  Math.abs(g.finalEquity - p.finalEquity) <= 1e-6 * Math.abs(p.finalEquity);
const graphRate = g.bars / median(graph.map((o) => o.seconds));
const plainRate = p.bars / median(plain.map((o) => o.seconds));
const graphCpuRate = g.bars / median(graph.map((o) => o.cpuSeconds));
const plainCpuRate = p.bars / median(plain.map((o) => o.cpuSeconds));
const commit = currentCommit();
const result = {
  bench: 'backtest-throughput',
  commit,
  node: process.version,
  bars: g.bars,
  rounds,
  engine: args.engine,
  load_average: Number(loadavg()[0]!.toFixed(2)),
  graph_bars_per_second: Math.round(graphRate),
  plain_loop_bars_per_second: Math.round(plainRate),
  slowdown_vs_plain_loop: Number((plainRate / graphRate).toFixed(2)),
  graph_bars_per_cpu_second: Math.round(graphCpuRate),
  plain_loop_bars_per_cpu_second: Math.round(plainCpuRate),
  cpu_slowdown_vs_plain_loop: Number((plainCpuRate / graphCpuRate).toFixed(2)),
  trades: g.trades,
  final_equity_graph: g.finalEquity,
  final_equity_plain: p.finalEquity,
  results_agree: agree,
  targets: { graph_bars_per_second: 1_000_000, max_slowdown_vs_plain_loop: 15 },
};
console.log(
  [
    `backtest-throughput @ ${commit} (${process.version}), ${g.bars.toLocaleString('en-US')} bars, median of ${rounds}`,
    `  graph       ${Math.round(graphRate).toLocaleString('en-US').padStart(12)} bars/s`,
    `  plain loop  ${Math.round(plainRate).toLocaleString('en-US').padStart(12)} bars/s`,
    `  ratio       ${result.slowdown_vs_plain_loop}× slower than the plain loop (target ≤ 15×; graph target ≥ 1,000,000 bars/s)`,
    `  CPU time    graph ${Math.round(graphCpuRate).toLocaleString('en-US')}, plain loop ${Math.round(plainCpuRate).toLocaleString('en-US')} bars per CPU-second: ${result.cpu_slowdown_vs_plain_loop}× (load average ${result.load_average})`,
    `  agreement   trades ${g.trades} vs ${p.trades}, final equity ${g.finalEquity.toFixed(6)} vs ${p.finalEquity.toFixed(6)}: ${agree ? 'same' : 'DIFFERENT'}`,
  ].join('\n'),
);
const prev = lastRecorded('backtest-throughput') as typeof result | undefined;
if (prev !== undefined) {
  const change = ((prev.slowdown_vs_plain_loop - result.slowdown_vs_plain_loop) / prev.slowdown_vs_plain_loop) * 100;
  console.log(
    `  previous    @ ${prev.commit}: ${prev.graph_bars_per_second.toLocaleString('en-US')} bars/s, ${prev.slowdown_vs_plain_loop}× the plain loop` +
      ` → this run is ${Math.abs(change).toFixed(1)}% ${change >= 0 ? 'closer to' : 'further from'} the plain loop`,
  );
}
if (args.record) record(result);
if (args.json !== undefined) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
if (!agree) {
  console.error('the graph and the plain loop disagree: the comparison is void');
  process.exitCode = 1;
}
