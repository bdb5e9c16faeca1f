/**
 * Issue 19 item 16: sizes that would exhaust memory are refused quickly, as located
 * config errors naming the limit and the way around it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseConfig, tempDir, writeFile } from '../coordinator/helpers.ts';
import { sluice } from '../helpers/cli.ts';

const STRATEGIES_AT = /^strategies:\n(?: {2}.*\n)*/m;
/** The base config with its strategies replaced by `strategies` (YAML lines). */
const withStrategies = (strategies: string, extra = ''): string =>
  baseConfig().replace(STRATEGIES_AT, `strategies:\n${strategies}\n`) + extra;

async function validate(
  text: string,
  cmd: 'validate' | 'run' = 'validate',
): Promise<{ code: number; stderr: string; ms: number; file: string }> {
  const dir = tempDir('sluice-size-');
  const file = writeFile(dir, 'big.yaml', text);
  const started = Date.now();
  const r = await sluice(cmd === 'run' ? ['run', file, '--out', join(dir, 'out')] : ['validate', file], 60_000);
  return { code: r.code, stderr: r.stderr, ms: Date.now() - started, file };
}

describe('sizes refused before they exhaust memory', () => {
  it('a single-pass grid of 10^6 combinations: refused in seconds, pointing to parameter_sweep', async () => {
    const r = await validate(
      withStrategies(
        "  - type: sma_crossover\n    params: { fast_period: 'range(1, 1001)', slow_period: 'range(1001, 2001)' }",
      ),
      'run',
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.ms).toBeLessThan(15_000);
    expect(r.stderr).toMatch(/big\.yaml:\d+:\d+ .*1,000,000 strategies in one single-pass graph, more than 10,000/);
    expect(r.stderr).toMatch(/parameter_sweep/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('5 × 10^6 strategies in all (five grids of 10^6): refused quickly by validate', async () => {
    const grid =
      "  - type: sma_crossover\n    params: { fast_period: 'range(1, 1001)', slow_period: 'range(1001, 2001)' }";
    const r = await validate(
      withStrategies(Array.from({ length: 5 }, () => grid).join('\n'), 'sequence: parameter_sweep\n'),
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.ms).toBeLessThan(15_000);
    expect(r.stderr).toMatch(/5,000,000 strategies in all, more than 1,000,000/);
  }, 60_000);

  it('a config file over the size limit is refused before it is parsed', async () => {
    const lines = Array.from(
      { length: 40_000 },
      (_, i) =>
        `  - { id: s${i}, type: sma_crossover, params: { fast_period: ${(i % 50) + 1}, slow_period: ${(i % 50) + 60} } }`,
    );
    const r = await validate(withStrategies(lines.join('\n')));
    expect(r.code, r.stderr).toBe(1);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.stderr).toMatch(/the file is [\d.]+ MB, more than 2 MB/);
  }, 60_000);

  it('strategy entries beyond the limit are refused, with the grid as the way around', async () => {
    const lines = Array.from(
      { length: 10_001 },
      (_, i) => `  - {type: sma_crossover, params: {fast_period: ${(i % 50) + 1}, slow_period: ${(i % 50) + 60}}}`,
    );
    const r = await validate(withStrategies(lines.join('\n')));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/10,001 strategy entries, more than 10,000/);
    expect(r.stderr).toMatch(/range\(\)/);
  }, 60_000);

  it('--trace debug with a max_events this machine cannot hold: refused with a lower max_events', async () => {
    const r = await validate(`${baseConfig()}  trace_settings: { level: debug, max_events: 10000000 }\n`);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/execution\.trace_settings\.max_events: 10,000,000 trace records need about [\d.]+ GB/);
    expect(r.stderr).toMatch(/lower max_events/);
  }, 60_000);
});

describe('repeated strategy ids', () => {
  it('two entries with the same explicit id are refused, not renamed', async () => {
    const r = await validate(
      withStrategies(
        '  - { id: a, type: sma_crossover, params: { fast_period: 5, slow_period: 20 } }\n  - { id: a, type: sma_crossover, params: { fast_period: 10, slow_period: 30 } }',
      ),
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/big\.yaml:\d+:\d+ +strategies\[1\]\.id: strategy id 'a' is used twice/);
  }, 60_000);
});
