/**
 * A results folder whose files do not match their schemas (another engine version, an
 * edit by hand): `sluice report` and `sluice compare` name the file, the field (and an
 * NDJSON row's line) and exit 1, with no stack.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../coordinator/helpers.ts';
import { runWithReport, sluice } from './make-results.ts';

let good: string;

beforeAll(async () => {
  ({ dir: good } = await runWithReport('examples/spy-sma-crossover.yaml', ['--set', 'data.end=2024-05-01']));
}, 60_000);

/** A copy of the good run with `edit` applied to the JSON of `file`. */
function broken(file: string, edit: (json: Record<string, unknown>) => void): string {
  const dir = join(tempDir('sluice-malformed-'), 'run');
  cpSync(good, dir, { recursive: true });
  const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(join(dir, file), JSON.stringify(json));
  return dir;
}

describe('report and compare on files that do not match their schemas', () => {
  it('a wrong metric in phase_summary.json: report names the file and the field, exit 1, no stack', async () => {
    const dir = broken('backtest/phase_summary.json', (j) => {
      (j['best'] as { metrics: Record<string, unknown> }).metrics['sharpe_ratio'] = 'high';
    });
    const r = await sluice(['report', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `${join(dir, 'backtest', 'phase_summary.json')}: best.metrics.sharpe_ratio: Invalid input: expected number, received string`,
    );
    expect(r.out).not.toMatch(/\n\s+at /);
  });

  it('a manifest without phases: the file and the missing field', async () => {
    const dir = broken('workflow.json', (j) => {
      delete j['phases'];
    });
    const r = await sluice(['report', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${join(dir, 'workflow.json')}: phases: Invalid input: expected array, received undefined`);
  });

  it('a trade row of another shape: the file, its line and the field', async () => {
    const dir = join(tempDir('sluice-malformed-'), 'run');
    cpSync(good, dir, { recursive: true });
    const file = join(dir, 'backtest', 'trades.ndjson');
    const lines = readFileSync(file, 'utf8').split('\n');
    const row = JSON.parse(lines[2]!) as Record<string, unknown>;
    lines[2] = JSON.stringify({ ...row, direction: 'sideways' });
    writeFileSync(file, lines.join('\n'));
    const r = await sluice(['report', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${file}:3: direction: Invalid option: expected one of "long"|"short"`);
  });

  it('compare: the folder whose file does not match', async () => {
    const dir = broken('backtest/aggregate_results.json', (j) => {
      j['ranking'] = 'sma_crossover';
    });
    const r = await sluice(['compare', good, dir, '--out', join(tempDir('sluice-malformed-'), 'cmp.html')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `${join(dir, 'backtest', 'aggregate_results.json')}: ranking: Invalid input: expected array, received string`,
    );
  });
});
