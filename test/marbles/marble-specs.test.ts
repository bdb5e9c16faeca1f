import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// Imported the way a user's own tests import it: through the package's `exports`.
import { loadMarbleSpec, marbleTest } from 'sluice/testing';
import { STRATEGIES } from '../../src/domain/registry.ts';

// Collected when the file is loaded, so every spec is a test of its own.
const root = fileURLToPath(new URL('../../marbles/', import.meta.url));
const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => `marbles/${f.split('\\').join('/')}`)
  .sort();
const path = (file: string): string => fileURLToPath(new URL(`../../${file}`, import.meta.url));

describe('marble specs in marbles/', () => {
  it('finds the specs', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it('has a spec for every built-in strategy', async () => {
    const covered = new Set<string>();
    for (const file of files) {
      const spec = await loadMarbleSpec(path(file));
      if (spec.subject.kind === 'strategy') covered.add(spec.subject.definition.name);
    }
    expect([...STRATEGIES.keys()].filter((name) => !covered.has(name))).toEqual([]);
  });

  for (const file of files) {
    it(file, async () => {
      await marbleTest(path(file));
    });
  }
});
