/**
 * What bin/sluice.js runs: the compiled JavaScript when there is no src/ (the package) or
 * when dist/ was built from exactly the src/ next to it, the TypeScript through tsx
 * otherwise, with SLUICE_DIST=0/1 to force either. Checked on a copy of the layout in a
 * temporary folder: the real bin, the real build-stamp module (compiled by esbuild, as the
 * build compiles it), tsx from this repository's node_modules, and a `main` in each tree
 * that says which one ran.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { sourceTreeHash } from '../../src/build-stamp.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** A repository-shaped folder: bin/, src/ (TypeScript), dist/ (JavaScript) and a stamp. */
function layout(): string {
  const root = mkdtempSync(join(tmpdir(), 'sluice-bin-'));
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  copyFileSync(join(REPO, 'bin', 'sluice.js'), join(root, 'bin', 'sluice.js'));
  copyFileSync(join(REPO, 'src', 'source-condition.mjs'), join(root, 'src', 'source-condition.mjs'));
  // The TypeScript main only tsx can load (a type annotation), the compiled one plain JavaScript.
  writeFileSync(
    join(root, 'src', 'cli', 'main.ts'),
    "export async function main(argv: string[]): Promise<number> { process.stdout.write('source'); return 0; }\n",
  );
  writeFileSync(
    join(root, 'dist', 'cli', 'main.js'),
    "export async function main() { process.stdout.write('compiled'); return 0; }\n",
  );
  const stampSource = readFileSync(join(REPO, 'src', 'build-stamp.ts'), 'utf8');
  writeFileSync(join(root, 'dist', 'build-stamp.js'), transformSync(stampSource, { loader: 'ts', format: 'esm' }).code);
  writeFileSync(join(root, 'dist', 'build-stamp.json'), JSON.stringify({ source: sourceTreeHash(join(root, 'src')) }));
  return root;
}

async function which(root: string, dist?: '0' | '1'): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['SLUICE_DIST'];
  if (dist !== undefined) env['SLUICE_DIST'] = dist;
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'bin', 'sluice.js')], { cwd: root, env });
  return stdout;
}

describe('bin/sluice.js', () => {
  it('runs dist/ when it was built from this very src/, the TypeScript once src/ changes', async () => {
    const root = layout();
    try {
      expect(await which(root)).toBe('compiled');
      expect(await which(root, '0')).toBe('source');
      writeFileSync(join(root, 'src', 'new-file.ts'), 'export {};\n');
      expect(await which(root)).toBe('source');
      expect(await which(root, '1')).toBe('compiled');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('runs the TypeScript when dist/ has no stamp, and dist/ when there is no src/ (the package)', async () => {
    const root = layout();
    try {
      rmSync(join(root, 'dist', 'build-stamp.json'));
      expect(await which(root)).toBe('source');
      rmSync(join(root, 'src'), { recursive: true });
      expect(await which(root)).toBe('compiled');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
