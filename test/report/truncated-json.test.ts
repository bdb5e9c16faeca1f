/**
 * Issue 19: `sluice report` on a truncated JSON file (a disk that filled up, a copy cut
 * short) says which file, exit 1, instead of a SyntaxError stack and exit 2.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../coordinator/helpers.ts';
import { sluice } from '../helpers/cli.ts';
import { manifestJson } from '../helpers/results.ts';
import { forEachNdjson, ReportError } from '../../src/report/read-results.ts';

describe('truncated result files', () => {
  it('a truncated workflow.json: its path, exit 1, no stack', async () => {
    const dir = tempDir('sluice-trunc-');
    writeFileSync(join(dir, 'workflow.json'), '{"status": "completed", "phases": [{"name": "backt');
    const r = await sluice(['report', dir]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'workflow.json')}: not valid JSON (truncated or damaged?)`);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  }, 30_000);

  it('a truncated phase_summary.json: its path, exit 1', async () => {
    const dir = tempDir('sluice-trunc-');
    writeFileSync(join(dir, 'workflow.json'), manifestJson([{ name: 'backtest', status: 'completed' }]));
    mkdirSync(join(dir, 'backtest'));
    writeFileSync(join(dir, 'backtest', 'phase_summary.json'), '{"status": "comp');
    const r = await sluice(['report', dir]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'backtest', 'phase_summary.json')}: not valid JSON`);
  }, 30_000);

  it('a truncated NDJSON line names the file and line', async () => {
    const dir = tempDir('sluice-trunc-');
    const file = join(dir, 'trades.ndjson');
    writeFileSync(file, '{"pnl": 1}\n{"pnl": 2}\n{"pn');
    const rows: unknown[] = [];
    const err = await forEachNdjson(file, (r) => rows.push(r)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReportError);
    expect((err as Error).message).toMatch(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: not valid JSON`),
    );
    expect(rows).toHaveLength(2);
  });
});
