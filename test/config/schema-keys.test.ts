import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { camelKey } from '../../src/config/case-keys.ts';
import { parseCamel, toCamelKeys, toSnakeKeys } from '../../src/config/schema-keys.ts';
import { loadYamlFile, parseYamlText } from '../../src/config/yaml-source.ts';
import { parseConfig } from '../../src/config/validate.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { WorkflowConfigSchema, yamlConfig } from '../../src/config/schema/workflow.ts';
import { TopologySchema } from '../../src/config/schema/topology.ts';
import { WorkflowPatternSchema } from '../../src/config/schema/workflow-pattern.ts';
import { ExecutionSchema, RiskSchema } from '../../src/config/schema/trading.ts';
import { LiveSchema } from '../../src/config/schema/live.ts';

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, f));

/** Every object key of `value`, with its path, outside the subtrees `keep` names (params, overlays, user-keyed maps). */
function keysOf(value: unknown, keep: (path: string) => boolean, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => keysOf(v, keep, `${path}[${i}]`));
  if (value === null || typeof value !== 'object' || keep(path)) return [];
  return Object.entries(value).flatMap(([k, v]) => [`${path}.${k}`, ...keysOf(v, keep, `${path}.${k}`)]);
}

describe('the schema boundary: YAML snake_case in, camelCase for the engine, snake_case back out', () => {
  it('camelKey', () => {
    expect(camelKey('slippage_bps')).toBe('slippageBps');
    expect(camelKey('max_msgs_per_subject')).toBe('maxMsgsPerSubject');
    expect(camelKey('bar_ts')).toBe('barTs');
    expect(camelKey('fill')).toBe('fill');
  });

  // YAML → camel → snake is the identity, byte for byte, on every shipped config and
  // pattern: workflow.json, resume keys and templates see exactly what they saw before.
  const configs = [...yamlFiles('examples')];
  it.each(configs)('round-trips %s', async (file) => {
    const source = await loadYamlFile(file);
    const parsed = WorkflowConfigSchema.parse(source.data);
    const camel = toCamelKeys(WorkflowConfigSchema, parsed);
    expect(JSON.stringify(yamlConfig(camel))).toBe(JSON.stringify(parsed));
    // Nothing the schema declares is left in snake_case, except inside what keeps its keys.
    const kept =
      /(\.params|\.containerSettings|\.workflowParams|\.config|\.modify|\.sequence|\.outputs|\.regimes|\.otherwise|\.members\[\d+\]\.params)$/;
    const snake = keysOf(camel, (p) => kept.test(p)).filter((k) => /_/.test(k.split('.').pop()!));
    expect(snake).toEqual([]);
  });

  const topologies = [...yamlFiles('patterns/topologies'), ...yamlFiles('examples/patterns/topologies')];
  it.each(topologies)('round-trips the topology %s', async (file) => {
    const parsed = TopologySchema.parse((await loadYamlFile(file)).data);
    expect(JSON.stringify(toSnakeKeys(TopologySchema, toCamelKeys(TopologySchema, parsed)))).toBe(
      JSON.stringify(parsed),
    );
  });

  it.each(yamlFiles('patterns/workflows'))('round-trips the workflow pattern %s', async (file) => {
    const parsed = WorkflowPatternSchema.parse((await loadYamlFile(file)).data);
    const camel = toCamelKeys(WorkflowPatternSchema, parsed);
    expect(JSON.stringify(toSnakeKeys(WorkflowPatternSchema, camel))).toBe(JSON.stringify(parsed));
    // Phase overlays address YAML paths: they keep their keys.
    expect(camel.phases.map((p) => p.config)).toEqual(parsed.phases.map((p) => p.config));
  });

  it('renames declared keys only: user ids, params, overlays and outputs keep theirs', () => {
    const parsed = WorkflowConfigSchema.parse({
      name: 'w',
      data: { symbol: 'SPY', path: 'spy.csv', timeframe: '1m' },
      strategies: [{ type: 'sma_crossover', id: 'fast_one', params: { fast_period: 5, slow_period: 20 } }],
      execution: {
        slippage_bps: 2,
        trace_settings: {
          max_events: 10,
          container_settings: { portfolio_fast_one: { sample_every: 3 }, 'strategy_*': { max_events: 5 } },
        },
      },
      risk: { max_position_pct: 50, close_eod: { at: '15:55' } },
      phases: [{ name: 'optimize', config: { execution: { slippage_bps: 1 } }, depends_on: [] }],
      workflow_params: { min_sharpe: 1 },
      outputs: { best_params: '{{ phases.optimize.best.params }}' },
    });
    const c = toCamelKeys(WorkflowConfigSchema, parsed);
    expect(c.strategies[0]!.params).toEqual({ fast_period: 5, slow_period: 20 });
    expect(c.strategies[0]!.id).toBe('fast_one');
    expect(c.execution.slippageBps).toBe(2);
    expect(c.execution.traceSettings!.maxEvents).toBe(10);
    expect(c.execution.traceSettings!.containerSettings).toEqual({
      portfolio_fast_one: { sampleEvery: 3 },
      'strategy_*': { maxEvents: 5 },
    });
    expect(c.risk).toEqual({ maxPositionPct: 50, closeEod: { at: '15:55', timezone: 'America/New_York' } });
    expect(c.phases![0]).toEqual({ name: 'optimize', config: { execution: { slippage_bps: 1 } }, dependsOn: [] });
    expect(c.workflowParams).toEqual({ min_sharpe: 1 });
    expect(c.outputs).toEqual({ best_params: '{{ phases.optimize.best.params }}' });
    expect(JSON.stringify(yamlConfig(c))).toBe(JSON.stringify(parsed));
  });

  it('picks the union option that fits: discriminated sizing and commission, boolean-or-object close_eod, string-or-inline topology', () => {
    const e = parseCamel(ExecutionSchema, {
      commission: { model: 'tiered', tiers: [{ up_to_shares: 100, per_share: 0.01 }, { per_share: 0.005 }] },
      slippage: { model: 'volume_share', impact_bps: 500 },
    });
    expect(e.commission).toEqual({
      model: 'tiered',
      tiers: [
        { upToShares: 100, perShare: 0.01, percent: 0 },
        { perShare: 0.005, percent: 0 },
      ],
      minimum: 0,
    });
    expect(e.slippage).toEqual({ model: 'volume_share', impactBps: 500, capBps: 100 });
    expect(parseCamel(RiskSchema, { close_eod: true }).closeEod).toBe(true);
    const live = parseCamel(LiveSchema, { feed: { type: 'alpaca', alpaca: { bars_from: 'trades' } } });
    expect(live.feed.alpaca.barsFrom).toBe('trades');
    expect(toSnakeKeys(LiveSchema, live)).toEqual(
      LiveSchema.parse({ feed: { type: 'alpaca', alpaca: { bars_from: 'trades' } } }),
    );
  });

  it('validates in the YAML spelling: an error names execution.slippage_bps at its line', () => {
    const source = parseYamlText(
      'name: w\ndata: { symbol: SPY, path: spy.csv, timeframe: 1m }\nstrategies: [{ type: sma_crossover }]\nexecution:\n  slippage_bsp: 2\n',
      'w.yaml',
    );
    let error: unknown;
    try {
      parseConfig(source, WorkflowConfigSchema);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issue = (error as ConfigError).issues[0]!;
    expect(issue.path).toEqual(['execution', 'slippage_bsp']);
    expect(issue.line).toBe(5);
    expect(issue.hint).toContain('slippage_bps');
  });
});
