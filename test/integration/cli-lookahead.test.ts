import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, sluice } from '../helpers/cli.ts';

describe('sluice lookahead', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-lookahead-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'small.yaml');
  writeFileSync(
    config,
    `name: small
data: { symbol: SPY, path: ${join(ROOT, 'examples/data/SPY_5m.csv')}, timeframe: 5m, end: '2024-05-01' }
strategies:
  - type: sma_crossover
    params: { fast_period: 10, slow_period: 30 }
    filter: "signal > 0 and rsi(14) < 70"
  - type: rsi_threshold
`,
  );

  it('exits 0 and says so when nothing looks ahead', async () => {
    const r = await sluice(['lookahead', config, '--samples', '12', '--seed', '4']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^small: checked 12 bars × 3 features × 2 strategies: no look-ahead found \(SPY, \d+ bars, warm-up \d+, [\d.]+ s\)\n$/,
    );
  });

  it('prints the report as JSON with --json', async () => {
    const r = await sluice(['lookahead', config, '--bar', '40', '--bar', '100', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(report['checkedBars']).toEqual([40, 100]);
    expect(report['strategies']).toEqual(['sma_crossover', 'rsi_threshold']);
    expect(report['violations']).toEqual([]);
  });

  it('formats config errors as sluice run does, and refuses a bar out of range', async () => {
    const bad = await sluice(['lookahead', config, '--set', 'strategies[0].params.fast_period=-1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('strategies[0].params.fast_period: expected a positive integer, received -1');
    const range = await sluice(['lookahead', config, '--bar', '999999']);
    expect(range.code).toBe(1);
    expect(range.stderr).toMatch(/bar 999999 is out of range: SPY has bars 0 to \d+/);
  });

  it('does not flag filters that read earlier bars (prev, crosses, bars_since, highest/lowest)', async () => {
    const lagged = join(dir, 'lagged.yaml');
    writeFileSync(
      lagged,
      `name: lagged
data: { symbol: SPY, path: ${join(ROOT, 'examples/data/SPY_5m.csv')}, timeframe: 5m, end: '2024-05-01' }
strategies:
  - type: sma_crossover
    params: { fast_period: 10, slow_period: 30 }
    filter: "crosses_above(sma(10), sma(30)) or crosses_below(sma(10), sma(30))"
  - type: rsi_threshold
    filter: "close > prev(close, 1) and bars_since(close < lowest(prev(low, 1), 5)) > 2"
  - type: ensemble
    members:
      - { type: macd_crossover, filter: "close > highest(prev(close, 1), 3) or close < lowest(prev(close, 1), 3)" }
      - { type: ema_crossover, params: { trigger: cross } }
`,
    );
    const r = await sluice(['lookahead', lagged, '--samples', '12', '--seed', '5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { strategies: string[]; violations: unknown[]; checkedBars: number[] };
    expect(report.strategies).toEqual(['sma_crossover', 'rsi_threshold', 'ensemble']);
    expect(report.checkedBars).toHaveLength(12);
    expect(report.violations).toEqual([]);
  });

  it('says that fill: close is optimistic, in text and in --json, without failing the check', async () => {
    const r = await sluice(['lookahead', config, '--bar', '100', '--set', 'execution.fill=close']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/no look-ahead found/);
    expect(lines[1]).toMatch(
      /^warning: execution\.fill: close fills each market order at the close of the very bar whose close produced its signal.*results are optimistic \(on examples\/spy-sma-crossover\.yaml, \+1\.8 points of total return against fill: next_open\)/,
    );
    const json = await sluice(['lookahead', config, '--bar', '100', '--set', 'execution.fill=close', '--json']);
    expect((JSON.parse(json.stdout) as { warnings: string[] }).warnings).toEqual([
      expect.stringMatching(/^execution\.fill: close .* optimistic/),
    ]);
    const honest = await sluice(['lookahead', config, '--bar', '100', '--json']);
    expect((JSON.parse(honest.stdout) as { warnings: string[] }).warnings).toEqual([]);
  });
});
