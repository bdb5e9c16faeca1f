/**
 * A strategy's parameter sweep on SPY 5m run on the fused columnar path and on the
 * per-event graph (`execution.engine: per_event`), side by side in one process: wall
 * clock and CPU seconds of each, their ratio, and whether the two results folders are the
 * same bytes (workflow.json aside: run id, timestamps). For strategies without a kernel of
 * their own (bench/sweep.ts has the SMA crossover's), e.g. those whose columnar form runs
 * their per-bar logic over the chunk (src/domain/strategies/per-bar-columns.ts).
 *
 *   npm run bench:engines                               # rsi_threshold, 1,000 combinations
 *   npm run bench:engines -- --strategy bollinger_reversion --rounds 3
 *   npm run bench:engines -- --strategy sma_crossover --set risk.stop_loss_pct=0.5   # exit rules
 *   npm run bench:engines -- --strategy sma_crossover --case margin_calls             # a margin account
 *   npm run bench:engines -- --strategy sma_crossover --case volume                   # partial fills
 *   npm run bench:engines -- --strategy sma_crossover --case entries                  # limit entries
 *   npm run bench:engines -- --strategy sma_crossover --case futures                  # a futures contract
 *   npm run bench:engines -- --strategy sma_crossover --case close_exits              # exit rules, fill: close
 *   npm run bench:engines -- --strategy sma_crossover --case margin_calls --set execution.fill=close
 *
 * `--case` adds one of CASES' sets of overrides to both runs, after the bench's own; `--set`
 * (repeatable) adds a config override after those.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadWorkflow } from '../src/load/load-workflow.ts';
import { runWorkflow } from '../src/coordinator/run-workflow.ts';

/** Grids of about 1,000 combinations per strategy. */
const GRIDS: Record<string, string[]> = {
  sma_crossover: ['fast_period=range(2, 42, 1)', 'slow_period=range(50, 300, 10)'],
  rsi_threshold: ['period=range(2, 42, 1)', 'oversold=range(15, 40, 5)', 'overbought=range(60, 85, 5)'],
  bollinger_reversion: ['period=range(5, 105, 1)', 'stddev=range(1, 3, 0.2)'],
  donchian_breakout: ['period=range(10, 60, 1)', 'exit_period=range(5, 25, 1)'],
  macd_crossover: ['fast=range(4, 14, 1)', 'slow=range(20, 40, 2)', 'signal=range(3, 13, 1)'],
};

/**
 * Named sets of overrides (`--case`). `margin`: a margin account with short books, the
 * bench's fixed 100 shares (well within margin: no call fires). `margin_calls`: leveraged
 * books (192 % of equity, maintenance margin at the initial 52 %), whose margin calls fire
 * on a small adverse move, as in test/topology/fused-path.test.ts. `volume`: partial fills,
 * each fill at most 0.02 % of its bar's volume (SPY 5m trades 385,000 shares on the median
 * bar: 77 shares there, so most of the bench's 100-share orders fill in parts), short books.
 * `entries`: limit entries 5 bps better than the signal's close, expiring after 6 bars,
 * short books in a margin account (a cash account cannot sell short): every entry rests at
 * the broker (a reversal too: it opens the other side); only an order to flat is a market order.
 * `futures`: SPY as an index future (10 per point, 1,500 margin per contract), short books
 * of 10 contracts (15,000 margin, about 50,000 of notional, within the example's
 * `max_exposure: 1`), 2 per contract each side: a book's cash settles at every close it
 * holds a contract.
 * `close_exits`: `fill: close` with a stop loss, a trailing stop and `max_holding_bars` (the
 * time exit waits at execution for its bar's close), short books.
 */
const CASES: Record<string, string[]> = {
  margin: ['portfolio.account=margin', 'portfolio.allow_short=true'],
  margin_calls: [
    'portfolio.account=margin',
    'portfolio.margin={initial: 0.52, maintenance: 0.52, short_initial: 0.52, short_maintenance: 0.52, max_leverage: 2}',
    'portfolio.sizing={type: percent_equity, percent: 192}',
    'portfolio.insufficient_funds=resize',
    'risk.max_exposure=2',
    'portfolio.allow_short=true',
  ],
  volume: ['execution.max_volume_share=0.0002', 'portfolio.allow_short=true'],
  entries: [
    'portfolio.entry_order={type: limit, offset_bps: 5, expires_after_bars: 6}',
    'portfolio.account=margin',
    'portfolio.allow_short=true',
  ],
  futures: [
    'data.instrument={kind: future, multiplier: 10, margin: 1500}',
    'portfolio.sizing={type: fixed, quantity: 10}',
    'execution.commission={model: per_contract, per_contract: 2}',
    'portfolio.allow_short=true',
  ],
  close_exits: [
    'execution.fill=close',
    'risk.stop_loss_pct=0.5',
    'risk.trailing_stop_pct=0.8',
    'risk.max_holding_bars=24',
    'portfolio.allow_short=true',
  ],
};

const { values: args } = parseArgs({
  options: {
    strategy: { type: 'string', default: 'rsi_threshold' },
    case: { type: 'string' },
    rounds: { type: 'string', default: '1' },
    set: { type: 'string', multiple: true, default: [] },
  },
});
const strategy = args.strategy;
const caseSets = args.case === undefined ? [] : CASES[args.case];
if (caseSets === undefined) throw new Error(`no case ${args.case}; known: ${Object.keys(CASES).join(', ')}`);
const overrides = [...caseSets, ...args.set];
const grid = GRIDS[strategy];
if (grid === undefined) throw new Error(`no grid for ${strategy}; known: ${Object.keys(GRIDS).join(', ')}`);
const logger = pino({ level: 'silent' });
/** Output folders made, removed after each round. */
const outs: string[] = [];

/** Every file of a results folder but workflow.json, by relative path. */
function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== 'workflow.json') out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

async function sweep(engine: 'auto' | 'per_event'): Promise<{ wall: number; cpu: number; dir: string; n: number }> {
  const sets = [
    `strategies=[{type: ${strategy}}]`,
    ...grid!.map((g) => `strategies[0].params.${g}`),
    'sequence={type: parameter_sweep, shard_size: 250, resume: false}',
    'portfolio.sizing={type: fixed, quantity: 100}',
    `execution.engine=${engine}`,
    ...overrides,
  ];
  const loaded = await loadWorkflow('examples/spy-sma-crossover.yaml', { sets, logger });
  const out = mkdtempSync(join(tmpdir(), 'sluice-bench-engines-'));
  outs.push(out);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runWorkflow(loaded, { logger, outDir: out, progress: false });
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  if (r.status !== 'completed') throw new Error(`${engine}: ${r.status}`);
  return { wall, cpu: (c.user + c.system) / 1e6, dir: r.dir!, n: loaded.wf.strategies.length };
}

const rounds = Number(args.rounds);
for (let round = 0; round < rounds; round++) {
  const load = loadavg()[0]!.toFixed(2);
  const perEvent = await sweep('per_event');
  const fused = await sweep('auto');
  const a = files(perEvent.dir);
  const b = files(fused.dir);
  const identical = a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
  console.log(
    `${strategy}${args.case !== undefined ? ` --case ${args.case}` : ''}${args.set.length > 0 ? ` (${args.set.join(', ')})` : ''}, ${fused.n} combinations: per_event ${perEvent.wall.toFixed(2)} s (${perEvent.cpu.toFixed(2)} CPU-s), ` +
      `fused ${fused.wall.toFixed(2)} s (${fused.cpu.toFixed(2)} CPU-s), ratio ${(perEvent.wall / fused.wall).toFixed(1)}× wall, ` +
      `${(perEvent.cpu / fused.cpu).toFixed(1)}× CPU; identical: ${identical ? 'yes' : 'NO'}; load average ${load}`,
  );
  for (const out of outs.splice(0)) rmSync(out, { recursive: true, force: true });
  if (!identical) process.exitCode = 1;
}
