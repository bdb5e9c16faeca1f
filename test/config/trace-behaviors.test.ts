import { describe, expect, it } from 'vitest';
import { parseCamel } from '../../src/config/schema-keys.ts';
import { BehaviorSchema } from '../../src/config/schema/topology.ts';
import { WorkflowConfigSchema } from '../../src/config/schema/workflow.ts';
import { withTraceBehaviors } from '../../src/config/trace-behaviors.ts';

const config = (containerSettings: Record<string, unknown> = {}) =>
  parseCamel(WorkflowConfigSchema, {
    name: 't',
    data: { symbol: 'SPY', path: 'x.csv', timeframe: '5m' },
    strategies: [{ type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 } }],
    execution: { trace_settings: { level: 'none', container_settings: containerSettings } },
  });
const behaviors = (list: unknown[]) => list.map((b) => parseCamel(BehaviorSchema, b));

describe('withTraceBehaviors', () => {
  it('lays trace and sample_every behaviors into container_settings, behaviors first, the config winning field by field', () => {
    const base = config({ execution: { sample_every: 3 }, 'portfolio_*': { max_events: 500 } });
    const out = withTraceBehaviors(
      base,
      behaviors([
        { match: 'strategy_*', trace: 'detailed' },
        { match: 'execution', trace: 'minimal', sample_every: 10 },
        { match: 'portfolio_*', record: {} },
      ]),
    );
    expect(out.execution.traceSettings!.containerSettings).toEqual({
      'strategy_*': { level: 'detailed' },
      execution: { level: 'minimal', sampleEvery: 3 },
      'portfolio_*': { maxEvents: 500 },
    });
    expect(Object.keys(out.execution.traceSettings!.containerSettings)).toEqual([
      'strategy_*',
      'execution',
      'portfolio_*',
    ]);
    // An immutable update: the input is untouched, the rest shared, the result frozen.
    expect(Object.keys(base.execution.traceSettings!.containerSettings)).toEqual(['execution', 'portfolio_*']);
    expect(out.strategies).toBe(base.strategies);
    expect(Object.isFrozen(out.execution)).toBe(true);
  });

  it("lays throttle and max_events in too; a record throttle or cap stays the recording's own", () => {
    const out = withTraceBehaviors(
      config({ risk: { max_events: 200 } }),
      behaviors([
        { match: 'risk', trace: 'minimal', throttle: '1h', max_events: 500 },
        { match: 'data', record: { throttle: '1d', max_events: 10 } },
      ]),
    );
    expect(out.execution.traceSettings!.containerSettings).toEqual({
      risk: { level: 'minimal', throttle: '1h', maxEvents: 200 },
    });
  });

  it('returns the config itself when no behavior traces', () => {
    const base = config();
    expect(withTraceBehaviors(base, undefined)).toBe(base);
    expect(withTraceBehaviors(base, behaviors([{ match: '*', record: { format: 'parquet' } }]))).toBe(base);
  });
});
