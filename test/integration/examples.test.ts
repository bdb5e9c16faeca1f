import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** The README's example commands, run as a user would, each in its own results folder. */
async function sluiceRun(example: string): Promise<{ stdout: string; dir: string }> {
  const out = mkdtempSync(join(tmpdir(), 'sluice-example-'));
  const { stdout } = await run('node', ['bin/sluice.js', 'run', example, '--out', out], {
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const [id] = readdirSync(out).filter((d) => !d.startsWith('.'));
  return { stdout, dir: join(out, id!) };
}

const status = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'workflow.json'), 'utf8')) as { status: string }).status;

describe('the README examples', () => {
  it('spy-ensemble: a filtered weighted vote with two classifiers trades and completes', async () => {
    const { stdout, dir } = await sluiceRun('examples/spy-ensemble.yaml');
    expect(stdout).toMatch(/Trades\s+\d{3}/);
    expect(status(dir)).toBe('completed');
  }, 60_000);

  it('spy-event-cross: trigger: cross with a lagged breakout filter, the numbers the README gives', async () => {
    const { stdout, dir } = await sluiceRun('examples/spy-event-cross.yaml');
    expect(stdout).toMatch(/Trades\s+240\n/);
    expect(stdout).toMatch(/Total return\s+-3\.19%/);
    expect(status(dir)).toBe('completed');
  }, 60_000);

  it('spy-optimize: optimize then validate, with outputs', async () => {
    const { stdout, dir } = await sluiceRun('examples/spy-optimize.yaml');
    expect(stdout).toMatch(/optimize\s+completed\s+parameter_sweep/);
    expect(stdout).toMatch(/validate\s+completed\s+single_pass/);
    expect(stdout).toContain('best_parameters:');
    expect(status(dir)).toBe('completed');
  }, 60_000);

  it('spy-walk-forward: windows and a stitched out-of-sample line', async () => {
    const { stdout, dir } = await sluiceRun('examples/spy-walk-forward.yaml');
    expect(stdout).toMatch(/out of sample \(stitched\): return -?\d/);
    expect(readdirSync(join(dir, 'walk_forward', 'windows')).length).toBeGreaterThan(10);
    expect(status(dir)).toBe('completed');
  }, 60_000);

  it("spy-walk-forward-monte-carlo: a bootstrap of every window's out-of-sample trades", async () => {
    const { stdout, dir } = await sluiceRun('examples/spy-walk-forward-monte-carlo.yaml');
    expect(stdout).toMatch(/return {2}mc P\(loss\)\n/);
    expect(stdout).toMatch(/out of sample \(stitched\): return -?\d/);
    const summary = JSON.parse(readFileSync(join(dir, 'backtest', 'phase_summary.json'), 'utf8')) as {
      walk_forward: { per_window: { test_sequence: { status: string; monte_carlo: { draws: number } } }[] };
    };
    const rows = summary.walk_forward.per_window;
    expect(rows.length).toBeGreaterThan(10);
    expect(
      rows.every((w) => w.test_sequence.status === 'completed' && w.test_sequence.monte_carlo.draws === 1000),
    ).toBe(true);
    expect(readdirSync(join(dir, 'backtest', 'windows', '0', 'monte_carlo'))).toContain('phase_summary.json');
    expect(status(dir)).toBe('completed');
  }, 60_000);
});

describe('spy-recorded: a topology with behaviors', () => {
  it('records the book to Parquet and traces the strategy, with the same trades and metrics as the plain backtest', async () => {
    const { parquetReadObjects } = await import('hyparquet');
    const plain = await sluiceRun('examples/spy-sma-crossover.yaml');
    const { stdout, dir } = await sluiceRun('examples/spy-recorded.yaml');
    expect(status(dir)).toBe('completed');
    // Behaviors observe: every line of the metrics table is the plain run's.
    const table = (s: string) =>
      s.split('\n').filter((l) => /^(Trades|Total return|Sharpe|Max drawdown|Final equity)\s/.test(l));
    expect(table(stdout)).toEqual(table(plain.stdout));
    expect(table(stdout)).toHaveLength(5);

    const phase = join(dir, 'backtest_recorded');
    const file = join(phase, 'records', 'portfolio_sma_crossover.parquet');
    const bytes = readFileSync(file);
    const rows = (await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    })) as { record_seq: bigint | number; type: string; data: string }[];
    const count = (t: string) => rows.filter((r) => r.type === t).length;
    expect(count('PORTFOLIO')).toBe(20769); // one snapshot per bar
    expect(count('TRADE')).toBe(Number(/Trades\s+(\d+)/.exec(stdout)![1]));
    expect(count('ORDER')).toBeGreaterThan(0);
    expect(rows.map((r) => Number(r.record_seq))).toEqual(rows.map((_, i) => i + 1));
    expect(JSON.parse(rows.find((r) => r.type === 'TRADE')!.data)).toHaveProperty('pnl');

    const summary = JSON.parse(readFileSync(join(phase, 'phase_summary.json'), 'utf8')) as {
      files: string[];
      trace: { containers: Record<string, Record<string, { recorded: number }>> };
    };
    expect(summary.files).toContain('records/portfolio_sma_crossover.parquet');
    expect(summary.trace.containers['strategy_sma_crossover']!['SIGNAL']!.recorded).toBeGreaterThan(0);
    // execution: minimal, one event in ten of each type (fills it sends are its own).
    const fills = summary.trace.containers['execution']!['FILL']!.recorded;
    expect(fills).toBe(Math.ceil(count('ORDER') / 10));
  }, 120_000);
});
