import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { sluice } from '../helpers/cli.ts';

it('a .ts workflow module in a folder without "type": "module" loads (as plugins do)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-wfmod-'));
  writeFileSync(
    join(dir, 'wf.ts'),
    'const workflow = {\n  shouldContinue(results: { iteration: number }): boolean {\n    return results.iteration < 2;\n  },\n};\nexport default workflow;\n',
  );
  writeFileSync(
    join(dir, 'c.yaml'),
    `name: wm\nworkflow_module: ./wf.ts\ndata: { symbol: SPY, path: ${JSON.stringify(resolve('examples/data/SPY_5m.csv'))}, timeframe: 5m, calendar: us_equity, end: "2024-04-30T00:00:00Z" }\nstrategies:\n  - type: sma_crossover\n    params: { fast_period: 10, slow_period: 30 }\nphases:\n  - name: bt\n    sequence: { type: single_pass }\n`,
  );
  const r = await sluice(['run', join(dir, 'c.yaml'), '--out', join(dir, 'results')]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).not.toContain("Unexpected token ':'");
  expect(r.stdout).toContain('last iteration (2):');
});
