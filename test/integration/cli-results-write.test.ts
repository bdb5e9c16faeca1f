import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sluice } from '../helpers/cli.ts';

describe('a results folder that cannot be written', () => {
  const work = mkdtempSync(join(tmpdir(), 'sluice-unwritable-'));
  const file = join(work, 'a-file');
  writeFileSync(file, 'not a folder\n');

  for (const [what, out] of [
    ['--out naming a regular file', file],
    ['--out under a regular file', join(file, 'sub')],
  ] as const) {
    it(`${what}: exit 1, "cannot write results to …: reason", no stack`, async () => {
      const r = await sluice(['run', 'examples/spy-sma-crossover.yaml', '--out', out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(
          `cannot write results to ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}[^:]*: a part of the path is a file, not a folder`,
        ),
      );
      expect(r.stderr).not.toContain('internal error');
      expect(r.stderr).not.toMatch(/^\s+at /m);
    });
  }

  it('a composed workflow too', async () => {
    const r = await sluice(['run', 'examples/spy-optimize.yaml', '--out', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot write results to ');
    expect(r.stderr).not.toContain('internal error');
  });

  it('--out "" is refused, not read as the working directory', async () => {
    const r = await sluice(['run', 'examples/spy-sma-crossover.yaml', '--out', '']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("option '--out <dir>' argument '' is invalid. expected a folder");
  });
});
