import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { readBuildStamp, sourceTreeHash } from '../../src/build-stamp.ts';
import { compiledTwin } from '../../src/runtime-mode.ts';
import { workerExecArgv } from '../../src/plugins/plugin-hooks.ts';

describe('the build stamp', () => {
  it('hashes every file of a tree by path and content, so any edit, rename or new file changes it', () => {
    const root = mkdtempSync(join(tmpdir(), 'sluice-stamp-'));
    mkdirSync(join(root, 'a'));
    writeFileSync(join(root, 'a', 'x.ts'), 'export const x = 1;\n');
    writeFileSync(join(root, 'y.ts'), 'export const y = 2;\n');
    const first = sourceTreeHash(root);
    expect(sourceTreeHash(root)).toBe(first);
    writeFileSync(join(root, 'a', 'x.ts'), 'export const x = 3;\n');
    const edited = sourceTreeHash(root);
    expect(edited).not.toBe(first);
    writeFileSync(join(root, 'z.ts'), '');
    expect(sourceTreeHash(root)).not.toBe(edited);
  });

  it('is read back, and a missing or malformed stamp is none', () => {
    const dist = mkdtempSync(join(tmpdir(), 'sluice-dist-'));
    expect(readBuildStamp(dist)).toBeNull();
    writeFileSync(join(dist, 'build-stamp.json'), '{"source": 3}');
    expect(readBuildStamp(dist)).toBeNull();
    writeFileSync(join(dist, 'build-stamp.json'), '{"source": "abc"}');
    expect(readBuildStamp(dist)).toEqual({ source: 'abc' });
  });
});

describe('a worker thread on the compiled twin of the source', () => {
  it('maps a source file to its dist/ file', () => {
    const source = new URL('../../src/coordinator/shard-worker.ts', import.meta.url);
    expect(compiledTwin(source).href).toBe(new URL('../../dist/coordinator/shard-worker.js', import.meta.url).href);
  });

  // As `tsx script.ts` starts node: its loader in the flags a thread inherits.
  const TSX_FLAGS = [
    '--require',
    '/x/node_modules/tsx/dist/preflight.cjs',
    '--import',
    'file:///x/node_modules/tsx/dist/loader.mjs',
    '--import=tsx',
  ];
  const withFlags = <T>(flags: string[], f: () => T): T => {
    const saved = [...process.execArgv];
    process.execArgv.splice(0, process.execArgv.length, ...flags);
    try {
      return f();
    } finally {
      process.execArgv.splice(0, process.execArgv.length, ...saved);
    }
  };

  it('starts compiled without tsx or a preload, other flags kept: the thread installs its hooks itself', () => {
    const argv = withFlags(['--conditions', 'dev', ...TSX_FLAGS, '--enable-source-maps'], () => workerExecArgv(true));
    expect(argv).toEqual(['--conditions', 'dev', '--enable-source-maps']);
  });

  it('leaves out the V8 and per-process flags Node refuses a thread (ERR_WORKER_INVALID_EXEC_ARGV)', async () => {
    const parent = ['--max-old-space-size=512', '--max-semi-space-size', '--stack-size=2000', '--title=x'];
    const argv = withFlags([...parent, '--import', 'file:///x/hooks.mjs', '--no-warnings'], () => workerExecArgv(true));
    expect(argv).toEqual(['--import', 'file:///x/hooks.mjs', '--no-warnings']);
    // Node itself refuses each of the parent's flags in a thread, and takes what was kept.
    for (const flag of parent.slice(0, 1).concat('--title=x'))
      expect(() => new Worker('', { eval: true, execArgv: [flag] })).toThrow(/invalid execArgv/);
    const ok = new Worker('', { eval: true, execArgv: ['--no-warnings', '--enable-source-maps'] });
    await new Promise((resolve) => ok.on('exit', resolve));
  });

  it('on the source, keeps tsx and resolves `sluice` to src/', () => {
    const argv = withFlags(TSX_FLAGS, () => workerExecArgv(false));
    expect(argv.slice(0, -2)).toEqual(TSX_FLAGS);
    const preload = decodeURIComponent(argv.at(-1)!);
    expect(preload).toMatch(/registerTsx\(\)/);
    expect(preload).toContain('"entries":{"sluice":"' + new URL('../../src/index.ts', import.meta.url).href);
  });
});
