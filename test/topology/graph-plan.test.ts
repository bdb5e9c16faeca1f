import { describe, expect, it } from 'vitest';
import { parseCamel } from '../../src/config/schema-keys.ts';
import { TopologySchema, type TopologyDef } from '../../src/config/schema/topology.ts';
import { endpointIds, planGraph } from '../../src/topology/graph-plan.ts';
import { explainMermaid } from '../../src/topology/explain.ts';
import type { ConfigPath } from '../../src/config/config-error.ts';

interface Reported {
  path: ConfigPath;
  code: string;
  message: string;
  hint: string | undefined;
}

/** A signal-generation graph with two strategy containers, so globs have something to choose from. */
function topology(extra: { routes?: unknown[]; behaviors?: unknown[] } = {}): TopologyDef {
  return parseCamel(TopologySchema, {
    name: 'two_families',
    containers: [
      { id: 'data', role: 'data' },
      { id: 'features', role: 'features' },
      { id: 'strategy_fast', role: 'strategy', foreach: 'strategies' },
      { id: 'strategy_slow', role: 'strategy' },
      { id: 'sink', role: 'signal_sink' },
    ],
    routes: extra.routes ?? [
      { name: 'bars', kind: 'broadcast', from: 'data', to: ['sink', 'features'], events: ['BAR'] },
      { name: 'features', kind: 'broadcast', from: 'features', to: 'strategy_*', events: ['FEATURES'] },
      { name: 'signals', kind: 'merge', from: ['strategy_*'], to: 'sink', events: ['SIGNAL'] },
    ],
    ...(extra.behaviors !== undefined ? { behaviors: extra.behaviors } : {}),
  });
}

function plan(topo: TopologyDef) {
  const issues: Reported[] = [];
  const graph = planGraph(topo, { strategies: ['a', 'b'] }, (path, code, message, hint) =>
    issues.push({ path, code, message, hint }),
  );
  return { graph, issues };
}

describe('glob route endpoints', () => {
  it('stand for every declared container whose id matches, in declared order', () => {
    const { graph, issues } = plan(topology());
    expect(issues).toEqual([]);
    const features = graph!.routes.find((r) => r.name === 'features')!;
    expect(features.targets.map((t) => t.id)).toEqual(['strategy_fast_a', 'strategy_fast_b', 'strategy_slow']);
    expect(graph!.routes.find((r) => r.name === 'signals')!.from).toEqual([
      'strategy_fast_a',
      'strategy_fast_b',
      'strategy_slow',
    ]);
  });

  it('a glob that matches nothing is a located error with the containers that exist', () => {
    const { graph, issues } = plan(
      topology({
        routes: [
          { name: 'bars', kind: 'broadcast', from: 'data', to: ['sink', 'features'], events: ['BAR'] },
          { name: 'features', kind: 'broadcast', from: 'features', to: 'strategy_*', events: ['FEATURES'] },
          { name: 'signals', kind: 'merge', from: ['strategy_*', 'stratgy_*'], to: 'sink', events: ['SIGNAL'] },
        ],
      }),
    );
    expect(graph).toBeNull();
    expect(issues).toEqual([
      {
        path: ['routes', 2, 'from', 1],
        code: 'DANGLING_ROUTE',
        message: "route 'signals' starts at 'stratgy_*', which matches no container",
        hint: 'containers: data, features, strategy_fast, strategy_slow, sink',
      },
    ]);
  });

  it('a container named both by a glob and by its id is one endpoint', () => {
    const { graph, issues } = plan(
      topology({
        routes: [
          { name: 'bars', kind: 'broadcast', from: 'data', to: ['sink', 'features'], events: ['BAR'] },
          {
            name: 'features',
            kind: 'broadcast',
            from: 'features',
            to: ['strategy_*', 'strategy_slow'],
            events: ['FEATURES'],
          },
          { name: 'signals', kind: 'merge', from: 'strategy_*', to: 'sink', events: ['SIGNAL'] },
        ],
      }),
    );
    expect(issues).toEqual([]);
    expect(graph!.routes.find((r) => r.name === 'features')!.targets.map((t) => t.id)).toEqual([
      'strategy_fast_a',
      'strategy_fast_b',
      'strategy_slow',
    ]);
  });
});

describe('endpointIds (readers of routes other than the planner)', () => {
  it('expands globs over the declared ids, each once, and drops names that match nothing', () => {
    const t = topology();
    expect(endpointIds(t, 'strategy_*')).toEqual(['strategy_fast', 'strategy_slow']);
    expect(endpointIds(t, ['sink', 'strat*', 'strategy_slow', 'nope_*', 'nope'])).toEqual([
      'sink',
      'strategy_fast',
      'strategy_slow',
    ]);
  });

  it('lets the Mermaid view draw a glob route to every container it stands for', () => {
    const { graph } = plan(topology());
    const mermaid = explainMermaid(graph!);
    expect(mermaid).toContain('features -->|broadcast: FEATURES| strategy_fast');
    expect(mermaid).toContain('strategy_slow -->|merge: SIGNAL| sink');
    expect(mermaid).not.toContain('*');
  });
});

describe('topology behaviors', () => {
  it('match container instances (after foreach expansion)', () => {
    const { graph, issues } = plan(
      topology({
        behaviors: [
          { match: 'strategy_fast_*', trace: 'detailed' },
          { match: '*', sample_every: 10 },
          { match: 'sink', record: {} },
        ],
      }),
    );
    expect(issues).toEqual([]);
    expect(graph!.topology.behaviors![2]!.record).toEqual({ format: 'ndjson' });
  });

  it('a glob that matches no container is an error naming the containers that exist', () => {
    const { graph, issues } = plan(topology({ behaviors: [{ match: 'portfolio_*', trace: 'standard' }] }));
    expect(graph).toBeNull();
    expect(issues).toEqual([
      {
        path: ['behaviors', 0, 'match'],
        code: 'UNKNOWN_NAME',
        message: "behavior 'portfolio_*' matches no container",
        hint: 'containers: data, features, strategy_fast_a, strategy_fast_b, strategy_slow, sink',
      },
    ]);
  });

  it('a behavior that attaches nothing, or an unknown key, is refused by the schema', () => {
    expect(TopologySchema.safeParse({ ...topology(), behaviors: [{ match: '*' }] }).error?.issues[0]?.message).toBe(
      'a behavior attaches nothing: give trace, sample_every or record',
    );
    expect(TopologySchema.safeParse({ ...topology(), behaviors: [{ match: '*', throttle: 5 }] }).success).toBe(false);
    expect(
      TopologySchema.safeParse({ ...topology(), behaviors: [{ match: '*', record: { format: 'csv' } }] }).success,
    ).toBe(false);
  });
});
