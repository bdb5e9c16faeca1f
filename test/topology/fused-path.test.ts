/**
 * The fused columnar path (src/containers/fused-books.ts, src/domain/columnar) against the
 * per-event graph: the same config run both ways must give the same bytes in every
 * results file, the same book metrics, trades and equity points and the same container
 * results, on real SPY 5m bars: every eligible example, single passes with other sizing,
 * slippage, commission, risk and storage settings, chunk boundaries everywhere
 * (chunk_size 1), warm-up windows (`start`/`end`/trade_from) cut across chunks, a sweep
 * grid, and a walk-forward run through the CLI.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import type { ResolvedWorkflow } from '../../src/config/resolved.ts';
import type { GraphPlan } from '../../src/topology/graph-plan.ts';
import { fusedIneligibility } from '../../src/topology/fused-graph.ts';
import { runPhase, type PhaseOutcome } from '../../src/sequencer/run-phase.ts';
import { runWorkflow } from '../../src/coordinator/run-workflow.ts';
import { openWorkflowSource } from '../../src/data/workflow-source.ts';
import { resultFiles, resultsDir } from '../helpers/results.ts';
import { sluice } from '../helpers/cli.ts';
import { silent } from '../helpers/run.ts';
import { defineStrategy } from '../../src/domain/define.ts';

const EXAMPLE = 'examples/spy-sma-crossover.yaml';
const temp = (): string => mkdtempSync(join(tmpdir(), 'sluice-fused-'));

function withEngine(wf: ResolvedWorkflow, engine: 'auto' | 'per_event'): ResolvedWorkflow {
  return { ...wf, config: { ...wf.config, execution: { ...wf.config.execution, engine } } };
}

/** One phase run with `engine`, writing its series under a fresh folder. */
async function runWith(
  wf: ResolvedWorkflow,
  plan: GraphPlan,
  engine: 'auto' | 'per_event',
): Promise<{ outcome: PhaseOutcome; dir: string }> {
  const dir = temp();
  const w = withEngine(wf, engine);
  const outcome = await runPhase({ wf: w, plan, source: openWorkflowSource(w), phaseDir: dir, logger: silent });
  expect(outcome.status, String(outcome.failure?.error)).toBe('completed');
  return { outcome, dir };
}

/** Everything a phase's outcome hands on, as text: books (metrics, trades, equity) and container results. */
function outcomeText(o: PhaseOutcome): string {
  return JSON.stringify({
    bars: o.bars,
    books: o.books,
    containers: [...o.containers],
    files: o.files,
    annualization: o.annualization,
  });
}

/** Runs `wf` both ways and expects the same results; returns the fused outcome. */
async function expectSame(wf: ResolvedWorkflow, plan: GraphPlan): Promise<PhaseOutcome> {
  expect(fusedIneligibility(wf)).toBeUndefined();
  const perEvent = await runWith(wf, plan, 'per_event');
  const fused = await runWith(wf, plan, 'auto');
  expect(perEvent.outcome.engine).toBe('per_event');
  expect(fused.outcome.engine).toBe('fused');
  expect(outcomeText(fused.outcome)).toBe(outcomeText(perEvent.outcome));
  expect(resultFiles(fused.dir)).toEqual(resultFiles(perEvent.dir));
  return fused.outcome;
}

async function load(sets: string[], file = EXAMPLE) {
  return loadWorkflow(file, { sets, logger: silent });
}

/**
 * A config (`sets` over `file`) run as a whole workflow per event and then on the fused
 * path (which must take it), each to completion: both results folders' files. `check`
 * looks at each load first.
 */
async function runBothWays(
  sets: readonly string[],
  file = EXAMPLE,
  check: (wf: ResolvedWorkflow) => void = () => undefined,
): Promise<{ perEvent: Map<string, string>; fused: Map<string, string> }> {
  const dirs: string[] = [];
  for (const engine of ['per_event', 'auto'] as const) {
    const l = await load([...sets, `execution.engine=${engine}`], file);
    check(l.wf);
    if (engine === 'auto') expect(fusedIneligibility(l.wf)).toBeUndefined();
    const r = await runWorkflow(l, { logger: silent, outDir: temp(), progress: false });
    expect(r.status).toBe('completed');
    dirs.push(r.dir!);
  }
  return { perEvent: resultFiles(dirs[0]!), fused: resultFiles(dirs[1]!) };
}

describe('fused path: same results as the per-event graph', () => {
  it('every example config the fused path can run gives the same results folder', async () => {
    const files = readdirSync('examples').filter((f) => f.endsWith('.yaml') && !f.includes('live'));
    const eligible: string[] = [];
    for (const f of files) {
      const file = `examples/${f}`;
      const loaded = await loadWorkflow(file, { logger: silent }).catch(() => undefined);
      if (loaded === undefined || fusedIneligibility(loaded.wf) !== undefined) continue;
      eligible.push(f);
      const dirs = await Promise.all(
        (['per_event', 'auto'] as const).map(async (engine) => {
          const l = await loadWorkflow(file, { sets: [`execution.engine=${engine}`], logger: silent });
          const out = temp();
          const r = await runWorkflow(l, { logger: silent, outDir: out, progress: false });
          expect(r.status).toBe('completed');
          return r.dir!;
        }),
      );
      expect(resultFiles(dirs[1]!), file).toEqual(resultFiles(dirs[0]!));
    }
    // With classifiers: the ensemble example and the plugin example (a plugin classifier).
    // A future: the backtrader sample's daily index future.
    expect(eligible).toEqual(
      expect.arrayContaining(['spy-ensemble.yaml', 'spy-plugin-strategy.yaml', 'futures-sma-cross.yaml']),
    );
  });

  it.each([
    ['the example, memory storage', []],
    [
      'disk storage, one equity point in 7 (rows in the graph order)',
      ['results.storage=disk', 'results.equity_every=7'],
    ],
    ['hybrid storage', ['results.storage=hybrid', 'results.hybrid_max_points=500']],
    ['chunks of one bar: every order waits across a chunk boundary', ['data.chunk_size=1', 'results.storage=disk']],
    [
      'short books, fixed size, volume-share slippage, percent commission with a maximum',
      [
        'data.chunk_size=1000',
        'portfolio.allow_short=true',
        'portfolio.sizing={type: fixed, quantity: 150}',
        'execution.slippage_bps=0',
        'execution.slippage={model: volume_share, impact_bps: 50, cap_bps: 5}',
        'execution.commission={per_share: 0.01, percent: 0.02, minimum: 1, maximum: 3}',
      ],
    ],
    [
      'risk resizes and rejects (notes), funds resized',
      [
        'portfolio.sizing={type: percent_equity, percent: 150}',
        'portfolio.insufficient_funds=resize',
        'risk.max_position_pct=60',
        'portfolio.allow_short=true',
      ],
    ],
    [
      'funds rejected, no close at end',
      ['portfolio.sizing={type: percent_equity, percent: 120}', 'portfolio.close_at_end=false'],
    ],
    [
      'tiered commission, spread slippage',
      [
        'execution.slippage_bps=0',
        'execution.slippage={model: spread, spread_bps: 4}',
        'execution.commission={model: tiered, tiers: [{up_to_shares: 20000, per_share: 0.0035}, {per_share: 0.002}], minimum: 0.35}',
      ],
    ],
    [
      'fixed commission per order, several strategies (ema crossover with trigger cross)',
      [
        'execution.commission={model: fixed, per_order: 2}',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: ema_crossover, params: {fast_period: 8, slow_period: 40, trigger: cross}}, {type: sma_crossover, params: {fast_period: 3, slow_period: 12, trigger: cross}}]',
      ],
    ],
    ['fill at the close of the signal bar', ['execution.fill=close', 'results.storage=disk']],
    [
      'fill at the close, short books, several strategies, chunks of one bar, funds resized',
      [
        'execution.fill=close',
        'data.chunk_size=1',
        'portfolio.allow_short=true',
        'portfolio.sizing={type: percent_equity, percent: 150}',
        'portfolio.insufficient_funds=resize',
        'execution.commission={model: fixed, per_order: 2}',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}, {type: bollinger_reversion}]',
      ],
    ],
  ])('%s', async (_name, sets) => {
    const { wf, plan } = await load(sets);
    const fused = await expectSame(wf, plan);
    expect(fused.books.every((b) => Number(b.metrics['trade_count']) > 0)).toBe(true);
  });

  // Every built-in single-symbol strategy with a columnar form (its own per-bar logic over
  // the chunk's columns, src/domain/strategies/per-bar-columns.ts, or a written one), at
  // its default params, long and short, chunks cut at an odd length.
  it.each([
    ['sma_crossover', '{}'],
    ['ema_crossover', '{trigger: cross}'],
    ['macd_crossover', '{}'],
    ['macd_crossover', '{trigger: cross}'],
    ['adx_trend', '{}'],
    ['supertrend_trend', '{}'],
    ['psar_trend', '{}'],
    ['aroon_trend', '{}'],
    ['donchian_breakout', '{}'],
    ['keltner_breakout', '{}'],
    ['rsi_threshold', '{}'],
    ['rsi_bands', '{}'],
    ['bollinger_reversion', '{}'],
    ['stochastic_reversion', '{}'],
    ['williams_r_reversion', '{}'],
    ['cci_reversion', '{}'],
    ['vwap_deviation', '{}'],
    ['zscore_reversion', '{}'],
    ['roc_momentum', '{}'],
    ['momentum_sign', '{}'],
    ['trix_momentum', '{}'],
    ['atr_channel_breakout', '{}'],
  ])('strategy %s %s', async (type, params) => {
    const { wf, plan } = await load([
      `strategies=[{type: ${type}, params: ${params}}]`,
      'portfolio.allow_short=true',
      'data.chunk_size=997',
      'results.storage=disk',
    ]);
    const fused = await expectSame(wf, plan);
    expect(Number(fused.books[0]!.metrics['trade_count'])).toBeGreaterThan(0);
  });

  // The risk block's exit rules: the books' exit rules and the simulated broker run on the
  // fused path too (src/domain/columnar/fused-exit-flow.ts). Each row checks the rule
  // fired often (its exit reason on many trades) and, where it rests orders, that
  // cancels and OCO notices were counted.
  //
  // Two things FusedExitFlow does as the containers do cannot change any result of what
  // runs fused today (cash account, shares, whole fills), so no row here fails without them
  // (both mutations were applied, and every row of this file passed):
  // - marking the book at the bar's close when a fill is booked (`toBook`). That mark is
  //   read only by the orders the fill's exit rules send at once, the protective stop and
  //   take-profit for the whole position, whose `equity` and `grossExposure` risk reads
  //   only for the part of an order that opens or adds (checkOrder), which a reduce-only
  //   order for the position never has; their buying power is the book's cash in a cash
  //   account. Every other read of the book's equity marks it first (at the signal's
  //   close, at the bar's close for the exit rules, at the bar before for the snapshot
  //   the drawdown halt reads, at the last close at the end), and the equity curve is
  //   cash + position × close from the loop's own columns. For a future (a fill settles the
  //   variation at the mark) the flow marks every book it visits at the bar's close before
  //   the broker's fills, so this mark finds the book marked already: removing it fails no
  //   futures row either (tried). Margin accounts run
  //   fused since; marking at the open was tried again with their rows here and none
  //   failed: the protective orders are reduce-only there too, so their buying power (from
  //   equity in a margin account) is never read. With fill: close a fill booked while the
  //   books see a bar (a margin call, a drawdown halt, the warm-up's last signals, filled at
  //   the bar before's close) finds the book marked at the bar before's close; marking it at
  //   this bar's close instead was tried with the fill: close rows, and none failed, for the
  //   same reason (what such a fill sends at once is its position's protective orders).
  // - the trampoline for the broker's events. The only events the broker sends while a
  //   book handles one are the notices of the protective orders that book's exit rules
  //   cancel in `onFill` (a fill never comes back synchronously: new stops and limits rest
  //   until a later bar, and no market order is sent while a fill is delivered).
  //   Delivered at once, such a notice deletes a resting id `unprotect` deleted already and
  //   forgets an order that was never tracked (protective orders are not pending and
  //   reserve nothing); its counters are sums. It would count once a notice could send an
  //   order or change what is pending (partial fills, max_volume_share: per event).
  it.each([
    ['stop_loss_pct', ['risk.stop_loss_pct=0.3'], ['stop_loss'], 0],
    [
      'stop_loss_pct and take_profit_pct (OCO), short books, several strategies, chunks of 97, risk resizes',
      [
        'risk.stop_loss_pct=0.4',
        'risk.take_profit_pct=0.5',
        'risk.max_position_pct=60',
        'portfolio.sizing={type: percent_equity, percent: 80}',
        'portfolio.allow_short=true',
        'data.chunk_size=97',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}, {type: bollinger_reversion}]',
      ],
      ['stop_loss', 'take_profit'],
      1,
    ],
    [
      'trailing_stop_pct with stop_loss_pct, short books, chunks of one bar',
      [
        'risk.trailing_stop_pct=0.4',
        'risk.stop_loss_pct=0.25',
        'portfolio.allow_short=true',
        'data.chunk_size=1',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}]',
      ],
      ['trailing_stop', 'stop_loss'],
      0,
    ],
    [
      'max_holding_bars, short books, with a stop loss, chunks of 997',
      [
        'risk.max_holding_bars=12',
        'risk.stop_loss_pct=0.5',
        'portfolio.allow_short=true',
        'data.chunk_size=997',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}]',
      ],
      ['max_holding', 'stop_loss'],
      0,
    ],
    [
      'close_eod with a stop loss (the walk-forward examples), short books, entries refused at the close',
      [
        'risk.close_eod=true',
        'risk.stop_loss_pct=0.3',
        'portfolio.allow_short=true',
        'data.chunk_size=997',
        'strategies=[{type: sma_crossover, params: {fast_period: 5, slow_period: 20}}, {type: rsi_threshold}]',
      ],
      ['close_eod', 'stop_loss'],
      0,
    ],
    [
      'max_drawdown_pct with a stop loss: books halt, signals refused, a sweep of fast periods',
      [
        'risk.max_drawdown_pct=0.5',
        'risk.stop_loss_pct=0.3',
        'portfolio.allow_short=true',
        'portfolio.sizing={type: percent_equity, percent: 100}',
        'data.chunk_size=997',
        'strategies[0].params.fast_period=range(2, 22, 1)',
        'strategies[0].params.slow_period=40',
      ],
      [],
      0,
    ],
    // With fill: close (issue #16), as the execution container does (its desk,
    // src/domain/execution/execution-desk.ts): a time exit decided at a bar's close waits
    // for the broker to see that bar and fills at its close; a signal's order fills at once
    // at its bar's close, a stop or take-profit rests from the fill's bar on.
    [
      'fill: close, stop_loss_pct and take_profit_pct (OCO), short books, several strategies, chunks of 97',
      [
        'execution.fill=close',
        'risk.stop_loss_pct=0.4',
        'risk.take_profit_pct=0.5',
        'risk.max_position_pct=60',
        'portfolio.sizing={type: percent_equity, percent: 80}',
        'portfolio.allow_short=true',
        'data.chunk_size=97',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}, {type: bollinger_reversion}]',
      ],
      ['stop_loss', 'take_profit'],
      1,
    ],
    [
      'fill: close, trailing_stop_pct with stop_loss_pct, short books, chunks of one bar',
      [
        'execution.fill=close',
        'risk.trailing_stop_pct=0.4',
        'risk.stop_loss_pct=0.25',
        'portfolio.allow_short=true',
        'data.chunk_size=1',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}]',
      ],
      ['trailing_stop', 'stop_loss'],
      0,
    ],
    [
      'fill: close, max_holding_bars with a stop loss, short books, chunks of 997',
      [
        'execution.fill=close',
        'risk.max_holding_bars=12',
        'risk.stop_loss_pct=0.5',
        'portfolio.allow_short=true',
        'data.chunk_size=997',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}]',
      ],
      ['max_holding', 'stop_loss'],
      0,
    ],
    [
      'fill: close, close_eod with a stop loss, short books, entries refused at the close',
      [
        'execution.fill=close',
        'risk.close_eod=true',
        'risk.stop_loss_pct=0.3',
        'portfolio.allow_short=true',
        'data.chunk_size=997',
        'strategies=[{type: sma_crossover, params: {fast_period: 5, slow_period: 20}}, {type: rsi_threshold}]',
      ],
      ['close_eod', 'stop_loss'],
      0,
    ],
    [
      'fill: close, max_drawdown_pct with a stop loss: books halt, a sweep of fast periods',
      [
        'execution.fill=close',
        'risk.max_drawdown_pct=0.5',
        'risk.stop_loss_pct=0.3',
        'portfolio.allow_short=true',
        'portfolio.sizing={type: percent_equity, percent: 100}',
        'data.chunk_size=997',
        'strategies[0].params.fast_period=range(2, 22, 1)',
        'strategies[0].params.slow_period=40',
      ],
      [],
      0,
    ],
  ] as const)('exit rules: %s', async (_name, sets, reasons, ocoMin) => {
    const { wf, plan } = await load([...sets]);
    const fused = await expectSame(wf, plan);
    const trades = fused.books.flatMap((b) => b.trades ?? []);
    for (const reason of reasons) expect(trades.filter((t) => t.exitReason === reason).length).toBeGreaterThan(20);
    if (sets.some((s) => s.startsWith('risk.max_drawdown_pct'))) {
      // Some books halt (a drawdown_halt exit each), and refuse signals afterwards.
      const exits = [...fused.containers.values()]
        .filter((c) => c['role'] === 'portfolio')
        .map((c) => c['exits'] as { halted_at: string | null; halted_signals: number });
      expect(exits.filter((x) => x.halted_at !== null).length).toBeGreaterThan(10);
      expect(exits.reduce((sum, x) => sum + x.halted_signals, 0)).toBeGreaterThan(20);
      expect(trades.some((t) => t.exitReason === 'drawdown_halt')).toBe(true);
    }
    const execution = [...fused.containers.values()].find((c) => c['role'] === 'execution')!;
    expect(Number(execution['cancel_requests'])).toBeGreaterThan(reasons.length > 0 ? 20 : 0);
    const ended = execution['ended_unfilled'] as Record<string, number>;
    expect(ended['oco_canceled']! >= ocoMin).toBe(true);
  });

  // With fill: close the warm-up's last signals are orders of the last warm-up bar, which
  // execution has seen: they fill at once at its close, on the first bar of trading, before
  // that bar's exit rules (the stops they rest are tested from that bar on).
  it('exit rules with fill: close: a window with a warm-up cut across chunks, a trailing stop and max_holding_bars', async () => {
    const { wf, plan } = await load([
      'execution.fill=close',
      'risk.trailing_stop_pct=0.3',
      'risk.max_holding_bars=8',
      'portfolio.allow_short=true',
      'data.chunk_size=97',
      'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}]',
    ]);
    const fused = await expectSame(
      {
        ...wf,
        start: Date.parse('2024-06-03T13:30:00Z'),
        end: Date.parse('2024-09-30T20:00:00Z'),
        tradeFrom: Date.parse('2024-07-01T17:00:00Z'),
      },
      plan,
    );
    const trades = fused.books.flatMap((b) => b.trades ?? []);
    // The sma book is long at the warm-up's end (from 16:05): its first trade opened at the
    // last warm-up bar's close (the 16:55 bar).
    expect(fused.books[0]!.trades?.[0]?.entryTs).toBe(Date.parse('2024-07-01T16:55:00Z'));
    for (const reason of ['trailing_stop', 'max_holding'])
      expect(trades.filter((t) => t.exitReason === reason).length).toBeGreaterThan(20);
  });

  // A margin account (portfolio.account: margin): buying power, short margin and the
  // leverage cap are risk's funds check on both paths; the margin calls run fused through
  // the portfolio's own MarginCalls (src/domain/portfolio/margin-calls.ts), checked at each
  // snapshot, their liquidation orders through the broker (src/domain/columnar/
  // fused-exit-flow.ts). The leveraged rows hold about 1.9x equity with the maintenance
  // margin at the initial, so a small adverse move calls the book; each row states how
  // many trades at least must end in a margin call.
  const LEVERAGED = [
    'portfolio.account=margin',
    'portfolio.margin={initial: 0.52, maintenance: 0.52, short_initial: 0.52, short_maintenance: 0.52, max_leverage: 2}',
    'portfolio.sizing={type: percent_equity, percent: 192}',
    'portfolio.insufficient_funds=resize',
    'risk.max_exposure=2',
  ];
  it.each([
    ['long only, default Reg T rates', ['portfolio.account=margin', 'data.chunk_size=997'], 0],
    [
      'short books, several strategies, leverage cap and funds resized, chunks of 97',
      [
        'portfolio.account=margin',
        'portfolio.allow_short=true',
        'portfolio.sizing={type: percent_equity, percent: 250}',
        'portfolio.insufficient_funds=resize',
        'risk.max_exposure=3',
        'data.chunk_size=97',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}, {type: bollinger_reversion}]',
      ],
      0,
    ],
    [
      'leveraged short books whose margin calls fire, two strategies, chunks of one bar',
      [
        ...LEVERAGED,
        'portfolio.allow_short=true',
        'data.chunk_size=1',
        'strategies=[{type: rsi_threshold}, {type: bollinger_reversion}]',
      ],
      200,
    ],
    [
      'leveraged, with a stop loss and max_holding_bars beside the margin calls, two strategies',
      [
        ...LEVERAGED,
        'portfolio.allow_short=true',
        'risk.stop_loss_pct=0.4',
        'risk.max_holding_bars=6',
        'data.chunk_size=997',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}]',
      ],
      100,
    ],
    [
      'leveraged, long only, a sweep of fast periods, with the drawdown halt',
      [
        ...LEVERAGED,
        'risk.max_drawdown_pct=3',
        'data.chunk_size=997',
        'strategies[0].params.fast_period=range(2, 22, 1)',
        'strategies[0].params.slow_period=40',
      ],
      20,
    ],
    // With fill: close a call decided at the snapshot (when the next bar arrives) is an order
    // of the bar before, which execution has seen: it fills at once at that bar's close.
    [
      'fill: close, leveraged short books whose margin calls fire, three strategies, chunks of one bar',
      [
        ...LEVERAGED,
        'execution.fill=close',
        'portfolio.allow_short=true',
        'data.chunk_size=1',
        'strategies=[{type: rsi_threshold}, {type: bollinger_reversion}, {type: sma_crossover, params: {fast_period: 10, slow_period: 30}}]',
      ],
      300,
    ],
    [
      'fill: close, leveraged, with a stop loss and max_holding_bars beside the margin calls, a sweep of fast periods',
      [
        ...LEVERAGED,
        'execution.fill=close',
        'portfolio.allow_short=true',
        'risk.stop_loss_pct=0.4',
        'risk.max_holding_bars=6',
        'data.chunk_size=997',
        'strategies[0].params.fast_period=range(2, 22, 1)',
        'strategies[0].params.slow_period=40',
      ],
      100,
    ],
    [
      'fill: close, leveraged, long only, a sweep of fast periods, with the drawdown halt',
      [
        ...LEVERAGED,
        'execution.fill=close',
        'risk.max_drawdown_pct=3',
        'data.chunk_size=997',
        'strategies[0].params.fast_period=range(2, 22, 1)',
        'strategies[0].params.slow_period=40',
      ],
      15,
    ],
  ] as const)('margin account: %s', async (_name, sets, minCalls) => {
    const { wf, plan } = await load([...sets]);
    const fused = await expectSame(wf, plan);
    expect(fused.books.every((b) => Number(b.metrics['trade_count']) > 0)).toBe(true);
    const trades = fused.books.flatMap((b) => b.trades ?? []);
    const called = trades.filter((t) => t.exitReason === 'margin_call').length;
    if (minCalls > 0) expect(called).toBeGreaterThan(minCalls);
    const calls = [...fused.containers.values()]
      .filter((c) => c['role'] === 'portfolio')
      .reduce((sum, c) => sum + Number(c['margin_calls']), 0);
    expect(calls >= called / 3).toBe(true);
    if (minCalls > 0) expect(calls).toBeGreaterThan(0);
  });

  it('margin account: leveraged short books, a window with a warm-up cut across chunks', async () => {
    const { wf, plan } = await load([
      ...LEVERAGED,
      'portfolio.allow_short=true',
      'data.chunk_size=97',
      'strategies=[{type: rsi_threshold}, {type: bollinger_reversion}]',
    ]);
    const fused = await expectSame(
      {
        ...wf,
        start: Date.parse('2024-06-03T13:30:00Z'),
        end: Date.parse('2024-09-30T20:00:00Z'),
        tradeFrom: Date.parse('2024-07-01T15:05:00Z'),
      },
      plan,
    );
    const trades = fused.books.flatMap((b) => b.trades ?? []);
    expect(trades.filter((t) => t.exitReason === 'margin_call').length).toBeGreaterThan(20);
  });

  // Partial fills (execution.max_volume_share): every order goes through the simulated
  // broker (src/domain/columnar/fused-exit-flow.ts), which fills at most a share of each
  // bar's volume; an order's rest waits at the broker for the next bars, still pending and
  // reserving its funds pro rata, and the next signal's order may join it there. SPY's 5m
  // bars trade 120,000 shares or fewer one bar in 20 and 385,000 on the median, so 0.0004
  // of that (48 to 154 shares) cuts most orders of a 95 % book (about 180 shares). Each
  // row states how many partial fills at least the execution container must count.
  const SHARE = 'execution.max_volume_share=0.0004';
  const partialFills = (o: PhaseOutcome): number =>
    [...o.containers.values()]
      .filter((c) => c['role'] === 'execution')
      .reduce((sum, c) => sum + Number(c['partial_fills']), 0);
  it.each([
    ['long only, the example', [SHARE, 'data.chunk_size=997'], 300],
    [
      'short books, a stop loss and a take-profit, two strategies, chunks of 97',
      [
        SHARE,
        'portfolio.allow_short=true',
        'risk.stop_loss_pct=0.4',
        'risk.take_profit_pct=0.6',
        'data.chunk_size=97',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}]',
      ],
      300,
    ],
    [
      'a leveraged short margin account whose calls fire, chunks of one bar',
      [...LEVERAGED, SHARE, 'portfolio.allow_short=true', 'data.chunk_size=1', 'strategies=[{type: rsi_threshold}]'],
      300,
    ],
    [
      'a trailing stop, max_holding_bars and close_eod, fixed size, volume-share slippage',
      [
        SHARE,
        'portfolio.sizing={type: fixed, quantity: 300}',
        'risk.trailing_stop_pct=0.3',
        'risk.max_holding_bars=12',
        'risk.close_eod=true',
        'execution.slippage_bps=0',
        'execution.slippage={model: volume_share, impact_bps: 50, cap_bps: 5}',
      ],
      300,
    ],
    // With fill: close an order fills at its own bar's close as far as the cap allows, the
    // rest at the next open (an exit decided before its bar reached execution waits for it).
    ['fill: close, long only, the example', [SHARE, 'execution.fill=close', 'data.chunk_size=997'], 300],
    [
      'fill: close, short books, a stop loss, max_holding_bars and a take-profit, two strategies, chunks of 97',
      [
        SHARE,
        'execution.fill=close',
        'portfolio.allow_short=true',
        'risk.stop_loss_pct=0.4',
        'risk.take_profit_pct=0.6',
        'risk.max_holding_bars=12',
        'data.chunk_size=97',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}]',
      ],
      300,
    ],
    [
      'fill: close, a leveraged short margin account whose calls fire, chunks of one bar',
      [
        ...LEVERAGED,
        SHARE,
        'execution.fill=close',
        'portfolio.allow_short=true',
        'data.chunk_size=1',
        'strategies=[{type: rsi_threshold}]',
      ],
      300,
    ],
    [
      'fill: close, a trailing stop and close_eod, fixed size, volume-share slippage',
      [
        SHARE,
        'execution.fill=close',
        'portfolio.sizing={type: fixed, quantity: 300}',
        'risk.trailing_stop_pct=0.3',
        'risk.close_eod=true',
        'execution.slippage_bps=0',
        'execution.slippage={model: volume_share, impact_bps: 50, cap_bps: 5}',
      ],
      300,
    ],
  ] as const)('partial fills (max_volume_share): %s', async (_name, sets, minPartial) => {
    const { wf, plan } = await load([...sets]);
    const fused = await expectSame(wf, plan);
    expect(partialFills(fused)).toBeGreaterThan(minPartial);
  });

  it('partial fills (max_volume_share): a window with a warm-up cut across chunks, a stop loss', async () => {
    const { wf, plan } = await load([
      SHARE,
      'risk.stop_loss_pct=0.4',
      'portfolio.allow_short=true',
      'data.chunk_size=97',
    ]);
    const fused = await expectSame(
      {
        ...wf,
        start: Date.parse('2024-06-03T13:30:00Z'),
        end: Date.parse('2024-09-30T20:00:00Z'),
        tradeFrom: Date.parse('2024-07-01T15:05:00Z'),
      },
      plan,
    );
    expect(partialFills(fused)).toBeGreaterThan(50);
  });

  // Limit and stop entries (portfolio.entry_order): the entry rests at the simulated broker
  // (src/domain/columnar/fused-exit-flow.ts, the same broker and order terms as per event,
  // src/domain/portfolio/entry-order.ts) until a later bar reaches its price, expires after
  // `expires_after_bars`, or the book's next signal (or a margin call) cancels it; orders that
  // only reduce stay market orders. Each row counts what the entries did: fills inside a bar
  // at the entry's own price (not at the bar's open: they rested and the bar reached them),
  // cancels by the next signal (in the rows without exit rules, whose protective orders are
  // cancelled too) and expiries.
  const opens = new Map<number, number>();
  const closes = new Map<number, number>();
  async function barOpens(wf: ResolvedWorkflow): Promise<Map<number, number>> {
    if (opens.size > 0) return opens;
    const source = openWorkflowSource({ ...wf, start: undefined, end: undefined });
    for await (const c of source.chunks())
      for (let i = 0; i < c.length; i++) {
        opens.set(c.ts[i]!, c.open[i]!);
        closes.set(c.ts[i]!, c.close[i]!);
      }
    await source.close();
    return opens;
  }
  async function entryCounts(wf: ResolvedWorkflow, o: PhaseOutcome) {
    const open = await barOpens(wf);
    const trades = o.books.flatMap((b) => b.trades ?? []);
    // Market and stop fills at an open are slipped by 1 bp (the example's slippage_bps).
    const inside = trades.filter((t) => Math.abs(t.entryPrice / open.get(t.entryTs)! - 1) > 1.5e-4).length;
    const execution = [...o.containers.values()].filter((c) => c['role'] === 'execution');
    const ended = (reason: string): number =>
      execution.reduce((sum, c) => sum + (c['ended_unfilled'] as Record<string, number>)[reason]!, 0);
    return { trades, inside, canceled: ended('canceled'), expired: ended('expired') };
  }
  it.each([
    [
      'limit entries 5 bps from the close, long only, chunks of 997',
      ['portfolio.entry_order={type: limit, offset_bps: 5}', 'data.chunk_size=997'],
      { inside: 150, canceled: 25, expired: 0 },
    ],
    [
      'stop entries expiring after 3 bars, short books in a margin account, two strategies, chunks of 97',
      [
        'portfolio.entry_order={type: stop, offset_bps: 3, expires_after_bars: 3}',
        'portfolio.account=margin',
        'portfolio.allow_short=true',
        'data.chunk_size=97',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}]',
      ],
      { inside: 300, canceled: 8, expired: 100 },
    ],
    [
      'limit entries expiring after 4 bars, short books, a stop loss and a take-profit, chunks of one bar',
      [
        'portfolio.entry_order={type: limit, offset_bps: 4, expires_after_bars: 4}',
        'portfolio.account=margin',
        'portfolio.allow_short=true',
        'risk.stop_loss_pct=0.4',
        'risk.take_profit_pct=0.6',
        'data.chunk_size=1',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}]',
      ],
      { inside: 300, canceled: 0, expired: 100 },
    ],
    [
      'limit entries in a leveraged short margin account whose calls fire, two strategies',
      [
        ...LEVERAGED,
        'portfolio.entry_order={type: limit, offset_bps: 3}',
        'portfolio.allow_short=true',
        'data.chunk_size=997',
        'strategies=[{type: rsi_threshold}, {type: bollinger_reversion}]',
      ],
      { inside: 400, canceled: 60, expired: 0 },
    ],
    [
      'limit entries 20 bps away in a leveraged margin account: calls cancel resting reversals, two strategies',
      [
        ...LEVERAGED,
        'portfolio.entry_order={type: limit, offset_bps: 20}',
        'portfolio.allow_short=true',
        'data.chunk_size=997',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: ema_crossover, params: {fast_period: 5, slow_period: 20}}]',
      ],
      { inside: 100, canceled: 20, expired: 0 },
    ],
    [
      'limit entries with fill: close (exits to flat fill at the signal close), chunks of one bar',
      ['portfolio.entry_order={type: limit, offset_bps: 5}', 'execution.fill=close', 'data.chunk_size=1'],
      { inside: 150, canceled: 25, expired: 0 },
    ],
    [
      'stop entries expiring after 2 bars with fill: close, three strategies, chunks of 97',
      [
        'portfolio.entry_order={type: stop, offset_bps: 3, expires_after_bars: 2}',
        'execution.fill=close',
        'data.chunk_size=97',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}, {type: bollinger_reversion}]',
      ],
      { inside: 150, canceled: 0, expired: 100 },
    ],
    [
      'stop entries with partial fills (max_volume_share) and a trailing stop, short books',
      [
        'portfolio.entry_order={type: stop, offset_bps: 2, expires_after_bars: 6}',
        SHARE,
        'portfolio.account=margin',
        'portfolio.allow_short=true',
        'risk.trailing_stop_pct=0.3',
        'data.chunk_size=997',
      ],
      { inside: 300, canceled: 0, expired: 30 },
    ],
    [
      'limit entries with fill: close beside a stop loss and a take-profit, leveraged short books whose calls fire, chunks of 97',
      [
        ...LEVERAGED,
        'portfolio.entry_order={type: limit, offset_bps: 4, expires_after_bars: 4}',
        'portfolio.allow_short=true',
        'execution.fill=close',
        'risk.stop_loss_pct=0.4',
        'risk.take_profit_pct=0.6',
        'data.chunk_size=97',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}]',
      ],
      { inside: 300, canceled: 0, expired: 100 },
    ],
    [
      'stop entries with fill: close, partial fills and a trailing stop, short books',
      [
        'portfolio.entry_order={type: stop, offset_bps: 2, expires_after_bars: 6}',
        SHARE,
        'portfolio.account=margin',
        'portfolio.allow_short=true',
        'execution.fill=close',
        'risk.trailing_stop_pct=0.3',
        'data.chunk_size=997',
      ],
      { inside: 300, canceled: 0, expired: 30 },
    ],
  ] as const)('entry orders: %s', async (_name, rowSets, min) => {
    const sets: readonly string[] = rowSets;
    const { wf, plan } = await load([...sets]);
    const fused = await expectSame(wf, plan);
    const counts = await entryCounts(wf, fused);
    expect(counts.inside).toBeGreaterThan(min.inside);
    expect(counts.canceled).toBeGreaterThanOrEqual(min.canceled);
    expect(counts.expired).toBeGreaterThanOrEqual(min.expired);
    if (sets.includes('portfolio.allow_short=true'))
      expect(counts.trades.filter((t) => t.direction === 'short').length).toBeGreaterThan(150);
    if (sets.includes('risk.stop_loss_pct=0.4'))
      expect(counts.trades.filter((t) => t.exitReason === 'stop_loss').length).toBeGreaterThan(100);
    if (sets.includes(LEVERAGED[1]!))
      expect(counts.trades.filter((t) => t.exitReason === 'margin_call').length).toBeGreaterThan(150);
    if (sets.includes(SHARE)) expect(partialFills(fused)).toBeGreaterThan(300);
    // With fill: close the exits to flat (market orders) fill at once at the signal bar's close.
    if (sets.includes('execution.fill=close'))
      expect(
        counts.trades.filter((t) => Math.abs(t.exitPrice / closes.get(t.exitTs)! - 1) < 1.5e-4).length,
      ).toBeGreaterThan(150);
  });

  it('entry orders: limit and stop entries after a warm-up window cut across chunks (the first order rests)', async () => {
    const { wf, plan } = await load([
      'portfolio.entry_order={type: limit, offset_bps: 3, expires_after_bars: 8}',
      'portfolio.account=margin',
      'portfolio.allow_short=true',
      'data.chunk_size=97',
      'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}]',
    ]);
    const fused = await expectSame(
      {
        ...wf,
        start: Date.parse('2024-06-03T13:30:00Z'),
        end: Date.parse('2024-09-30T20:00:00Z'),
        tradeFrom: Date.parse('2024-07-01T15:05:00Z'),
      },
      plan,
    );
    const counts = await entryCounts(wf, fused);
    expect(counts.inside).toBeGreaterThan(100);
    expect(counts.expired).toBeGreaterThan(20);
    // With fill: close, long only in a cash account: the first trading bar's orders rest too.
    const atClose = await load([
      'portfolio.entry_order={type: stop, offset_bps: 3, expires_after_bars: 8}',
      'execution.fill=close',
      'data.chunk_size=97',
      'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}]',
    ]);
    const closed = await expectSame(
      {
        ...atClose.wf,
        start: Date.parse('2024-06-03T13:30:00Z'),
        end: Date.parse('2024-09-30T20:00:00Z'),
        tradeFrom: Date.parse('2024-07-01T15:05:00Z'),
      },
      atClose.plan,
    );
    expect((await entryCounts(atClose.wf, closed)).inside).toBeGreaterThan(50);
  });

  // A sweep grid of strategy params, run for several entry offsets (a grid over offset_bps:
  // the portfolio block is one per run). Each offset must change the best book's trades, and
  // entries must fill inside their bar at their own price.
  it('entry orders in a sweep grid over offset_bps and the strategy params', async () => {
    const bests: string[] = [];
    // At offset 0 most limit entries fill at the next open (it opens at or through the close).
    for (const [entry, minInside] of [
      ['{type: limit, offset_bps: 0}', 5],
      ['{type: limit, offset_bps: 6, expires_after_bars: 5}', 100],
      ['{type: stop, offset_bps: 4, expires_after_bars: 3}', 100],
    ] as const) {
      const sets = [
        'strategies[0].params.fast_period=range(3, 30, 6)',
        'strategies[0].params.slow_period=range(20, 120, 25)',
        "strategies[0].constraint='slow_period > fast_period'",
        'sequence={type: parameter_sweep, shard_size: 7, resume: false}',
        `portfolio.entry_order=${entry}`,
        'portfolio.account=margin',
        'portfolio.allow_short=true',
        'risk.stop_loss_pct=0.5',
        'execution.commission={per_share: 0.01, minimum: 2}',
        'data.chunk_size=5000',
      ];
      const { perEvent, fused } = await runBothWays(sets);
      expect(fused.size).toBeGreaterThan(2);
      expect(fused).toEqual(perEvent);
      const tradeFile = [...fused].find(([f]) => f.endsWith('trades.ndjson'))![1];
      bests.push(tradeFile);
      const open = await barOpens((await load([])).wf);
      const rows = tradeFile
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as { entry_time: string; entry_price: number });
      const inside = rows.filter(
        (t) => Math.abs(t.entry_price / open.get(Date.parse(t.entry_time))! - 1) > 1.5e-4,
      ).length;
      expect(inside, entry).toBeGreaterThan(minInside);
    }
    expect(new Set(bests).size).toBe(bests.length);
  });

  const FUTURE = 'data.instrument={kind: future, multiplier: 10, margin: 1500}';
  const LEVERAGED_FUTURES = [
    'data.instrument={kind: future, multiplier: 10, margin: 2700}',
    'portfolio.account=margin',
    'portfolio.sizing={type: percent_equity, percent: 192}',
    'portfolio.insufficient_funds=resize',
    'risk.max_exposure=2',
    'portfolio.allow_short=true',
  ];
  // Each futures row runs with either fill mode (issue #16): with fill: close the exit flow
  // marks every held book at the close before the desk fills the bar's orders there.
  describe.each(['next_open', 'close'] as const)('execution.fill: %s', (fill) => {
    const FILL = `execution.fill=${fill}`;
    // Futures (data.instrument kind future): a book posts margin per contract and settles the
    // price change × multiplier into cash at every close it holds a contract (Book.mark), so
    // its cash moves at every bar; the fused loop marks each held book at every close
    // through the exit flow's road, and its snapshots settle the closes between fills with the
    // Book's own expression (src/domain/columnar/settled-snapshots.ts). SPY as an index
    // future, 10 per point, 1,500 margin per contract (about 30 % of the notional). Each row
    // states how many trades at least, and how many equity points at least must differ from
    // the one before (the settlement moves them on every bar a contract is held).
    const PER_CONTRACT = 'execution.commission={model: per_contract, per_contract: 2}';
    /** Equity points that differ from the one before, over every book: bars a contract moved the book. */
    const riskOf = (o: PhaseOutcome): Record<string, unknown> =>
      [...o.containers.values()].find((c) => c['role'] === 'risk')!;
    const movedPoints = (o: PhaseOutcome): number =>
      o.books.reduce((sum, b) => {
        const eq = b.equity ?? [];
        let moved = 0;
        for (let i = 1; i < eq.length; i++) if (eq[i]!.equity !== eq[i - 1]!.equity) moved++;
        return sum + moved;
      }, 0);
    it.each([
      [
        'long only, percent_equity sizing, per-contract commission, chunks of 997',
        [FUTURE, PER_CONTRACT, 'data.chunk_size=997'],
        40,
      ],
      [
        'short books, fixed size, two strategies, hybrid storage (rows in the graph order), chunks of 97',
        [
          FUTURE,
          PER_CONTRACT,
          'portfolio.allow_short=true',
          'portfolio.sizing={type: fixed, quantity: 7}',
          'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}]',
          'results.storage=hybrid',
          'results.hybrid_max_points=1000000',
          'data.chunk_size=97',
        ],
        300,
      ],
      [
        'short books, a stop loss and a take-profit, chunks of one bar',
        [
          FUTURE,
          'portfolio.allow_short=true',
          'risk.stop_loss_pct=0.3',
          'risk.take_profit_pct=0.5',
          'data.chunk_size=1',
        ],
        100,
      ],
      [
        'a cash account whose cash cannot cover the margin: resized and rejected orders',
        [
          FUTURE,
          PER_CONTRACT,
          'portfolio.allow_short=true',
          'portfolio.sizing={type: percent_equity, percent: 400}',
          'portfolio.insufficient_funds=resize',
          'risk.max_exposure=5',
          'data.chunk_size=997',
        ],
        40,
      ],
      [
        'atr_risk sizing (the ATR in currency: times the multiplier), short books',
        [
          FUTURE,
          PER_CONTRACT,
          'portfolio.allow_short=true',
          'portfolio.sizing={type: atr_risk, risk_percent: 2, atr_period: 14, atr_multiple: 2, max_percent: 300}',
          'data.chunk_size=997',
        ],
        40,
      ],
      [
        'partial fills (max_volume_share), short books',
        [FUTURE, 'execution.max_volume_share=0.00003', 'portfolio.allow_short=true', 'data.chunk_size=997'],
        40,
      ],
    ] as const)('futures: %s', async (_name, sets, minTrades) => {
      const { wf, plan } = await load([...sets, FILL]);
      const fused = await expectSame(wf, plan);
      const trades = fused.books.flatMap((b) => b.trades ?? []);
      expect(trades.length).toBeGreaterThan(minTrades);
      // Futures accounting: gross P&L is points × multiplier × contracts.
      for (const t of trades.slice(0, 20))
        expect(t.grossPnl).toBeCloseTo(
          t.quantity * (t.exitPrice - t.entryPrice) * (t.direction === 'long' ? 1 : -1) * 10,
          6,
        );
      expect(movedPoints(fused)).toBeGreaterThan(1000);
      if (sets.some((x) => x.startsWith('execution.max_volume_share')))
        expect(partialFills(fused)).toBeGreaterThan(200);
      if (sets.some((x) => x.includes('percent: 400'))) expect(Number(riskOf(fused)['resized'])).toBeGreaterThan(200);
      // The ATR moved the sizes: many distinct contract counts.
      if (sets.some((x) => x.includes('atr_risk')))
        expect(new Set(trades.map((t) => t.quantity)).size).toBeGreaterThan(5);
      if (sets.some((x) => x.startsWith('risk.stop_loss'))) {
        expect(trades.filter((t) => t.exitReason === 'stop_loss').length).toBeGreaterThan(100);
        expect(trades.filter((t) => t.exitReason === 'take_profit').length).toBeGreaterThan(50);
      }
    });

    // A margin account holding futures: buying power is equity less the margin posted, and a
    // book whose cash falls below zero (equity below the posted margin) is called. Margin at
    // 2,700 per contract (about 54 % of the notional) with 192 % of equity asked and funds
    // resized leaves almost no free cash, so a small adverse move calls the book.
    it.each([
      [
        'margin calls, two strategies, chunks of 97',
        [...LEVERAGED_FUTURES, 'data.chunk_size=97', 'strategies=[{type: rsi_threshold}, {type: bollinger_reversion}]'],
        20,
      ],
      [
        'margin calls beside a stop loss and max_holding_bars, hybrid storage (rows in the graph order)',
        [
          ...LEVERAGED_FUTURES,
          'risk.stop_loss_pct=0.4',
          'risk.max_holding_bars=6',
          'results.storage=hybrid',
          'results.hybrid_max_points=1000000',
          'data.chunk_size=997',
        ],
        5,
      ],
    ] as const)('futures in a margin account: %s', async (_name, sets, minCalls) => {
      const { wf, plan } = await load([...sets, FILL]);
      const fused = await expectSame(wf, plan);
      const trades = fused.books.flatMap((b) => b.trades ?? []);
      expect(trades.filter((t) => t.exitReason === 'margin_call').length).toBeGreaterThan(minCalls);
      expect(movedPoints(fused)).toBeGreaterThan(1000);
    });

    it('futures: limit entries resting at the broker, short books, a stop loss, chunks of 97', async () => {
      const { wf, plan } = await load([
        FILL,
        FUTURE,
        PER_CONTRACT,
        'portfolio.entry_order={type: limit, offset_bps: 4, expires_after_bars: 5}',
        'portfolio.account=margin',
        'portfolio.allow_short=true',
        'portfolio.sizing={type: fixed, quantity: 7}',
        'risk.stop_loss_pct=0.4',
        'data.chunk_size=97',
      ]);
      const fused = await expectSame(wf, plan);
      const counts = await entryCounts(wf, fused);
      expect(counts.inside).toBeGreaterThan(100);
      expect(counts.expired).toBeGreaterThan(20);
      expect(counts.trades.filter((t) => t.exitReason === 'stop_loss').length).toBeGreaterThan(20);
      expect(movedPoints(fused)).toBeGreaterThan(1000);
    });

    it('futures: a window with a warm-up cut across chunks, short books, a trailing stop', async () => {
      const { wf, plan } = await load([
        FILL,
        FUTURE,
        PER_CONTRACT,
        'risk.trailing_stop_pct=0.4',
        'portfolio.allow_short=true',
        'data.chunk_size=97',
        'results.storage=hybrid',
        'results.hybrid_max_points=1000000',
      ]);
      const fused = await expectSame(
        {
          ...wf,
          start: Date.parse('2024-06-03T13:30:00Z'),
          end: Date.parse('2024-09-30T20:00:00Z'),
          tradeFrom: Date.parse('2024-07-01T15:05:00Z'),
        },
        plan,
      );
      const trades = fused.books.flatMap((b) => b.trades ?? []);
      expect(trades.filter((t) => t.exitReason === 'trailing_stop').length).toBeGreaterThan(20);
      expect(movedPoints(fused)).toBeGreaterThan(500);
    });

    it('futures: the drawdown halt (every book at every bar) over a sweep of fast periods', async () => {
      const { wf, plan } = await load([
        FILL,
        FUTURE,
        PER_CONTRACT,
        'risk.max_drawdown_pct=3',
        'portfolio.allow_short=true',
        'strategies[0].params.fast_period=range(2, 12, 1)',
        'strategies[0].params.slow_period=40',
        'data.chunk_size=997',
      ]);
      const fused = await expectSame(wf, plan);
      expect(movedPoints(fused)).toBeGreaterThan(1000);
      const halted = [...fused.containers.values()].filter(
        (c) => c['role'] === 'portfolio' && (c['exits'] as Record<string, unknown>)['halted_at'] !== null,
      );
      expect(halted.length).toBeGreaterThan(3);
    });

    it('futures: the example (backtrader sample) in a sweep grid over its SMA periods, short books', async () => {
      const sets = [
        FILL,
        'strategies[0].params.fast_period=range(1, 6, 1)',
        'strategies[0].params.slow_period=range(10, 50, 5)',
        'sequence={type: parameter_sweep, shard_size: 7, resume: false}',
        'portfolio.allow_short=true',
        'data.chunk_size=50',
      ];
      const { perEvent, fused } = await runBothWays(sets, 'examples/futures-sma-cross.yaml', (wf) =>
        expect(wf.strategies.length).toBe(40),
      );
      expect(fused).toEqual(perEvent);
      // Every combination traded, long and short: the aggregate lists a trade count per book.
      const aggregate = [...fused].find(([k]) => k.endsWith('aggregate_results.json'))![1];
      const counts = [...aggregate.matchAll(/"trade_count":\s*(\d+)/g)].map((m) => Number(m[1]));
      expect(counts.length).toBeGreaterThanOrEqual(40);
      expect(counts.every((c) => c > 3)).toBe(true);
    });
  });

  // Sizing rules that read a feature (atr_risk's ATR, volatility_target's σ): the hub
  // registers it after the strategies' features, as the per-event compiler does, and the
  // books size each signal with its value at the signal bar (the FEATURES event the
  // portfolio saw last; NaN while it warms up, which sizes to nothing). Each row checks the
  // feature moved the sizes (many distinct quantities); the rows whose feature warms up
  // after the strategy's first signal (ATR(150), σ over 30 bars) check that signals came unsized.
  const ATR_RISK =
    'portfolio.sizing={type: atr_risk, risk_percent: 0.2, atr_period: 14, atr_multiple: 2, max_percent: 100}';
  it.each([
    [
      'atr_risk, short books, two strategies, chunks of 97',
      [
        ATR_RISK,
        'portfolio.allow_short=true',
        'data.chunk_size=97',
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}, {type: rsi_threshold}]',
      ],
    ],
    [
      'atr_risk (high_low first bar) with a stop loss, beside a strategy reading the same ATR',
      [
        'portfolio.sizing={type: atr_risk, risk_percent: 0.3, atr_period: 10, atr_first_bar: high_low, atr_multiple: 1.5, max_percent: 90}',
        'risk.stop_loss_pct=0.3',
        'portfolio.allow_short=true',
        'data.chunk_size=997',
        'strategies=[{type: sma_crossover, params: {fast_period: 5, slow_period: 20}}, {type: atr_channel_breakout, params: {atr_period: 10, atr_first_bar: high_low}}]',
      ],
    ],
    [
      'atr_risk with fill: close, chunks of one bar',
      [
        'portfolio.sizing={type: atr_risk, risk_percent: 0.2, atr_period: 150, atr_multiple: 2, max_percent: 100}',
        'execution.fill=close',
        'portfolio.allow_short=true',
        'data.chunk_size=1',
      ],
    ],
    [
      'volatility_target, short books, chunks of 997',
      [
        'portfolio.sizing={type: volatility_target, target_volatility: 10, lookback: 30, max_leverage: 1}',
        'portfolio.allow_short=true',
        'data.chunk_size=997',
      ],
    ],
  ] as const)('sizing with a feature: %s', async (_name, sets) => {
    const { wf, plan } = await load([...sets]);
    const fused = await expectSame(wf, plan);
    const quantities = new Set(fused.books.flatMap((b) => (b.trades ?? []).map((t) => Math.abs(t.quantity))));
    expect(quantities.size).toBeGreaterThan(20);
    const portfolios = [...fused.containers.values()].filter((c) => c['role'] === 'portfolio');
    if (/atr_period: 150|volatility_target/.test(sets[0]))
      expect(portfolios.some((c) => Number(c['unsized']) > 0)).toBe(true);
  });

  it("atr_risk with a warm-up window: the first order is sized with the last warm-up bar's ATR", async () => {
    // The strategy is long at the warm-up's end (it went long at 16:05), so the first order
    // buys, sized at the 16:55 bar's ATR; a short ATR far from the max_percent cap makes the
    // sizes follow each bar's ATR closely (with the next bar's ATR it buys other shares).
    for (const chunk of ['97', '1']) {
      const { wf, plan } = await load([
        'portfolio.sizing={type: atr_risk, risk_percent: 0.03, atr_period: 3, atr_multiple: 1, max_percent: 100}',
        `data.chunk_size=${chunk}`,
      ]);
      const fused = await expectSame(
        {
          ...wf,
          start: Date.parse('2024-06-03T13:30:00Z'),
          end: Date.parse('2024-09-30T20:00:00Z'),
          tradeFrom: Date.parse('2024-07-01T17:00:00Z'),
        },
        plan,
      );
      expect(fused.books[0]!.trades?.[0]?.entryTs).toBe(Date.parse('2024-07-01T17:00:00Z'));
    }
  });

  it('entry filters: one reading features, one stateful (bars_since of a cross), on short books', async () => {
    const { wf, plan } = await load([
      'portfolio.allow_short=true',
      'data.chunk_size=997',
      "strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}, filter: 'volume > sma(volume, 20) and rsi(14) < 70'}, {type: rsi_threshold, filter: 'bars_since(crosses_above(sma(10), sma(30))) <= 40'}, {type: bollinger_reversion, filter: 'signal > 0 or close < prev(close, 1)'}]",
    ]);
    const fused = await expectSame(wf, plan);
    const strategies = [...fused.containers.values()].filter((c) => c['role'] === 'strategy');
    expect(strategies).toHaveLength(3);
    for (const c of strategies) expect(Number(c['bars_filtered_to_flat'])).toBeGreaterThan(0);
    expect(fused.books.every((b) => Number(b.metrics['trade_count']) > 0)).toBe(true);
  });

  // Classifiers (regimes): each classifier's label per bar is one more column, computed by
  // its own per-bar logic (src/domain/classifiers/regime-column.ts) over the hub's columns,
  // that the strategies' columns read where the per-event strategy reads its context: a
  // regime_switch's choice, an ensemble member's filter, an entry filter on a regime. Each
  // row checks the classifiers changed their minds often and the books traded.
  const COMPOSITE = 'test/fixtures/configs/spy-composite.yaml';
  const REGIME_SWITCH =
    'strategies=[{id: by_market, type: regime_switch, classifier: market, regimes: {trending: {type: trend_efficiency, params: {min_efficiency: 0.2}}, choppy: {type: rsi_threshold}}}, {type: sma_crossover, params: {fast_period: 10, slow_period: 30}, filter: "market == \'trending\'"}]';
  it.each([
    ['the ensemble example: two classifiers, an entry filter on both', 'examples/spy-ensemble.yaml', []],
    [
      'the plugin example: a plugin classifier read by a filter, a plugin strategy, chunks of 97',
      'examples/spy-plugin-strategy.yaml',
      ['data.chunk_size=97'],
    ],
    [
      'a regime switch on the plugin classifier, short books, chunks of one bar',
      'examples/spy-plugin-strategy.yaml',
      ['data.chunk_size=1', 'portfolio.allow_short=true', REGIME_SWITCH],
    ],
    [
      'composites: a regime switch, one nested in an ensemble, a member filtered on a regime, short books',
      COMPOSITE,
      ['topology=backtest', 'portfolio.allow_short=true', 'data.chunk_size=997'],
    ],
  ] as const)('classifiers: %s', async (_name, file, sets) => {
    const { wf, plan } = await load([...sets], file);
    expect(wf.classifiers.length).toBeGreaterThan(0);
    const fused = await expectSame(wf, plan);
    const classifiers = [...fused.containers.values()].filter((c) => c['role'] === 'classifier');
    expect(classifiers).toHaveLength(wf.classifiers.length);
    for (const c of classifiers) expect(Number(c['regime_changes'])).toBeGreaterThan(20);
    expect(fused.books.every((b) => Number(b.metrics['trade_count']) > 0)).toBe(true);
  });

  it.each([
    [
      'the ensemble example, a grid of thresholds and member periods',
      'examples/spy-ensemble.yaml',
      ['strategies[0].params.threshold=[0.3, 0.6]', 'strategies[0].members[0].params.fast_period=range(6, 18, 4)'],
    ],
    [
      'a regime switch on the plugin classifier, a grid of its members',
      'examples/spy-plugin-strategy.yaml',
      [
        REGIME_SWITCH,
        'strategies[0].regimes.trending.params.min_efficiency=[0.1, 0.2, 0.3]',
        'strategies[0].regimes.choppy.params.period=[7, 14]',
        'portfolio.allow_short=true',
      ],
    ],
  ] as const)('classifiers in a sweep grid: %s', async (_name, file, grid) => {
    const { perEvent, fused } = await runBothWays(
      [...grid, 'sequence={type: parameter_sweep, shard_size: 5, resume: false}'],
      file,
      (wf) => expect(wf.strategies.length).toBeGreaterThan(4),
    );
    expect(fused.size).toBeGreaterThan(2);
    expect(fused).toEqual(perEvent);
  });

  it('a window with a warm-up (start, end, trade_from) cut across chunk boundaries', async () => {
    const { wf, plan } = await load(['data.chunk_size=97', 'results.storage=disk', 'portfolio.allow_short=true']);
    // Bars of 2024-06-03 .. 2024-09-30, trading from 2024-07-01: the warm-up's last signal becomes the first order.
    const window = {
      ...wf,
      start: Date.parse('2024-06-03T13:30:00Z'),
      end: Date.parse('2024-09-30T20:00:00Z'),
      tradeFrom: Date.parse('2024-07-01T15:05:00Z'),
    };
    const fused = await expectSame(window, plan);
    expect(fused.books[0]!.metrics['start_ts']).toBeGreaterThanOrEqual(window.tradeFrom);
    // With fill: close the warm-up's last signal fills at the last warm-up bar's close.
    const atClose = await load([
      'data.chunk_size=97',
      'results.storage=disk',
      'portfolio.allow_short=true',
      'execution.fill=close',
    ]);
    await expectSame(
      { ...atClose.wf, start: window.start, end: window.end, tradeFrom: window.tradeFrom },
      atClose.plan,
    );
  });

  // A sweep's shards keep only their books' summaries: the fused loop builds no TRADE
  // event there and folds each trade's numbers straight into the statistics.
  it.each([
    ['percent_equity sizing', ['portfolio.sizing={type: percent_equity, percent: 50}']],
    ['atr_risk sizing', [ATR_RISK]],
    ['a leveraged margin account whose margin calls fire', LEVERAGED],
    [
      'percent_equity sizing with a stop loss (the exit flow)',
      ['portfolio.sizing={type: percent_equity, percent: 50}', 'risk.stop_loss_pct=0.4'],
    ],
    [
      'partial fills (max_volume_share) with a stop loss',
      ['execution.max_volume_share=0.0003', 'risk.stop_loss_pct=0.4'],
    ],
    ['a future, percent_equity sizing with a stop loss', [FUTURE, 'risk.stop_loss_pct=0.4']],
    ['a future in a leveraged margin account whose margin calls fire', LEVERAGED_FUTURES],
    [
      'fill: close with a stop loss, a trailing stop, a take-profit, max_holding_bars and close_eod',
      [
        'execution.fill=close',
        'risk.stop_loss_pct=0.4',
        'risk.trailing_stop_pct=0.5',
        'risk.take_profit_pct=0.6',
        'risk.max_holding_bars=30',
        'risk.close_eod=true',
      ],
    ],
    ['fill: close, a leveraged margin account whose margin calls fire', [...LEVERAGED, 'execution.fill=close']],
    [
      'fill: close, a future with a stop loss and a trailing stop, short books',
      [
        FUTURE,
        'execution.fill=close',
        'portfolio.allow_short=true',
        'risk.stop_loss_pct=0.4',
        'risk.trailing_stop_pct=0.5',
      ],
    ],
    [
      'fill: close, a future in a leveraged margin account whose margin calls fire',
      [...LEVERAGED_FUTURES, 'execution.fill=close'],
    ],
    [
      'fill: close, partial fills (max_volume_share) with a stop loss',
      ['execution.fill=close', 'execution.max_volume_share=0.0003', 'risk.stop_loss_pct=0.4'],
    ],
  ])(
    'a sweep grid gives the same results folder (aggregate results, every book) under other costs, %s',
    async (_name, sizing) => {
      const sets = [
        'strategies[0].params.fast_period=range(3, 30, 6)',
        'strategies[0].params.slow_period=range(20, 120, 25)',
        "strategies[0].constraint='slow_period > fast_period'",
        'sequence={type: parameter_sweep, shard_size: 7, resume: false}',
        ...sizing,
        'portfolio.allow_short=true',
        'execution.slippage_bps=3',
        'execution.commission={per_share: 0.01, minimum: 2}',
        'data.chunk_size=5000',
      ];
      const { perEvent, fused } = await runBothWays(sets);
      expect(fused.size).toBeGreaterThan(2);
      expect(fused).toEqual(perEvent);
      // The rules fired: trades of the best book (the one whose trades a sweep writes) ended
      // in each, and the execution container counted partial fills.
      const text = [...fused.values()].join('\n');
      const times = (what: string): number => text.split(what).length - 1;
      if (sizing.includes(LEVERAGED[0]!)) expect(times('"margin_call"')).toBeGreaterThan(3);
      const reasons = { stop_loss: 'stop_loss', trailing_stop: 'trailing_stop', take_profit: 'take_profit' } as const;
      for (const [rule, reason] of [
        ...Object.entries(reasons).map(([r, x]) => [`risk.${r}_pct`, x] as const),
        ['risk.max_holding_bars', 'max_holding'] as const,
        ['risk.close_eod', 'close_eod'] as const,
      ])
        if (sizing.some((s) => s.startsWith(rule))) expect(times(`"${reason}"`), reason).toBeGreaterThan(3);
      if (sizing.some((s) => s.startsWith('execution.max_volume_share')))
        expect(Number(/"partial_fills": (\d+)/.exec(text)?.[1])).toBeGreaterThan(50);
      if (sizing.includes(FUTURE)) expect(times('"stop_loss"')).toBeGreaterThan(20);
    },
  );

  it('a walk-forward run (train sweeps, test windows with warm-up) gives the same results folder', async () => {
    const dirs: string[] = [];
    for (const engine of ['per_event', 'auto']) {
      const out = temp();
      const r = await sluice(
        [
          'run',
          'examples/spy-walk-forward.yaml',
          '--out',
          out,
          '--set',
          'risk={max_exposure: 1.0}',
          '--set',
          `execution.engine=${engine}`,
        ],
        120_000,
      );
      expect(r.code, r.stderr).toBe(0);
      dirs.push(resultsDir(r.stdout));
    }
    expect(resultFiles(dirs[1]!)).toEqual(resultFiles(dirs[0]!));
  }, 180_000);
});

describe('fused path: eligibility', () => {
  it('names the first reason a config runs per event', async () => {
    expect(fusedIneligibility((await load([])).wf)).toBeUndefined();
    expect(fusedIneligibility((await load(['execution.engine=per_event'])).wf)).toBe('execution.engine is per_event');
    expect(fusedIneligibility((await load(['risk.stop_loss_pct=1', 'risk.take_profit_pct=2'])).wf)).toBeUndefined();
    expect(fusedIneligibility((await load(['risk.stop_loss_pct=1', 'execution.fill=close'])).wf)).toBeUndefined();
    expect(fusedIneligibility((await load(['risk.trailing_stop_pct=1'])).wf)).toBeUndefined();
    expect(fusedIneligibility((await load(['risk.max_holding_bars=5'])).wf)).toBeUndefined();
    expect(fusedIneligibility((await load(['risk.close_eod=true'])).wf)).toBeUndefined();
    expect(fusedIneligibility((await load(['risk.max_drawdown_pct=5'])).wf)).toBeUndefined();
    expect(fusedIneligibility((await load(['portfolio.account=margin'])).wf)).toBeUndefined();
    expect(fusedIneligibility((await load(['portfolio.account=margin', 'execution.fill=close'])).wf)).toBeUndefined();
    expect(
      fusedIneligibility(
        (
          await load([
            'portfolio.sizing={type: atr_risk, risk_percent: 1, atr_period: 14, atr_multiple: 2, max_percent: 95}',
          ])
        ).wf,
      ),
    ).toBeUndefined();
    expect(fusedIneligibility((await load(['execution.max_volume_share=0.1'])).wf)).toBeUndefined();
    expect(
      fusedIneligibility((await load(['execution.max_volume_share=0.1', 'portfolio.account=margin'])).wf),
    ).toBeUndefined();
    expect(
      fusedIneligibility((await load(['execution.max_volume_share=0.1', 'execution.fill=close'])).wf),
    ).toBeUndefined();
    expect(fusedIneligibility((await load(['portfolio.entry_order={type: limit, offset_bps: 5}'])).wf)).toBeUndefined();
    expect(
      fusedIneligibility(
        (await load(['portfolio.entry_order={type: stop, offset_bps: 5}', 'execution.fill=close'])).wf,
      ),
    ).toBeUndefined();
    expect(
      fusedIneligibility(
        (
          await load([
            'portfolio.entry_order={type: stop, offset_bps: 5}',
            'execution.fill=close',
            'portfolio.account=margin',
            'risk.stop_loss_pct=1',
          ])
        ).wf,
      ),
    ).toBeUndefined();
    expect(fusedIneligibility((await load([], 'examples/futures-sma-cross.yaml')).wf)).toBeUndefined();
    expect(
      fusedIneligibility((await load(['portfolio.account=margin'], 'examples/futures-sma-cross.yaml')).wf),
    ).toBeUndefined();
    expect(
      fusedIneligibility((await load(['execution.fill=close'], 'examples/futures-sma-cross.yaml')).wf),
    ).toBeUndefined();
    expect(fusedIneligibility((await load(['execution.trace_settings.level=minimal'])).wf)).toBe('event tracing is on');
    const columnless = (await load(['strategies=[{type: rsi_threshold}]'])).wf;
    const { columns: _, ...rsiPerEventOnly } = columnless.strategies[0]!.definition;
    const withoutColumns = {
      ...columnless,
      strategies: [{ ...columnless.strategies[0]!, definition: defineStrategy(rsiPerEventOnly) }],
    };
    expect(fusedIneligibility(withoutColumns)).toMatch(/no columnar logic/);
    expect(fusedIneligibility((await load([])).wf, true)).toMatch(/observer/);
  });
});
