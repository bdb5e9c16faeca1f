import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import type { ConfigIssue } from '../../src/config/config-error.ts';
import { catchConfigErrorAsync } from './catch-config-error.ts';

const FIXTURE = 'test/fixtures/configs/spy-composite.yaml';
const DATA = resolve('examples/data/SPY_5m.csv');
const dir = mkdtempSync(join(tmpdir(), 'sluice-composition-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Writes a config with the given classifiers/strategies YAML (and optional extra top-level YAML) and returns its path. */
function config(body: string, extra = ''): string {
  const file = join(dir, `c${n++}.yaml`);
  writeFileSync(file, `name: t\ndata: { symbol: SPY, path: ${JSON.stringify(DATA)}, timeframe: 5m }\n${extra}${body}`);
  return file;
}

const CLASSIFIERS = `classifiers:
  - { id: trend, type: trend_regime }
  - { id: vol, type: volatility_regime }
`;

async function issues(file: string): Promise<ConfigIssue[]> {
  return (await catchConfigErrorAsync(() => loadWorkflow(file))).issues;
}

/** `path message (hint)` of an issue, with its line:col, for compact assertions. */
const show = (i: ConfigIssue) =>
  `${i.line}:${i.col} ${i.path.join('.')}: ${i.message}${i.hint !== undefined ? ` (${i.hint})` : ''}`;

describe('classifiers: config', () => {
  it('resolves ids (default the type), params with defaults, and plans one classifier container each', async () => {
    const { wf, plan } = await loadWorkflow(FIXTURE);
    expect(wf.classifiers.map((c) => [c.id, c.type])).toEqual([
      ['trend', 'trend_regime'],
      ['vol', 'volatility_regime'],
    ]);
    expect(plan.instances.filter((i) => i.role === 'classifier').map((i) => i.id)).toEqual([
      'classifier_trend',
      'classifier_vol',
    ]);
    const { wf: plain } = await loadWorkflow(
      config(`classifiers: [{ type: trend_regime }]\nstrategies: [{ type: sma_crossover }]\n`),
    );
    expect(plain.classifiers[0]!.id).toBe('trend_regime');
    expect(plain.classifiers[0]!.params).toEqual({
      period: 14,
      adx_threshold: 25,
      ma: 'ema',
      ma_period: 50,
      slope_bars: 5,
    });
  });

  it('without classifiers the built-in topologies plan no classifier container and run as before', async () => {
    const { plan } = await loadWorkflow('test/fixtures/configs/spy-small.yaml');
    expect(plan.instances.some((i) => i.role === 'classifier')).toBe(false);
    expect(plan.routes.find((r) => r.name === 'regimes')!.from).toEqual([]);
  });

  it('locates an unknown type with a did-you-mean, a grid in params, a duplicate or reserved id', async () => {
    const found = await issues(
      config(`classifiers:
  - { id: trend, type: trend_regim }
  - { id: vol, type: volatility_regime, params: { lookback: [50, 100] } }
  - { id: a, type: trend_regime, params: { slope_bars: 0 } }
  - { id: a, type: trend_regime }
  - { id: close, type: trend_regime }
strategies: [{ type: sma_crossover }]
`),
    );
    expect(found.map(show)).toEqual([
      "4:24 classifiers.0.type: unknown classifier 'trend_regim' (did you mean 'trend_regime'?)",
      '5:61 classifiers.1.params.lookback: classifier params take one value each (no grids) (to compare settings, configure one classifier per setting, each with its own id)',
      '6:56 classifiers.2.params.slope_bars: expected a positive integer, received 0',
      "7:11 classifiers.3.id: classifier id 'a' is used twice (give each classifier its own id:)",
      "8:11 classifiers.4.id: 'close' cannot be a classifier id: filters already use that name (choose another id:)",
    ]);
  });

  it('refuses classifiers when the topology has no classifier container', async () => {
    const patterns = join(dir, 'patterns', 'topologies');
    mkdirSync(patterns, { recursive: true });
    writeFileSync(
      join(patterns, 'no_classifier.yaml'),
      `name: no_classifier
containers:
  - { id: data, role: data }
  - { id: features, role: features }
  - { id: strategy, role: strategy, foreach: strategies }
  - { id: signals, role: signal_sink }
routes:
  - { kind: broadcast, from: data, to: features, events: [BAR] }
  - { kind: broadcast, from: features, to: strategy, events: [FEATURES] }
  - { kind: merge, from: strategy, to: signals, events: [SIGNAL] }
`,
    );
    const file = config(
      `${CLASSIFIERS}strategies: [{ type: sma_crossover }]\n`,
      `topology: no_classifier\npatterns: [${JSON.stringify(join(dir, 'patterns'))}]\n`,
    );
    const [issue] = await issues(file);
    expect(issue!.path).toEqual(['classifiers']);
    expect(issue!.message).toBe(
      "the topology 'no_classifier' has no classifier container, so these classifiers would never run",
    );
    // A classifier container whose regimes reach no strategy is refused too.
    writeFileSync(
      join(patterns, 'unwired.yaml'),
      `name: unwired
containers:
  - { id: data, role: data }
  - { id: features, role: features }
  - { id: classifier, role: classifier, foreach: classifiers }
  - { id: strategy, role: strategy, foreach: strategies }
  - { id: signals, role: signal_sink }
routes:
  - { kind: broadcast, from: data, to: features, events: [BAR] }
  - { kind: broadcast, from: features, to: [classifier, strategy], events: [FEATURES] }
  - { kind: merge, from: strategy, to: signals, events: [SIGNAL] }
  - { kind: merge, from: classifier, to: signals, events: [CLASSIFICATION] }
`,
    );
    const [unwired] = await issues(
      config(
        `${CLASSIFIERS}strategies: [{ type: sma_crossover }]\n`,
        `topology: unwired\npatterns: [${JSON.stringify(join(dir, 'patterns'))}]\n`,
      ),
    );
    expect(unwired!.message).toBe(
      "the topology 'unwired' delivers no CLASSIFICATION to its strategies, so they would never see a regime",
    );
  });
});

describe('composite strategies: config', () => {
  it('builds one strategy per composite, reporting members as plain data', async () => {
    const { wf } = await loadWorkflow(FIXTURE);
    expect(wf.strategies.map((s) => [s.key, s.type, s.definition.name])).toEqual([
      ['vote', 'ensemble', 'ensemble'],
      ['switch', 'regime_switch', 'regime_switch'],
      ['nested', 'ensemble', 'ensemble'],
    ]);
    expect(wf.strategies[0]!.params).toEqual({
      rule: 'weighted_vote',
      threshold: 0.5,
      members: [
        { type: 'sma_crossover', params: { fast_period: 10, slow_period: 30 }, weight: 2 },
        { type: 'rsi_threshold', params: { period: 14, oversold: 30, overbought: 70 }, weight: 1 },
        { type: 'macd_crossover', params: { fast: 12, slow: 26, signal: 9 }, weight: 1, filter: "vol != 'high'" },
      ],
    });
    expect(wf.strategies[1]!.params).toEqual({
      classifier: 'trend',
      regimes: {
        trending_up: { type: 'ema_crossover', params: { fast_period: 12, slow_period: 26 } },
        trending_down: { type: 'donchian_breakout', params: { period: 20, exit_period: 10 } },
        ranging: 'flat',
      },
      otherwise: { type: 'bollinger_reversion', params: { period: 20, stddev: 2 } },
    });
    // Features: the members' concatenated, the member filter's call included.
    expect(wf.strategies[0]!.definition.features({}).map((f) => f.indicator)).toEqual(['sma', 'sma', 'rsi', 'macd']);
    expect(wf.strategies[2]!.filter!.text).toBe("trend != 'ranging' and rsi(14) < 70");
  });

  it("expands grids inside members into the composite's cross product; constraint filters the top-level params", async () => {
    const { wf } = await loadWorkflow(
      config(`strategies:
  - id: e
    type: ensemble
    params: { threshold: [0.3, 0.6, 0.9] }
    constraint: threshold < 0.8
    members:
      - { type: sma_crossover, params: { fast_period: [5, 10], slow_period: 30 } }
      - { type: rsi_threshold, params: { period: [7, 14] }, constraint: period > 10 }
      - { type: ema_crossover }
`),
    );
    // 2 thresholds × 2 fast periods × 1 RSI period.
    expect(wf.strategies.map((s) => s.key)).toEqual(['e_0.3_5_30', 'e_0.3_10_30', 'e_0.6_5_30', 'e_0.6_10_30']);
    const members = (s: (typeof wf.strategies)[number]) => s.params['members'] as { params: Record<string, number> }[];
    expect(
      wf.strategies.map((s) => [
        s.params['threshold'],
        members(s)[0]!.params['fast_period'],
        members(s)[1]!.params['period'],
      ]),
    ).toEqual([
      [0.3, 5, 14],
      [0.3, 10, 14],
      [0.6, 5, 14],
      [0.6, 10, 14],
    ]);
  });

  it("a constraint may compare an ensemble's rule", async () => {
    const { wf } = await loadWorkflow(
      config(`strategies:
  - id: e
    type: ensemble
    params: { rule: [weighted_vote, majority], threshold: [0.5, 0.75] }
    constraint: "rule == 'weighted_vote' or threshold == 0.5"
    members: [{ type: sma_crossover }, { type: rsi_threshold }]
`),
    );
    expect(wf.strategies.map((s) => s.key)).toEqual(['e_weighted_vote_0.5', 'e_weighted_vote_0.75', 'e_majority_0.5']);
  });

  it('locates member mistakes at their YAML path: params, types, keys, nesting', async () => {
    const found = await issues(
      config(`${CLASSIFIERS}strategies:
  - type: ensemble
    members:
      - { type: sma_crosover }
      - { type: sma_crossover, params: { fast_period: -3 } }
      - { type: rsi_threshold, wieght: 2 }
      - type: regime_switch
        classifier: trend
        regimes:
          ranging:
            type: ensemble
            members: [{ type: macd_crossover, params: { fast: 30 } }]
`),
    );
    expect(found.map(show)).toEqual([
      "9:17 strategies.0.members.0.type: unknown strategy 'sma_crosover' (did you mean 'sma_crossover'?)",
      '10:55 strategies.0.members.1.params.fast_period: expected a positive integer, received -3',
      "11:32 strategies.0.members.2.wieght: unknown key 'wieght' (did you mean 'weight'?)",
      // The rule's path (slow) is not written, so its params mapping is pointed at.
      '17:55 strategies.0.members.3.regimes.ranging.members.0.params.slow: slow must be greater than fast',
    ]);
  });

  it('locates an unknown classifier, an unknown regime, misplaced keys and missing members', async () => {
    const found = await issues(
      config(`${CLASSIFIERS}strategies:
  - type: regime_switch
    classifier: trnd
    regimes: { ranging: flat }
  - type: regime_switch
    classifier: trend
    regimes: { trending_upp: { type: sma_crossover }, ranging: flat }
  - type: sma_crossover
    members: [{ type: rsi_threshold }]
  - type: ensemble
`),
    );
    expect(found.map(show)).toEqual([
      "8:17 strategies.0.classifier: unknown classifier 'trnd' (did you mean 'trend'?)",
      "12:16 strategies.1.regimes.trending_upp: classifier 'trend' (trend_regime) has no regime 'trending_upp' (did you mean 'trending_up'?)",
      '14:5 strategies.2.members: only a strategy of type ensemble has members (this entry is type sma_crossover)',
      '15:5 strategies.3: an ensemble needs members: (members: [ { type: sma_crossover, params: { … } }, { type: rsi_threshold }, … ])',
    ]);
  });

  it('filters read classifier ids as regime labels: typos are located with suggestions', async () => {
    const at = async (filter: string) =>
      (await issues(config(`${CLASSIFIERS}strategies:\n  - { type: sma_crossover, filter: "${filter}" }\n`)))[0]!;
    const unknownName = await at("trnd == 'ranging'");
    expect([unknownName.message, unknownName.hint]).toEqual(["unknown name 'trnd'", "did you mean 'trend'?"]);
    expect(unknownName.col).toBe(37);
    const noSuggestion = await at('zzzzz > 1');
    expect(noSuggestion.hint).toBe('names: signal, strength, open, high, low, close, volume, trend, vol');
    const label = await at("signal > 0 and trend == 'trending'");
    expect([label.message, label.hint, label.col]).toEqual([
      "'trend' is never 'trending'",
      'its labels: trending_up, trending_down, ranging',
      61,
    ]);
    const near = await at("trend == 'trending_dwn'");
    expect([near.message, near.hint]).toEqual(["'trend' is never 'trending_dwn'", "did you mean 'trending_down'?"]);
    const order = await at('trend > 1');
    expect([order.message, order.hint]).toEqual([
      "'trend' is a regime label: compare it with == or != to a quoted label",
      "e.g. trend == 'trending_up'",
    ]);
    const number = await at('trend == 1');
    expect(number.message).toBe("'trend' (a regime label) can only be compared with a quoted label or another regime");
    const bare = await at('trend and signal > 0');
    expect(bare.message).toBe("'trend' is a regime label: compare it with == or != to a quoted label");
    // No classifiers: a classifier-like name is just unknown.
    const none = (await issues(config(`strategies:\n  - { type: sma_crossover, filter: "trend == 'ranging'" }\n`)))[0]!;
    expect(none.message).toBe("unknown name 'trend'");
  });
});

describe('a classifier that fails to resolve', () => {
  it('is reported once: strategies and filters naming it add no second error', async () => {
    const found = await issues(
      config(`classifiers: [{ id: trend, type: trend_regim }]
strategies:
  - { type: regime_switch, classifier: trend, regimes: { up: flat } }
  - { type: sma_crossover, filter: "trend == 'anything'" }
`),
    );
    expect(found.map((i) => i.path.join('.'))).toEqual(['classifiers.0.type']);
  });
});
