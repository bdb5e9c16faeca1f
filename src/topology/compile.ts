import type { EventType, SluiceEvent } from '../events/index.ts';
import { createRoute, RouteSubject, type Route, type RouteSpec } from '../routes/index.ts';
import type { Container } from '../containers/container.ts';
import { DataContainer } from '../containers/data.ts';
import type { FusedBooksContainer } from '../containers/fused-books.ts';
import { FeaturesContainer } from '../containers/features.ts';
import { StrategyContainer } from '../containers/strategy.ts';
import { CrossSectionContainer } from '../containers/cross-section.ts';
import { ClassifierContainer } from '../containers/classifier.ts';
import { PortfolioContainer } from '../containers/portfolio.ts';
import { RiskContainer } from '../containers/risk.ts';
import { accountingOf } from '../containers/accounting.ts';
import { ExecutionContainer } from '../containers/execution.ts';
import { SignalSinkContainer } from '../containers/signal-sink.ts';
import { configuredStoreDir } from '../signals/store-identity.ts';
import { SignalSourceContainer } from '../containers/signal-source.ts';
import { FeatureHub } from '../domain/indicators/feature-hub.ts';
import { sizingFeature } from '../domain/portfolio/sizing.ts';
import { parseTimeframe, runBarsPerYear } from '../domain/metrics/timeframe.ts';
import type { ResolvedWorkflow } from '../config/resolved.ts';
import { keepInMemory } from '../results/storage-policy.ts';
import type { ContainerInstance, GraphPlan } from './graph-plan.ts';

/** One container placed in the graph: its inbound routes and where its output goes. */
export interface Placed {
  readonly instance: ContainerInstance;
  readonly container: Container<unknown>;
  /** Routes this container reads from, in declaration order. */
  readonly inputs: readonly Route[];
  /** The one subject every inbound route delivers to (undefined for the data container). */
  readonly inbox: RouteSubject<SluiceEvent> | undefined;
  /** Outbound routes per event type. */
  readonly outputs: Readonly<Partial<Record<EventType, readonly Route[]>>>;
}

/** The instantiated graph: containers in topological order (producers first), routes, the feature hub. */
export interface CompiledGraph {
  readonly plan: GraphPlan;
  readonly placed: readonly Placed[];
  readonly routes: readonly Route[];
  /** What reads the bars: the data container (or the fused container in its place), which counts them and can be halted. */
  readonly data: Pick<DataContainer, 'bars' | 'halt'>;
  readonly hub: FeatureHub;
  /**
   * Set when the graph runs on the fused columnar path: one container in place of the
   * whole graph, whose books the sequencer gives their metrics folds directly.
   */
  readonly fused?: FusedBooksContainer;
}

/**
 * Instantiates a validated plan: one Route (subjects) per route spec and one container per
 * instance. Strategies register their features with the single hub here, so equal
 * features are deduplicated before the first bar.
 */
export function compileGraph(plan: GraphPlan, wf: ResolvedWorkflow): CompiledGraph {
  const hub = new FeatureHub({ timeframe: wf.config.data.timeframe, calendar: wf.config.data.calendar });
  const strategyByKey = new Map(wf.strategies.map((s) => [s.key, s]));
  // One inbox subject per consumer, shared by every route that feeds it.
  const inboxes = new Map<string, RouteSubject<SluiceEvent>>();
  const inbox = (id: string): RouteSubject<SluiceEvent> => {
    let s = inboxes.get(id);
    if (s === undefined) inboxes.set(id, (s = new RouteSubject<SluiceEvent>()));
    return s;
  };
  const containers = new Map(plan.instances.map((i) => [i.id, createContainer(i, wf, hub, strategyByKey)]));
  // A consumer that ignores every event type a route carries is left off it.
  const wanted = (spec: RouteSpec): RouteSpec => {
    const targets = spec.targets.filter(
      (t) => !spec.events.every((type) => containers.get(t.id)?.ignores?.(type) === true),
    );
    return targets.length === spec.targets.length ? spec : { ...spec, targets };
  };
  const routes = plan.routes.map((spec) => createRoute(wanted(spec), inbox));

  const placed = plan.instances.map((instance): Placed => {
    const container = containers.get(instance.id)!;
    const inputs = routes.filter((r) => r.targets.some((t) => t.id === instance.id));
    const outputs: Partial<Record<EventType, Route[]>> = {};
    for (const route of routes) {
      if (!route.from.includes(instance.id)) continue;
      for (const type of route.events) (outputs[type] ??= []).push(route);
    }
    return { instance, container, inputs, inbox: inboxes.get(instance.id), outputs };
  });
  const data = placed.find((p) => p.instance.role === 'data')!.container as unknown as DataContainer;
  return { plan, placed, routes, data, hub };
}

function createContainer(
  instance: ContainerInstance,
  wf: ResolvedWorkflow,
  hub: FeatureHub,
  strategyByKey: ReadonlyMap<string, ResolvedWorkflow['strategies'][number]>,
): Container<unknown> {
  const { id, key } = instance;
  const cfg = wf.config;
  switch (instance.role) {
    case 'data':
      return new DataContainer(id) as Container<unknown>;
    case 'features':
      return new FeaturesContainer(id, hub) as Container<unknown>;
    case 'classifier': {
      const c = wf.classifiers.find((k) => k.id === key);
      if (c === undefined)
        throw new Error(
          `container '${id}': no classifier '${String(key)}' (a classifier container needs foreach: classifiers)`,
        );
      const slots = c.definition.features(c.params).map((req) => hub.register(req));
      return new ClassifierContainer(id, c.id, c.definition, c.params, slots) as Container<unknown>;
    }
    case 'strategy': {
      const s = strategyByKey.get(key!)!;
      const slots = s.definition.features(s.params).map((req) => hub.register(req));
      if (s.definition.crossSection !== undefined) {
        // The universe in the merge's order (UTF-16 code units, as mergeSources sorts).
        const symbols = [...new Set(wf.sources.map((src) => src.symbol))].sort();
        return new CrossSectionContainer(
          id,
          s.key,
          s.definition,
          s.params,
          slots,
          symbols,
          cfg.data.calendar,
        ) as Container<unknown>;
      }
      const filter =
        s.filter === undefined
          ? undefined
          : { ...s.filter, slots: s.filter.features.map((f) => hub.register(f.request)) };
      return new StrategyContainer(
        id,
        s.key,
        s.definition,
        s.params,
        slots,
        filter,
        wf.classifiers.map((c) => c.id),
      ) as Container<unknown>;
    }
    case 'portfolio': {
      const feature = sizingFeature(cfg.portfolio.sizing);
      const slot = feature === undefined ? undefined : hub.register(feature);
      const bpy = runBarsPerYear(wf);
      return new PortfolioContainer(
        id,
        key ?? id,
        cfg.portfolio,
        slot,
        bpy,
        wf.tradeFrom ?? Number.NEGATIVE_INFINITY,
        cfg.risk,
        parseTimeframe(cfg.data.timeframe),
        accountingOf(cfg),
      ) as Container<unknown>;
    }
    case 'risk':
      return new RiskContainer(id, cfg.risk, accountingOf(cfg).funds) as Container<unknown>;
    case 'execution':
      return new ExecutionContainer(id, cfg.execution) as Container<unknown>;
    case 'signal_sink':
      return new SignalSinkContainer(
        id,
        keepInMemory(cfg.results),
        wf.classifiers.length > 0,
        wf.liveStore === undefined
          ? { workflow: wf, dir: configuredStoreDir(wf) ?? null, rowGroupRows: cfg.signals.rowGroupRows }
          : {
              workflow: wf,
              dir: wf.liveStore.dir,
              rowGroupRows: wf.liveStore.rowGroupRows,
              live: { feed: wf.liveStore.feed, warmup: wf.liveStore.warmup },
            },
      ) as Container<unknown>;
    case 'signal_source':
      if (wf.replay === undefined)
        throw new Error(
          `container '${id}': a signal_source replays a signal store, but the config names none (replay.store)`,
        );
      // The universe of a cross-sectional strategy's targets, as the strategy container has it.
      return new SignalSourceContainer(
        id,
        wf.replay.signals,
        wf.strategies.map((s) => s.key),
        wf.replay.forced,
        [...new Set(wf.sources.map((src) => src.symbol))].sort(),
      ) as Container<unknown>;
  }
}

/** The function a container's output subscriber calls: send each event on every route that carries its type. */
export function dispatcher(outputs: Placed['outputs']): (ev: SluiceEvent) => void {
  // Most containers send every event type they emit on one route: skip the lookup then.
  const all = Object.values(outputs);
  const only = all[0];
  if (only !== undefined && only.length === 1 && all.every((rs) => rs.length === 1 && rs[0] === only[0])) {
    const route = only[0]!;
    const types = new Set(Object.keys(outputs));
    return (ev) => {
      if (types.has(ev.type)) route.next(ev);
    };
  }
  return (ev) => {
    const routes = outputs[ev.type];
    if (routes === undefined) return;
    for (let i = 0; i < routes.length; i++) routes[i]!.next(ev);
  };
}
