import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  canonicalJson,
  clearFingerprintCache,
  COMBINATION_FORMAT,
  CombinationStore,
  combinationKey,
  dataFingerprint,
  fileFingerprint,
  type CombinationKeyParts,
  type CorruptEntry,
} from '../../src/files/combination-store.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-combos-'));
  clearFingerprintCache();
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PARTS: CombinationKeyParts = {
  data: 'a'.repeat(64),
  range: { start: 1_700_000_000_000, end: 1_710_000_000_000 },
  strategy: 'sma_crossover',
  params: { fast_period: 10, slow_period: 30, ma: 'ema' },
  config: { portfolio: { initial_capital: 100_000 }, execution: { commission: { per_share: 0.005 } } },
  engine: '0.1.0',
};

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, 2], c: null } })).toBe('{"a":{"c":null,"d":[3,1,2]},"b":1}');
    expect(canonicalJson({ a: { c: null, d: [3, 1, 2] }, b: 1 })).toBe(
      canonicalJson({ b: 1, a: { d: [3, 1, 2], c: null } }),
    );
  });

  it('follows the result-file value rules', () => {
    expect(canonicalJson({ x: Number.NaN, y: [Infinity, undefined], z: undefined, w: -0 })).toBe(
      '{"w":0,"x":null,"y":[null,null]}',
    );
    expect(canonicalJson({ d: new Date('2024-01-02T03:04:05Z'), t: new Float64Array([1.5, 2]) })).toBe(
      '{"d":"2024-01-02T03:04:05.000Z","t":[1.5,2]}',
    );
    expect(canonicalJson(Object.assign(Object.create(null) as object, { b: 2, a: 1 }))).toBe('{"a":1,"b":2}');
  });

  it('refuses values JSON would silently write as {} or drop, naming the path', () => {
    expect(() => canonicalJson({ a: { m: new Map([[1, 2]]) } })).toThrow(
      'canonical JSON: $.a.m is a Map, which has no JSON form; convert it to a plain object or array',
    );
    expect(() => canonicalJson([new Set()])).toThrow(/\$\[0\] is a Set/);
    class Point {
      x = 1;
    }
    expect(() => canonicalJson({ p: new Point() })).toThrow(/\$\.p is a Point/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/\$\.f is a function/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/\$\.n is a bigint/);
    expect(() => canonicalJson({ s: Symbol('s') })).toThrow(/symbol/);
  });
});

describe('combinationKey', () => {
  it('is 64 hex digits of SHA-256 and ignores key order', () => {
    const key = combinationKey(PARTS);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const reordered: CombinationKeyParts = {
      engine: '0.1.0',
      config: { execution: { commission: { per_share: 0.005 } }, portfolio: { initial_capital: 100_000 } },
      params: { ma: 'ema', slow_period: 30, fast_period: 10 },
      strategy: 'sma_crossover',
      range: { end: 1_710_000_000_000, start: 1_700_000_000_000 },
      data: 'a'.repeat(64),
    };
    expect(combinationKey(reordered)).toBe(key);
  });

  it('changes with every part', () => {
    const key = combinationKey(PARTS);
    const variants: CombinationKeyParts[] = [
      { ...PARTS, data: 'b'.repeat(64) },
      { ...PARTS, range: { start: 1_700_000_000_000, end: 1_710_000_000_001 } },
      { ...PARTS, range: null },
      { ...PARTS, strategy: 'ema_crossover' },
      { ...PARTS, params: { ...PARTS.params, fast_period: 11 } },
      { ...PARTS, params: { ...PARTS.params, fast_period: '10' } },
      { ...PARTS, config: { portfolio: { initial_capital: 100_001 } } },
      { ...PARTS, engine: '0.1.1' },
    ];
    const keys = new Set(variants.map(combinationKey));
    expect(keys.size).toBe(variants.length);
    expect(keys.has(key)).toBe(false);
  });

  it('treats an absent range as null', () => {
    const { range: _range, ...noRange } = PARTS;
    expect(combinationKey(noRange)).toBe(combinationKey({ ...PARTS, range: null }));
  });
});

describe('fileFingerprint / dataFingerprint', () => {
  const write = async (rel: string, content: string) => {
    const p = join(dir, rel);
    await mkdir(join(p, '..'), { recursive: true });
    await writeFile(p, content);
    return p;
  };

  it('records the base name, size and content hash', async () => {
    const p = await write('data/SPY.csv', 'ts,close\n1,2\n');
    expect(await fileFingerprint(p)).toEqual({
      name: 'SPY.csv',
      size: 13,
      sha256: createHash('sha256').update('ts,close\n1,2\n').digest('hex'),
    });
  });

  it('survives a copy to another folder (new mtime), not a change of content', async () => {
    const a = await write('one/SPY.csv', 'ts,close\n1,2\n');
    const b = await write('two/SPY.csv', 'ts,close\n1,2\n');
    await utimes(b, new Date('2020-01-01'), new Date('2020-01-01'));
    const c = await write('three/SPY.csv', 'ts,close\n1,3\n'); // same size, other content
    expect(await dataFingerprint([a])).toBe(await dataFingerprint([b]));
    expect(await dataFingerprint([a])).not.toBe(await dataFingerprint([c]));
    // The name is part of it.
    const d = await write('four/QQQ.csv', 'ts,close\n1,2\n');
    expect(await dataFingerprint([a])).not.toBe(await dataFingerprint([d]));
  });

  it('depends on the order of the files', async () => {
    const a = await write('SPY.csv', 'a\n');
    const b = await write('QQQ.csv', 'b\n');
    expect(await dataFingerprint([a, b])).toMatch(/^[0-9a-f]{64}$/);
    expect(await dataFingerprint([a, b])).not.toBe(await dataFingerprint([b, a]));
  });

  it('hashes a file once per (path, size, mtime)', async () => {
    const p = await write('SPY.csv', 'ts,close\n1,2\n');
    const mtime = new Date('2022-02-02T00:00:00Z');
    await utimes(p, mtime, mtime);
    const first = await fileFingerprint(p);
    // Same size, same mtime, other content: the cache answers.
    await writeFile(p, 'ts,close\n9,9\n');
    await utimes(p, mtime, mtime);
    expect((await stat(p)).mtimeMs).toBe(mtime.getTime());
    expect((await fileFingerprint(p)).sha256).toBe(first.sha256);
    clearFingerprintCache();
    expect((await fileFingerprint(p)).sha256).not.toBe(first.sha256);
    // A new mtime misses the cache even without clearing it.
    await writeFile(p, 'ts,close\n1,2\n');
    await utimes(p, new Date('2021-01-01'), new Date('2021-01-01'));
    expect((await fileFingerprint(p)).sha256).toBe(first.sha256);
  });

  it('hashes a file larger than one read chunk', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024 + 17);
    const p = await write('big.csv', big);
    expect((await fileFingerprint(p)).sha256).toBe(createHash('sha256').update(big).digest('hex'));
  });

  it('fails for a missing file', async () => {
    await expect(dataFingerprint([join(dir, 'nope.csv')])).rejects.toThrow(/ENOENT/);
  });
});

describe('CombinationStore', () => {
  const key1 = combinationKey(PARTS);
  const key2 = combinationKey({ ...PARTS, engine: '9' });
  const result = { metrics: { sharpe_ratio: 1.25, profit_factor: null }, trades: 12 };

  it('puts, gets and lists results under <dir>/<key[0..2]>/<key>.json', async () => {
    const store = new CombinationStore(join(dir, 'store'));
    expect(await store.list()).toEqual([]);
    expect(await store.has(key1)).toBe(false);
    expect(await store.get(key1)).toBeUndefined();

    await store.put(key1, result);
    await store.put(key2, [1, 2]);
    expect(store.pathOf(key1)).toBe(join(dir, 'store', key1.slice(0, 2), `${key1}.json`));
    expect(JSON.parse(await readFile(store.pathOf(key1), 'utf8'))).toEqual({
      format: COMBINATION_FORMAT,
      key: key1,
      value: result,
    });
    expect(await store.has(key1)).toBe(true);
    expect(await store.get(key1)).toEqual(result);
    expect(await store.get(key2)).toEqual([1, 2]);
    expect(await store.list()).toEqual([key1, key2].sort());
    // A second store on the same folder (a resumed run) sees them.
    expect(await new CombinationStore(join(dir, 'store')).get(key1)).toEqual(result);
  });

  it('replaces a value and stores non-finite numbers as null', async () => {
    const store = new CombinationStore(dir);
    await store.put(key1, { a: 1 });
    await store.put(key1, { a: Number.NaN });
    expect(await store.get(key1)).toEqual({ a: null });
    expect(await store.list()).toEqual([key1]);
  });

  it('treats a torn file (kill -9 of a non-atomic writer) as missing, reports it, and is repaired by put', async () => {
    const seen: CorruptEntry[] = [];
    const store = new CombinationStore(dir, { onCorrupt: (e) => seen.push(e) });
    await store.put(key1, result);
    const text = await readFile(store.pathOf(key1), 'utf8');
    await writeFile(store.pathOf(key1), text.slice(0, Math.floor(text.length / 2)));

    expect(await store.get(key1)).toBeUndefined();
    expect(await store.has(key1)).toBe(false);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ key: key1, path: store.pathOf(key1) });
    expect(seen[0]!.reason).toMatch(/^not valid JSON .*cut short/);
    expect(store.corrupt).toEqual(seen);
    // Still listed by name: list() does not read contents.
    expect(await store.list()).toEqual([key1]);

    await store.put(key1, result);
    expect(await store.get(key1)).toEqual(result);
  });

  it('rejects files that are not its own: empty, foreign JSON, another key, another format', async () => {
    const store = new CombinationStore(dir);
    const path = store.pathOf(key1);
    await mkdir(join(path, '..'), { recursive: true });
    const cases: [string, RegExp][] = [
      ['', /not valid JSON/],
      ['[1, 2]', /expected a JSON object/],
      [JSON.stringify({ format: 'other/1', key: key1, value: 1 }), /unknown format "other\/1"/],
      [JSON.stringify({ format: COMBINATION_FORMAT, key: key2, value: 1 }), /holds the result of key/],
      [JSON.stringify({ format: COMBINATION_FORMAT, key: key1 }), /has no value/],
    ];
    for (const [content, reason] of cases) {
      await writeFile(path, content);
      expect(await store.get(key1)).toBeUndefined();
      expect(store.corrupt[store.corrupt.length - 1]!.reason).toMatch(reason);
    }
  });

  it('lists only well-named files in the right folder, not temporary files or strays', async () => {
    const store = new CombinationStore(dir);
    await store.put(key1, 1);
    const sub = join(dir, key1.slice(0, 2));
    await writeFile(join(sub, `.${key1}.json.1234.abcdef01.tmp`), '{"half');
    await writeFile(join(sub, 'notes.txt'), 'x');
    await writeFile(join(dir, 'README'), 'x');
    // A well-formed name in the wrong prefix folder is not this key's file.
    const wrong = key2.slice(0, 2) === 'ff' ? 'fe' : 'ff';
    await mkdir(join(dir, wrong), { recursive: true });
    await writeFile(join(dir, wrong, `${key2}.json`), '{}');
    await mkdir(join(dir, 'zz'));
    expect(await store.list()).toEqual([key1]);
    expect((await readdir(sub)).length).toBe(3);
  });

  it('refuses malformed keys (no path tricks)', async () => {
    const store = new CombinationStore(dir);
    for (const bad of ['../../etc/passwd', key1.toUpperCase(), key1.slice(1), '']) {
      expect(() => store.pathOf(bad)).toThrow(/invalid combination key/);
      await expect(store.get(bad)).rejects.toThrow(/invalid combination key/);
      await expect(store.put(bad, 1)).rejects.toThrow(/invalid combination key/);
    }
  });

  it('keeps one complete file when writers race on a key', async () => {
    const store = new CombinationStore(dir);
    const values = Array.from({ length: 20 }, (_, i) => ({ writer: i, pad: 'x'.repeat(10_000) }));
    await Promise.all(values.map((v) => store.put(key1, v)));
    const got = (await store.get(key1)) as { writer: number };
    expect(values.map((v) => v.writer)).toContain(got.writer);
    expect(store.corrupt).toEqual([]);
    expect(await readdir(join(dir, key1.slice(0, 2)))).toEqual([`${key1}.json`]);
  });

  it('refuses a value without a JSON form and leaves the old one', async () => {
    const store = new CombinationStore(dir);
    await store.put(key1, 1);
    await expect(store.put(key1, undefined)).rejects.toThrow('combination store: cannot store undefined as a result');
    await expect(store.put(key1, () => 1)).rejects.toThrow(TypeError);
    expect(await store.get(key1)).toBe(1);
  });
});
