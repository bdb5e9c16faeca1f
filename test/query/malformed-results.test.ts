/**
 * `sluice query` on a results folder whose files do not match their schemas: the file and
 * the field, exit 1, before DuckDB reads anything.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { QueryError } from '../../src/query/query-error.ts';
import { runQuery } from '../../src/query/run-query.ts';
import { tempDir } from '../coordinator/helpers.ts';
import { runWithReport, sluice } from '../report/make-results.ts';

let good: string;

beforeAll(async () => {
  ({ dir: good } = await runWithReport('examples/spy-sma-crossover.yaml', ['--set', 'data.end=2024-05-01']));
}, 60_000);

function copy(): string {
  const dir = join(tempDir('sluice-query-malformed-'), 'run');
  cpSync(good, dir, { recursive: true });
  return dir;
}

describe('query on files that do not match their schemas', () => {
  it('the good run answers', async () => {
    const r = await runQuery(good, 'SELECT count(*) AS n FROM phases');
    expect(r.rows).toEqual([['1']]);
  });

  it('phase_summary.json with a wrong status: the file and the field, exit 1', async () => {
    const dir = copy();
    const file = join(dir, 'backtest', 'phase_summary.json');
    writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), status: 'done' }));
    const r = await sluice(['query', dir, 'SELECT * FROM phases']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'phase_summary.json: status: Invalid option: expected one of "completed"|"failed"|"cancelled"|"skipped"',
    );
    await expect(runQuery(dir, 'SELECT 1')).rejects.toThrow(QueryError);
  });

  it('a trades.ndjson whose first row is of another kind: the file, line 1 and the field', async () => {
    const dir = copy();
    const file = join(dir, 'backtest', 'trades.ndjson');
    writeFileSync(file, `{"ts":"2024-01-01T00:00:00.000Z","equity":1}\n${readFileSync(file, 'utf8')}`);
    const err = await runQuery(dir, 'SELECT count(*) FROM trades').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryError);
    expect((err as Error).message).toMatch(
      /trades\.ndjson:1: trade_id: Invalid input: expected number, received undefined/,
    );
  });
});
