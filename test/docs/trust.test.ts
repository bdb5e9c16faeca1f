/**
 * Issue 19 item 20: what a config or a query can do is documented. `sluice validate`
 * runs a config's workflow_module (configs are code), and README and docs/workflows.md
 * say so; `sluice query` is full DuckDB, docs/query.md says so and offers --read-only
 * (tested in test/query/query-views.test.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseConfig, tempDir, writeFile } from '../coordinator/helpers.ts';
import { sluice } from '../helpers/cli.ts';

describe('configs are code', () => {
  it('sluice validate executes the workflow_module a config names, as the docs say', async () => {
    const dir = tempDir();
    const marker = join(dir, 'ran.txt');
    writeFile(
      dir,
      'wf.mjs',
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default { shouldContinue: () => false };\n`,
    );
    const config = writeFile(dir, 'wf.yaml', `${baseConfig()}workflow_module: ./wf.mjs\nphase: only\n`);
    const r = await sluice(['validate', config]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toMatch(/Configs are code/);
    expect(readme).toMatch(/`sluice validate`[^.]*`sluice run`/);
    expect(readFileSync('docs/workflows.md', 'utf8')).toMatch(/validating a config you\s+did not write is running it/);
  });

  it('docs/query.md and README say query is full DuckDB and offer --read-only', () => {
    const query = readFileSync('docs/query.md', 'utf8');
    expect(query).toMatch(/The SQL is full DuckDB/);
    expect(query).toMatch(/--read-only/);
    expect(readFileSync('README.md', 'utf8')).toMatch(/`sluice query` runs any DuckDB SQL[\s\S]*--read-only/);
  });
});
