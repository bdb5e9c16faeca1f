import { describe, expect, it } from 'vitest';
import { discoverPatterns } from '../../src/patterns/discover.ts';
import { loadYamlFile } from '../../src/config/yaml-source.ts';
import { parseWithSchema } from '../../src/config/validate.ts';
import { TopologySchema } from '../../src/config/schema/topology.ts';
import { planGraph } from '../../src/topology/graph-plan.ts';

describe('built-in topology patterns', () => {
  const patterns = [...discoverPatterns('topologies').values()];

  it('include backtest and signal_generation', () => {
    expect(patterns.map((p) => p.name)).toEqual(expect.arrayContaining(['backtest', 'signal_generation']));
  });

  it.each(patterns.map((p) => [p.name, p.file]))(
    '%s validates against the schema and plans into a graph',
    async (_name, file) => {
      const source = await loadYamlFile(file);
      const topology = parseWithSchema(source, TopologySchema);
      const problems: string[] = [];
      const plan = planGraph(topology, { strategies: ['a', 'b'] }, (path, code, message) =>
        problems.push(`${path.join('.')}: ${code} ${message}`),
      );
      expect(problems).toEqual([]);
      // Every topology expands per strategy: its strategy containers, or (signal replay) its books.
      const perStrategy = plan?.instances.filter((i) => i.def.foreach === 'strategies') ?? [];
      expect(perStrategy.length).toBeGreaterThan(0);
      expect(new Set(perStrategy.map((i) => i.key))).toEqual(new Set(['a', 'b']));
    },
  );
});
