import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';

it('a .pq or .parq data file named in a config is read as Parquet, as by sluice features', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pq-'));
  for (const ext of ['pq', 'parq', 'PARQUET']) {
    copyFileSync('test/fixtures/data/SPY_1m_head.parquet', join(dir, `bars.${ext}`));
    writeFileSync(
      join(dir, 'c.yaml'),
      `name: pq\ndata: { symbol: SPY, path: bars.${ext}, timeframe: 1m }\nstrategies:\n  - type: sma_crossover\n    params: { fast_period: 5, slow_period: 20 }\n`,
    );
    const { wf } = await loadWorkflow(join(dir, 'c.yaml'));
    expect(wf.sources[0]!.format, ext).toBe('parquet');
  }
});
