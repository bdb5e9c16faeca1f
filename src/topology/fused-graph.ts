/**
 * The compile-time choice between the per-event graph and the fused columnar path
 * (src/containers/fused-books.ts), and the fused path's set-up. All the config the fused
 * path reads is read here, once.
 *
 * The fused path runs a phase only when it computes exactly what the per-event graph
 * computes; anything it does not implement keeps the per-event graph, unchanged, and
 * `fusedIneligibility` names the first reason (`sluice explain` prints it).
 */
import type { ResolvedWorkflow } from '../config/resolved.ts';
import type { TopologyDef } from '../config/schema/topology.ts';
import { accountingOf } from '../containers/accounting.ts';
import { BookExits } from '../domain/risk/book-exits.ts';
import { FusedBooksContainer } from '../containers/fused-books.ts';
import { definitionKind } from '../domain/define.ts';
import { FeatureHub } from '../domain/indicators/feature-hub.ts';
import { sizingFeature } from '../domain/portfolio/sizing.ts';
import { EventTracer } from '../tracing/tracer.ts';
import { parseTimeframe, runBarsPerYear } from '../domain/metrics/timeframe.ts';
import type { Container } from '../containers/container.ts';
import { MAX_RISK_NOTES } from '../domain/risk/risk-verdict.ts';
import type { GraphPlan } from './graph-plan.ts';
import type { CompiledGraph, Placed } from './compile.ts';

/** The built-in backtest graph (patterns/topologies/backtest.yaml), as the fused path implements it. */
const BACKTEST_CONTAINERS = [
  ['data', 'data', undefined],
  ['features', 'features', undefined],
  ['classifier', 'classifier', 'classifiers'],
  ['strategy', 'strategy', 'strategies'],
  ['portfolio', 'portfolio', 'strategies'],
  ['risk', 'risk', undefined],
  ['execution', 'execution', undefined],
] as const;
const BACKTEST_ROUTES = [
  ['broadcast', 'data', 'portfolio,execution,features', 'BAR', false],
  ['broadcast', 'features', 'portfolio', 'FEATURES', false],
  ['broadcast', 'features', 'classifier,strategy', 'FEATURES', false],
  ['broadcast', 'classifier', 'strategy', 'CLASSIFICATION', false],
  ['selective', 'strategy', 'portfolio', 'SIGNAL', false],
  ['merge', 'portfolio', 'risk', 'ORDER,CANCEL', false],
  ['pipeline', 'risk', 'execution', 'ORDER,CANCEL', false],
  ['feedback', 'risk', 'portfolio', 'REJECT', true],
  ['feedback', 'execution', 'portfolio', 'FILL,REJECT', true],
] as const;

const list = (v: string | readonly string[]): string => (typeof v === 'string' ? v : v.join(','));

/** Whether a topology is the built-in backtest graph: same containers, same routes in the same order. */
function isBacktestGraph(t: TopologyDef): boolean {
  if ((t.behaviors ?? []).length > 0) return false;
  if (t.containers.length !== BACKTEST_CONTAINERS.length || t.routes.length !== BACKTEST_ROUTES.length) return false;
  const containersMatch = t.containers.every((c, i) => {
    const [id, role, foreach] = BACKTEST_CONTAINERS[i]!;
    return c.id === id && c.role === role && c.foreach === foreach;
  });
  return (
    containersMatch &&
    t.routes.every((r, i) => {
      const [kind, from, to, events, byKey] = BACKTEST_ROUTES[i]!;
      return (
        r.kind === kind &&
        list(r.from) === from &&
        list(r.to) === to &&
        r.events.join(',') === events &&
        (r.byKey === true) === byKey
      );
    })
  );
}

/**
 * Why a phase cannot run on the fused path, or undefined when it can. `observed` says an
 * observer outside the graph watches its events or lifecycle (the look-ahead check,
 * a trace sink, a test hook), which only the per-event graph has.
 */
export function fusedIneligibility(wf: ResolvedWorkflow, observed = false): string | undefined {
  const cfg = wf.config;
  if (cfg.execution.engine === 'per_event') return 'execution.engine is per_event';
  if (observed) return "an observer of the graph's events watches this run (look-ahead check, trace sink)";
  if (!isBacktestGraph(wf.topology))
    return 'the topology is not the built-in backtest graph (or it records container events with behaviors)';
  if (wf.replay !== undefined || wf.liveStore !== undefined) return 'a signal replay or a live run';
  if (wf.sources.length !== 1) return 'more than one symbol';
  const settings = cfg.execution.traceSettings;
  if (settings !== undefined && EventTracer.enabled(settings)) return 'event tracing is on';
  for (const s of wf.strategies) {
    if (s.definition.columns === undefined)
      return `strategy '${s.type}' has no columnar logic (defineStrategy's columns)`;
    // defineStrategy checked that its columns came with its create; a copy with another
    // create (`{ ...sma_crossover, create }`) would run a logic the columns do not follow.
    if (definitionKind(s.definition) !== 'strategy') return `strategy '${s.type}' was not made by defineStrategy`;
  }
  if (wf.strategies.length === 0) return 'no strategies';
  const p = cfg.portfolio;
  // Every sizing rule runs fused; the feature one reads (atr_risk, volatility_target) is a
  // hub column, its value at the signal bar as the portfolio reads it from FEATURES.
  const sizings: readonly string[] = ['fixed', 'percent_equity', 'atr_risk', 'volatility_target'];
  if (!sizings.includes(p.sizing.type)) return `portfolio.sizing ${p.sizing.type}`;
  // Limit and stop entries (they rest at the simulated broker), every exit rule, a margin
  // account's calls and partial fills (max_volume_share) run fused, with either fill mode:
  // the books' own BookExits and MarginCalls, and the execution container's desk around the
  // simulated broker (src/domain/execution/execution-desk.ts), which holds a fill: close
  // exit decided before its bar reached execution until that bar
  // (src/domain/columnar/fused-exit-flow.ts).
  // Futures too, with either fill mode: the exit flow marks each held book at the bar's
  // close, and books a fill: close order that fills while the books are visited (a margin
  // call or drawdown halt of the bar before, the warm-up's last signals) at the bar
  // before's mark, as the per-event portfolio has it (`markPrice`).
  return undefined;
}

/** Whether a symbol of the config is a futures contract (its book's cash settles at every close). */
function holdsFutures(cfg: ResolvedWorkflow['config']): boolean {
  return [...accountingOf(cfg).instruments.values()].some((i) => i.kind === 'future');
}

/**
 * The fused container for an eligible plan (check `fusedIneligibility` first): the
 * feature hub with every classifier's, strategy's and the sizing's features registered
 * (deduplicated, in the order the per-event compiler registers them, so slots and results
 * agree), the classifiers, the strategies' column logic and the book loop's options.
 */
export function compileFused(plan: GraphPlan, wf: ResolvedWorkflow): CompiledGraph {
  const cfg = wf.config;
  const hub = new FeatureHub({ timeframe: cfg.data.timeframe, calendar: cfg.data.calendar });
  const byKey = new Map(wf.strategies.map((s) => [s.key, s]));
  const instances = plan.instances;
  // First the classifiers' features: the per-event compiler builds the classifier
  // containers before the strategies', in the graph's order.
  const classifierById = new Map(wf.classifiers.map((c) => [c.id, c]));
  const classifierSlots = new Map(
    instances
      .filter((i) => i.role === 'classifier')
      .map((i) => {
        const c = classifierById.get(i.key!)!;
        return [c.id, c.definition.features(c.params).map((req) => hub.register(req))] as const;
      }),
  );
  // In config order, as the strategy containers list the regimes in their context.
  const classifiers = wf.classifiers.map((c) => ({
    key: c.id,
    definition: c.definition,
    params: c.params,
    slots: classifierSlots.get(c.id)!,
  }));
  const strategyInstances = instances.filter((i) => i.role === 'strategy');
  const strategies = strategyInstances.map((i) => {
    const s = byKey.get(i.key!)!;
    return {
      key: s.key,
      definition: s.definition,
      params: s.params,
      slots: s.definition.features(s.params).map((req) => hub.register(req)),
      // After the strategy's own features, as the per-event compiler registers them.
      filter:
        s.filter === undefined
          ? undefined
          : { ...s.filter, slots: s.filter.features.map((f) => hub.register(f.request)) },
    };
  });
  // After every strategy's features and filters: the per-event compiler registers it when it
  // builds the portfolio containers, which come after the strategies in the graph's order.
  const feature = sizingFeature(cfg.portfolio.sizing);
  const sizingSlot = feature === undefined ? undefined : hub.register(feature);
  const portfolioIds = new Map(instances.filter((i) => i.role === 'portfolio').map((i) => [i.key!, i.id]));
  const accounting = accountingOf(cfg);
  const data = instances.find((i) => i.role === 'data')!;
  const fused = new FusedBooksContainer(data.id, {
    instances: instances.map((i) => ({ id: i.id, role: i.role, key: i.key })),
    hub,
    classifiers,
    strategies,
    sizingSlot,
    books: {
      symbol: wf.sources[0]!.symbol,
      keys: strategies.map((s) => s.key),
      portfolioIds: strategies.map((s) => portfolioIds.get(s.key)!),
      initialCash: cfg.portfolio.initialCash,
      allowShort: cfg.portfolio.allowShort,
      sizing: cfg.portfolio.sizing,
      sizingInputs: feature === undefined ? undefined : { barsPerYear: runBarsPerYear(wf) },
      closeAtEnd: cfg.portfolio.closeAtEnd,
      tradeFrom: wf.tradeFrom ?? Number.NEGATIVE_INFINITY,
      limits: cfg.risk,
      funds: accounting.funds,
      instruments: accounting.instruments,
      slippage: accounting.funds.slippage,
      commission: cfg.execution.commission,
      maxNotes: MAX_RISK_NOTES,
      fillAtClose: cfg.execution.fill === 'close',
      // The books' orders go through the simulated broker for the exit rules, for a margin
      // account's calls (a liquidation may wait at the broker beside the signal's order) and
      // for partial fills (the broker caps each fill at a share of the bar's volume; an
      // order's rest waits beside the next signal's order), for limit and stop entries (they
      // rest at the broker, expire there, and the next signal cancels them), and for a future
      // (its books are marked at every close they hold a contract, before the bar's fills).
      exits:
        BookExits.wanted(cfg.risk) ||
        cfg.portfolio.account === 'margin' ||
        cfg.execution.maxVolumeShare !== undefined ||
        cfg.portfolio.entryOrder.type !== 'market' ||
        holdsFutures(cfg)
          ? {
              rules: BookExits.wanted(cfg.risk) ? cfg.risk : undefined,
              barMs: parseTimeframe(cfg.data.timeframe),
              // As the execution container builds its broker.
              broker: {
                id: instances.find((i) => i.role === 'execution')!.id,
                fill: cfg.execution.fill,
                slippageBps: cfg.execution.slippageBps,
                slippage: cfg.execution.slippage,
                commission: cfg.execution.commission,
                maxVolumeShare: cfg.execution.maxVolumeShare,
              },
              entryOrder: cfg.portfolio.entryOrder.type === 'market' ? undefined : cfg.portfolio.entryOrder,
            }
          : undefined,
    },
    portfolio: cfg.portfolio,
    risk: cfg.risk,
    execution: cfg.execution,
  });
  // The fused container takes the data container's place: it reads the source's chunks.
  const placed: Placed = {
    instance: data,
    container: fused as Container<unknown>,
    inputs: [],
    inbox: undefined,
    outputs: {},
  };
  return { plan, placed: [placed], routes: [], data: fused, hub, fused };
}
