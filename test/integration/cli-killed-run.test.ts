import { type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sluice, spawnSluice, until } from '../helpers/cli.ts';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('a run killed with kill -9', () => {
  it('records pid and host; report and query show it died; the next run removes its temp files', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sluice-killed-'));
    const run = spawnSluice(
      [
        'run',
        'examples/spy-sma-crossover.yaml',
        '--log-json',
        '--storage',
        'disk',
        '--out',
        out,
        '--set',
        'strategies[0].params.fast_period=range(2, 40, 2)',
        '--set',
        'strategies[0].params.slow_period=range(40, 240, 10)',
      ],
      children,
    );
    await until('the run to start', () => run.stderr.includes('"run started"'), 60_000);
    const [id] = readdirSync(out);
    const dir = join(out, id!);
    const manifest = JSON.parse(readFileSync(join(dir, 'workflow.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ status: 'running', pid: run.child.pid, host: hostname() });
    run.child.kill('SIGKILL');
    await run.exit;

    const query = await sluice(['query', dir, 'SELECT 1']);
    expect(query.code).toBe(1);
    expect(query.stderr).toContain(
      `the run died: the run's process (pid ${String(run.child.pid)} on ${hostname()}) is gone`,
    );

    const report = await sluice(['report', dir]);
    expect(report.code, report.stderr).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('died');
    expect(html).not.toMatch(/"status":"running"/);

    // Temp files of a dead process are removed by the next run into the same folder; a
    // live process's are left alone.
    const phase = join(dir, 'backtest');
    mkdirSync(phase, { recursive: true });
    const stale = join(phase, `.trades.ndjson.${String(run.child.pid)}.0badc0de.tmp`);
    const live = join(phase, `.trades.ndjson.${String(process.pid)}.0badc0de.tmp`);
    writeFileSync(stale, 'x');
    writeFileSync(live, 'x');
    const next = await sluice([
      'run',
      'examples/spy-sma-crossover.yaml',
      '--set',
      'data.end=2024-04-30T00:00:00Z',
      '--out',
      out,
    ]);
    expect(next.code, next.stderr).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});
