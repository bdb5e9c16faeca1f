import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCommand } from '../../src/cli/list.ts';
import { main } from '../../src/cli/main.ts';
import { baseConfig, tempDir, writeFile } from './helpers.ts';

async function sluice(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'sluice', ...args], { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('sluice list workflows | sequences | topologies', () => {
  it('prints name, description and source file', () => {
    const text = listCommand('workflows', []);
    expect(text).toMatch(
      /^workflows:\n {2}optimize_validate\s+built-in {2}patterns\/workflows\/optimize_validate\.yaml\n\s+Sweep the strategies' grids/,
    );
    expect(text).toMatch(
      /walk_forward\s+built-in {2}patterns\/workflows\/walk_forward\.yaml\n\s+Walk-forward analysis/,
    );
    expect(listCommand('sequences', [])).toMatch(
      /parameter_sweep\s+built-in {2}patterns\/sequences\/parameter_sweep\.yaml\n\s+Every combination/,
    );
    expect(listCommand('topologies', [])).toMatch(/backtest\s+built-in {2}patterns\/topologies\/backtest\.yaml/);
    expect(listCommand(undefined, [])).toContain('workflows:');
    // An optional enum param shows its choices: the crossovers' trigger.
    expect(listCommand('strategies', [])).toMatch(
      /sma_crossover\s+fast_period=10, slow_period=30, trigger \(state\|cross\)/,
    );
  });

  it('marks a user pattern that overrides a built-in one', async () => {
    const dir = tempDir();
    writeFile(dir, 'workflows/walk_forward.yaml', 'name: walk_forward\ndescription: my own\nphases: [{ name: a }]\n');
    const res = await sluice(['list', 'workflows', '--patterns', dir]);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(
      /walk_forward\s+user {2}\S*walk_forward\.yaml {2}\(overrides .*patterns\/workflows\/walk_forward\.yaml\)\n\s+my own/,
    );
  });
});

describe('sluice run / validate of a multi-phase workflow', () => {
  it('prints a per-phase summary with skip reasons and outputs', async () => {
    const dir = tempDir();
    const file = writeFile(
      dir,
      'wf.yaml',
      `${baseConfig()}workflow: optimize_validate\nworkflow_params: { min_sharpe: 1000 }\n`,
    );
    const res = await sluice(['run', file, '--out', join(dir, 'results'), '--log-level', 'silent']);
    expect(res.code, res.err).toBe(0);
    expect(res.out).toMatch(/^wf_test: workflow optimize_validate, 2 phases, primary metric sharpe_ratio\n/);
    expect(res.out).toMatch(/\nphase {5}status {5}sequence {9}sharpe_ratio {2}return {2}max dd {2}trades {2}best\n/);
    expect(res.out).toMatch(
      /\noptimize {2}completed {2}parameter_sweep +-?[\d.]+ +-?[\d.]+% +[\d.]+% +\d+ {2}sma_crossover \{fast_period: \d+, slow_period: \d+\}\n/,
    );
    expect(res.out).toMatch(
      /\nvalidate {2}skipped\s*\n {2}validate skipped: optimize sharpe_ratio -?[\d.]+ is not > 1000\n/,
    );
    expect(res.out).toMatch(/\noptimize:\n {2}combinations: 4 \(\d computed, \d reused from earlier runs\)\n/);
    expect(res.out).toMatch(
      /\noutputs:\n {2}best_type: sma_crossover\n {2}best_parameters: \{"fast_period":\d+,"slow_period":\d+\}\n/,
    );
    expect(res.out).toContain('  validated: skipped');
    const ids = readdirSync(join(dir, 'results')).filter((d) => !d.startsWith('.'));
    expect(ids).toHaveLength(1);
    expect(res.out).toContain(`results: ${join(dir, 'results', ids[0]!)}`);
  });

  it('exits 1 and prints the located error of a failed phase', async () => {
    const dir = tempDir();
    const file = writeFile(
      dir,
      'wf.yaml',
      `${baseConfig()}phases:\n  - name: first\n  - name: second\n    depends_on: [first]\n    config: { risk: { max_position: "{{ phases.first.status }}" } }\n`,
    );
    const res = await sluice(['run', file, '--out', join(dir, 'results'), '--log-level', 'silent']);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/wf\.yaml:\d+:\d+ {2}risk\.max_position: phase 'second': /);
    expect(res.err).toMatch(/the workflow failed; partial results: .* \(marked "status": "failed"\)/);
  });

  it('an invalid workflow is refused before anything runs', async () => {
    const dir = tempDir();
    const file = writeFile(
      dir,
      'wf.yaml',
      `${baseConfig()}phases:\n  - name: a\n    depends_on: [b]\n  - name: b\n    depends_on: [a]\n`,
    );
    const res = await sluice(['run', file, '--out', join(dir, 'results'), '--log-level', 'silent']);
    expect(res.code).toBe(1);
    expect(res.err).toContain('phases wait for each other in a cycle: a → b → a');
    expect(readdirSync(dir)).toEqual(['wf.yaml']);
    const validate = await sluice(['validate', file]);
    expect(validate.code).toBe(1);
    expect(validate.err).toContain('a → b → a');
  });

  it('validate describes a valid workflow', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'wf.yaml', `${baseConfig()}workflow: optimize_validate\n`);
    const res = await sluice(['validate', file]);
    expect(res.code, res.err).toBe(0);
    expect(res.out).toBe(`${file}: OK — workflow optimize_validate: phases optimize, validate`);
  });
});
