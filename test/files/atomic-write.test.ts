import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  tempPathFor,
  writeFileAtomic,
  writeFileAtomicSync,
  writeJsonAtomic,
  writeJsonAtomicSync,
} from '../../src/files/atomic-write.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-atomic-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tempPathFor', () => {
  it('names a hidden file in the same directory with pid and a random part', () => {
    const tmp = tempPathFor('/a/b/results.json');
    expect(tmp).toMatch(new RegExp(`^/a/b/\\.results\\.json\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`));
    expect(tempPathFor('/a/b/results.json')).not.toBe(tmp);
  });
});

describe.each([
  ['writeFileAtomic', writeFileAtomic],
  ['writeFileAtomicSync', async (path: string, data: string | Uint8Array) => writeFileAtomicSync(path, data)],
] as const)('%s', (_name, write) => {
  it('creates missing parent directories and writes the data', async () => {
    const path = join(dir, 'a', 'b', 'out.txt');
    await write(path, 'hello\n');
    expect(await readFile(path, 'utf8')).toBe('hello\n');
  });

  it('writes bytes as given', async () => {
    const path = join(dir, 'out.bin');
    await write(path, new Uint8Array([0, 255, 10, 13]));
    expect([...(await readFile(path))]).toEqual([0, 255, 10, 13]);
  });

  it('replaces an existing file and leaves no temporary file behind', async () => {
    const path = join(dir, 'out.txt');
    await writeFile(path, 'old content that is longer');
    await write(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['out.txt']);
  });

  it('removes the temporary file and rethrows when the rename fails', async () => {
    // A non-empty directory under the target name: rename over it must fail.
    const path = join(dir, 'taken');
    await mkdir(join(path, 'inner'), { recursive: true });
    await expect(write(path, 'data')).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    expect(await readdir(dir)).toEqual(['taken']);
    expect(await readdir(path)).toEqual(['inner']);
  });
});

describe('writeJsonAtomic', () => {
  it('writes 2-space JSON with a trailing newline and non-finite numbers as null', async () => {
    const path = join(dir, 'r.json');
    await writeJsonAtomic(path, { a: [1, Number.NaN], b: 'x' });
    expect(await readFile(path, 'utf8')).toBe('{\n  "a": [\n    1,\n    null\n  ],\n  "b": "x"\n}\n');
    writeJsonAtomicSync(path, { c: Infinity });
    expect(await readFile(path, 'utf8')).toBe('{\n  "c": null\n}\n');
  });

  it('fails before touching the disk when the value is not JSON', async () => {
    const path = join(dir, 'sub', 'r.json');
    await expect(writeJsonAtomic(path, { n: 1n })).rejects.toThrow(TypeError);
    expect(await readdir(dir)).toEqual([]);
  });
});
