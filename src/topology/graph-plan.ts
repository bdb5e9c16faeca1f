import type { EventType } from '../events/index.ts';
import type { ContainerDef, Role, RouteDef, TopologyDef } from '../config/schema/topology.ts';
import type { ConfigPath } from '../config/config-error.ts';
import { globToRegExp } from '../config/container-match.ts';
import { didYouMean } from '../errors/suggest.ts';
import type { RouteSpec, RouteTarget } from '../routes/route.ts';
import { KEYED_EVENTS, ROLE_IO } from './roles.ts';

/** A container instance after foreach expansion. */
export interface ContainerInstance {
  readonly id: string;
  readonly role: Role;
  readonly key: string | undefined;
  /** The definition it came from, and its index in `containers`. */
  readonly def: ContainerDef;
  readonly defIndex: number;
}

/** A route after expansion, with the index of its definition. */
export interface PlannedRoute extends RouteSpec {
  readonly defIndex: number;
}

/** The graph as data: instances in topological order (producers first) and routes. */
export interface GraphPlan {
  readonly topology: TopologyDef;
  readonly instances: readonly ContainerInstance[];
  readonly routes: readonly PlannedRoute[];
}

/** Reports a problem at a path inside the topology document. */
export type ReportIssue = (path: ConfigPath, code: string, message: string, hint?: string) => void;

/**
 * Keys of every foreach collection, e.g. the strategy ids for `foreach: strategies`. A
 * collection left out is empty: its foreach containers get no instance (and routes to or
 * from them simply have no consumer or producer there).
 */
export interface ForeachKeys {
  readonly strategies: readonly string[];
  readonly classifiers?: readonly string[];
}

/**
 * Validates a topology as data and expands it: unknown or duplicate containers, route
 * endpoints that do not exist, routes whose kind does not fit their ends, event types a
 * role cannot produce or consume, containers nothing feeds, and cycles not closed by a
 * feedback route are all reported (every one, located), before anything is instantiated.
 * Returns null when something was reported.
 */
export function planGraph(topology: TopologyDef, keys: ForeachKeys, report: ReportIssue): GraphPlan | null {
  let ok = true;
  const fail: ReportIssue = (...args) => {
    ok = false;
    report(...args);
  };

  const defs = new Map<string, { def: ContainerDef; index: number }>();
  topology.containers.forEach((def, index) => {
    if (defs.has(def.id))
      fail(['containers', index, 'id'], 'DUPLICATE_CONTAINER', `container id '${def.id}' is used twice`);
    else defs.set(def.id, { def, index });
  });
  const roleCount = (role: Role) => topology.containers.filter((c) => c.role === role).length;
  if (roleCount('data') !== 1) {
    fail(['containers'], 'GRAPH', `a topology needs exactly one data container, found ${roleCount('data')}`);
  }
  if (roleCount('features') > 1) {
    fail(['containers'], 'GRAPH', 'a topology has at most one features container (the shared feature hub)');
  }
  topology.containers.forEach((def, index) => {
    if (def.foreach !== undefined && def.role === 'data') {
      fail(['containers', index, 'foreach'], 'GRAPH', 'the data container cannot be expanded with foreach');
    }
  });

  const instancesOf = (def: ContainerDef, index: number): ContainerInstance[] =>
    def.foreach === undefined
      ? [{ id: def.id, role: def.role, key: undefined, def, defIndex: index }]
      : (keys[def.foreach] ?? []).map((key) => ({ id: `${def.id}_${key}`, role: def.role, key, def, defIndex: index }));

  // Resolve route endpoints against container definitions.
  const edges: { from: string; to: string; route: number; feedback: boolean }[] = [];
  const endpoints = (route: RouteDef, r: number, side: 'from' | 'to'): ContainerDef[] => {
    const names = typeof route[side] === 'string' ? [route[side]] : route[side];
    const found: ContainerDef[] = [];
    names.forEach((name, i) => {
      const path: ConfigPath = typeof route[side] === 'string' ? ['routes', r, side] : ['routes', r, side, i];
      const ends = side === 'from' ? 'starts at' : 'leads to';
      // A glob (`portfolio_*`) stands for every declared container whose id it matches, in declared order.
      if (name.includes('*')) {
        const re = globToRegExp(name);
        const hits = topology.containers.filter((d) => re.test(d.id) && defs.get(d.id)?.def === d);
        for (const d of hits) if (!found.includes(d)) found.push(d);
        if (hits.length > 0) return;
        const guess = didYouMean(name, defs.keys());
        fail(
          path,
          'DANGLING_ROUTE',
          `route ${routeName(route, r)} ${ends} '${name}', which matches no container`,
          `${guess ? `did you mean '${guess}'? ` : ''}containers: ${[...defs.keys()].join(', ')}`,
        );
        return;
      }
      const hit = defs.get(name);
      if (hit !== undefined) {
        // Once per route end, also when a glob of the same list already named it.
        if (!found.includes(hit.def)) found.push(hit.def);
        return;
      }
      const guess = didYouMean(name, defs.keys());
      fail(
        path,
        'DANGLING_ROUTE',
        `route ${routeName(route, r)} ${ends} unknown container '${name}'`,
        guess ? `did you mean '${guess}'?` : `containers: ${[...defs.keys()].join(', ')}`,
      );
    });
    return found;
  };

  const planned: PlannedRoute[] = [];
  const inbound = new Map<string, number>();
  topology.routes.forEach((route, r) => {
    const from = endpoints(route, r, 'from');
    const to = endpoints(route, r, 'to');
    if (from.length === 0 || to.length === 0) return;
    const name = routeName(route, r);
    checkEvents(route, r, name, from, to, fail);

    const byKey = route.kind === 'selective' || route.byKey === true;
    if (byKey) {
      for (const t of to) {
        if (t.foreach === undefined)
          fail(
            ['routes', r, 'to'],
            'GRAPH',
            `${route.kind} route ${name} delivers by key, but '${t.id}' is not a foreach container`,
            'deliver by key only to containers with foreach',
          );
      }
      for (const ev of route.events) {
        if (!KEYED_EVENTS.has(ev))
          fail(
            ['routes', r, 'events'],
            'GRAPH',
            `${route.kind} route ${name} delivers by key, but ${ev} events carry no key`,
          );
      }
    }
    const fromIds = from.flatMap((d) => instancesOf(d, defs.get(d.id)!.index)).map((i) => i.id);
    const targets: RouteTarget[] = to
      .flatMap((d) => instancesOf(d, defs.get(d.id)!.index))
      .map((i) => (i.key === undefined ? { id: i.id } : { id: i.id, key: i.key }));
    if (route.kind === 'pipeline' && (fromIds.length !== 1 || targets.length !== 1)) {
      fail(
        ['routes', r, 'kind'],
        'GRAPH',
        `pipeline route ${name} links one container to one, but it has ${fromIds.length} producer(s) and ${targets.length} consumer(s)`,
        fromIds.length > 1 ? "use kind 'merge' for many → one" : "use kind 'broadcast' for one → many",
      );
    }
    if (route.kind === 'merge' && targets.length !== 1) {
      fail(
        ['routes', r, 'to'],
        'GRAPH',
        `merge route ${name} has ${targets.length} consumers; merge is many → one`,
        "use kind 'broadcast' or 'selective' to deliver to many",
      );
    }
    for (const t of to) inbound.set(t.id, (inbound.get(t.id) ?? 0) + 1);
    for (const f of from)
      for (const t of to) edges.push({ from: f.id, to: t.id, route: r, feedback: route.kind === 'feedback' });
    const plainName = route.name ?? `${from.map((d) => d.id).join('_')}_to_${to.map((d) => d.id).join('_')}`;
    planned.push({
      name: plainName,
      kind: route.kind,
      from: fromIds,
      targets,
      events: route.events,
      byKey,
      defIndex: r,
    });
  });

  topology.containers.forEach((def, index) => {
    if (def.role !== 'data' && !inbound.has(def.id)) {
      fail(
        ['containers', index],
        'DANGLING_CONTAINER',
        `container '${def.id}' (${def.role}) receives nothing: no route leads to it`,
        `add a route with to: ${def.id}, or remove the container`,
      );
    }
  });

  const order = topologicalOrder(topology.containers, topology.routes, edges, fail);
  if (!ok || order === null) return null;
  const instances = order.flatMap((id) => {
    const { def, index } = defs.get(id)!;
    return instancesOf(def, index);
  });
  checkBehaviors(topology, instances, fail);
  if (!ok) return null;
  return { topology, instances, routes: planned };
}

/**
 * The declared container ids a route end names: ids as written, a glob (`strategy_*`)
 * expanded over the declared ids in declared order, each id once. A name that matches
 * nothing is left out (planGraph reports it). For readers of a topology's routes other
 * than the planner (the look-ahead graph, the classifier wiring check, the Mermaid view).
 */
export function endpointIds(topology: TopologyDef, end: string | readonly string[]): string[] {
  const ids = topology.containers.map((c) => c.id);
  const out: string[] = [];
  for (const name of typeof end === 'string' ? [end] : end) {
    const re = globToRegExp(name);
    for (const id of ids) if ((name.includes('*') ? re.test(id) : id === name) && !out.includes(id)) out.push(id);
  }
  return out;
}

/**
 * Each behavior's `match` must select at least one container instance (after foreach
 * expansion: `portfolio_*` matches the instances `portfolio_<key>`): a glob that matches
 * nothing is a typo or a stale name, reported with the ids that exist.
 */
function checkBehaviors(topology: TopologyDef, instances: readonly ContainerInstance[], fail: ReportIssue): void {
  const ids = instances.map((x) => x.id);
  (topology.behaviors ?? []).forEach((b, i) => {
    const re = globToRegExp(b.match);
    if (ids.some((id) => re.test(id))) return;
    const guess = didYouMean(b.match, ids);
    fail(
      ['behaviors', i, 'match'],
      'UNKNOWN_NAME',
      `behavior '${b.match}' matches no container`,
      `${guess !== undefined ? `did you mean '${guess}'? ` : ''}containers: ${ids.join(', ')}`,
    );
  });
}

function routeName(route: RouteDef, index: number): string {
  if (route.name !== undefined) return `'${route.name}'`;
  const side = (v: string | string[]) => (typeof v === 'string' ? v : v.join('+'));
  return `#${index} (${side(route.from)} → ${side(route.to)})`;
}

function checkEvents(
  route: RouteDef,
  r: number,
  name: string,
  from: ContainerDef[],
  to: ContainerDef[],
  fail: ReportIssue,
): void {
  route.events.forEach((ev: EventType, i) => {
    for (const f of from) {
      if (!ROLE_IO[f.role].produces.includes(ev)) {
        fail(
          ['routes', r, 'events', i],
          'EVENT_MISMATCH',
          `route ${name} carries ${ev}, but '${f.id}' (${f.role}) never produces ${ev}`,
          `${f.role} produces: ${ROLE_IO[f.role].produces.join(', ') || 'nothing'}`,
        );
      }
    }
    for (const t of to) {
      if (!ROLE_IO[t.role].consumes.includes(ev)) {
        fail(
          ['routes', r, 'events', i],
          'EVENT_MISMATCH',
          `route ${name} carries ${ev}, but '${t.id}' (${t.role}) does not consume ${ev}`,
          `${t.role} consumes: ${ROLE_IO[t.role].consumes.join(', ') || 'nothing'}`,
        );
      }
    }
  });
}

/**
 * Kahn's algorithm over non-feedback edges, ties broken by declaration order so the
 * order (and everything derived from it) is deterministic. A leftover set is a cycle
 * that no feedback route closes: reported with the cycle spelled out.
 */
function topologicalOrder(
  containers: readonly ContainerDef[],
  routes: readonly RouteDef[],
  edges: readonly { from: string; to: string; route: number; feedback: boolean }[],
  fail: ReportIssue,
): string[] | null {
  const forward = edges.filter((e) => !e.feedback && e.from !== e.to);
  const selfLoop = edges.find((e) => !e.feedback && e.from === e.to);
  if (selfLoop !== undefined) {
    const route = routes[selfLoop.route]!;
    fail(
      ['routes', selfLoop.route, 'kind'],
      'CYCLE',
      `route ${routeName(route, selfLoop.route)} (${route.kind}) leads from '${selfLoop.from}' back to itself`,
      "only a route of kind 'feedback' may close a cycle",
    );
    return null;
  }
  const indegree = new Map(containers.map((c) => [c.id, 0]));
  for (const e of forward) indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
  const order: string[] = [];
  const done = new Set<string>();
  while (order.length < indegree.size) {
    const next = containers.find((c) => !done.has(c.id) && indegree.get(c.id) === 0);
    if (next === undefined) break;
    done.add(next.id);
    order.push(next.id);
    for (const e of forward) if (e.from === next.id) indegree.set(e.to, (indegree.get(e.to) ?? 0) - 1);
  }
  if (order.length === indegree.size) return order;

  // Walk the remaining graph to name one cycle.
  const rest = forward.filter((e) => !done.has(e.from) && !done.has(e.to));
  const start = rest[0]!;
  const path = [start.from];
  let at = start.to;
  let closing = start;
  while (!path.includes(at)) {
    path.push(at);
    const step = rest.find((e) => e.from === at)!;
    closing = step;
    at = step.to;
  }
  const cycle = [...path.slice(path.indexOf(at)), at].join(' → ');
  const route = routes[closing.route]!;
  // Point at the kind: making the route that goes back upstream a feedback route is the fix.
  fail(
    ['routes', closing.route, 'kind'],
    'CYCLE',
    `route ${routeName(route, closing.route)} (${route.kind}) closes the cycle ${cycle}, but only a feedback route may close a cycle`,
    'make the route that goes back upstream kind: feedback',
  );
  return null;
}
