import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import type { WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NdjsonWriter } from '../../src/files/ndjson-writer.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-ndjson-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FS_RESOURCES = new Set(['FSReqCallback', 'FSReqPromise', 'FileHandle', 'FileHandleCloseReq', 'CloseReq']);

/** fs requests and handles pending in this process, after letting the loop settle. */
async function fsResources(): Promise<string[]> {
  await new Promise((resolve) => setImmediate(resolve));
  return process.getActiveResourcesInfo().filter((r) => FS_RESOURCES.has(r));
}

/** Open descriptors of this process that point into the test directory (Linux only). */
function openFdsInDir(): string[] | undefined {
  if (!existsSync('/proc/self/fd')) return undefined;
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) out.push(target);
    } catch {
      // The descriptor readdir itself used is gone by now.
    }
  }
  return out;
}

/** Asserts that nothing of the writer is left open (and shows the check can see one). */
async function expectReleased(): Promise<void> {
  expect(await fsResources()).toEqual([]);
  const fds = openFdsInDir();
  if (fds !== undefined) expect(fds).toEqual([]);
}

describe('NdjsonWriter', () => {
  it('publishes the file only on commit, one JSON object per line', async () => {
    const path = join(dir, 'phase', 'trades.ndjson');
    const writer = await NdjsonWriter.open(path);
    // While open, the descriptor is visible: the release check below can fail.
    const fds = openFdsInDir();
    if (fds !== undefined) expect(fds).toEqual([writer.tempPath]);

    writer.write({ id: 1, pnl: 12.5 });
    writer.write({ id: 2, pnl: Number.NaN, note: 'a\nb' });
    writer.write([1, 2]);
    expect(writer.count).toBe(3);
    expect(existsSync(path)).toBe(false);
    expect(writer.tempPath).toMatch(/[/\\]\.trades\.ndjson\.\d+\.[0-9a-f]{8}\.tmp$/);
    expect(existsSync(writer.tempPath)).toBe(true);

    await writer.commit();
    expect(await readFile(path, 'utf8')).toBe('{"id":1,"pnl":12.5}\n{"id":2,"pnl":null,"note":"a\\nb"}\n[1,2]\n');
    expect(existsSync(writer.tempPath)).toBe(false);
    expect(await readdir(join(dir, 'phase'))).toEqual(['trades.ndjson']);
    await expectReleased();
  });

  it('fsyncs the data before the file appears under its final name', async () => {
    const path = join(dir, 'synced.ndjson');
    const writer = await NdjsonWriter.open(path);
    const handle = (writer as unknown as { handle: object }).handle;
    const proto = Object.getPrototypeOf(handle) as { sync(): Promise<void> };
    const seen: boolean[] = [];
    const original = proto.sync;
    const spy = vi.spyOn(proto, 'sync').mockImplementation(function (this: unknown) {
      seen.push(existsSync(path));
      return original.call(this);
    });
    try {
      writer.write({ s: 1 });
      await writer.commit();
    } finally {
      spy.mockRestore();
    }
    expect(seen).toEqual([false]);
    expect(await readFile(path, 'utf8')).toBe('{"s":1}\n');
  });

  it('commits an empty file when nothing was written', async () => {
    const path = join(dir, 'empty.ndjson');
    const writer = await NdjsonWriter.open(path);
    await writer.commit();
    expect(await readFile(path, 'utf8')).toBe('');
    expect(writer.count).toBe(0);
    await expectReleased();
  });

  it('streams many lines through small buffers with backpressure, losing none', async () => {
    const path = join(dir, 'big.ndjson');
    const writer = await NdjsonWriter.open(path, { bufferSize: 256, highWaterMark: 1024 });
    const n = 20_000;
    let waits = 0;
    for (let i = 0; i < n; i++) {
      writer.write({ i, sq: i * i, tag: `row-${i}` });
      if (writer.needsDrain) {
        waits++;
        await writer.drained();
        expect(writer.needsDrain).toBe(false);
      }
    }
    expect(waits).toBeGreaterThan(0);
    await writer.commit();
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(n);
    for (let i = 0; i < n; i += 997) expect(JSON.parse(lines[i]!)).toEqual({ i, sq: i * i, tag: `row-${i}` });
    expect(writer.count).toBe(n);
    await expectReleased();
  });

  it('resolves drained() at once when no drain is needed', async () => {
    const writer = await NdjsonWriter.open(join(dir, 'x.ndjson'));
    writer.write({ a: 1 });
    expect(writer.needsDrain).toBe(false);
    await writer.drained();
    await writer.abort();
  });

  it('aborts: deletes the temporary file, creates nothing, closes everything', async () => {
    const path = join(dir, 'gone.ndjson');
    const writer = await NdjsonWriter.open(path, { bufferSize: 16 });
    for (let i = 0; i < 100; i++) writer.write({ i });
    await writer.abort();
    expect(existsSync(path)).toBe(false);
    expect(existsSync(writer.tempPath)).toBe(false);
    expect(await readdir(dir)).toEqual([]);
    await expectReleased();
    // Second abort is a no-op; commit and write are refused.
    await writer.abort();
    await expect(writer.commit()).rejects.toThrow(/commit after aborted/);
    expect(() => writer.write({})).toThrow(/write after aborted/);
  });

  it('treats abort after commit as a no-op and refuses a second commit', async () => {
    const path = join(dir, 'kept.ndjson');
    const writer = await NdjsonWriter.open(path);
    writer.write({ k: 1 });
    await writer.commit();
    await writer.abort();
    expect(await readFile(path, 'utf8')).toBe('{"k":1}\n');
    await expect(writer.commit()).rejects.toThrow(/commit after committed/);
    expect(() => writer.write({ k: 2 })).toThrow(/write after committed/);
  });

  it('lets abort wait for a commit in flight instead of deleting under it', async () => {
    const path = join(dir, 'race.ndjson');
    const writer = await NdjsonWriter.open(path);
    writer.write({ r: 1 });
    const committing = writer.commit();
    await writer.abort();
    await committing;
    expect(await readFile(path, 'utf8')).toBe('{"r":1}\n');
    await expectReleased();
  });

  it('does not count or write a value JSON cannot hold', async () => {
    const path = join(dir, 'bad.ndjson');
    const writer = await NdjsonWriter.open(path);
    writer.write({ ok: true });
    expect(() => writer.write({ n: 1n })).toThrow(TypeError);
    expect(writer.count).toBe(1);
    await writer.commit();
    expect(await readFile(path, 'utf8')).toBe('{"ok":true}\n');
  });

  it('on an I/O error rejects drained() and commit(), removes the temporary file and closes everything', async () => {
    const path = join(dir, 'failed.ndjson');
    const writer = await NdjsonWriter.open(path, { bufferSize: 8 });
    writer.write({ before: 1 });
    // Stand-in for a disk error: the underlying stream fails.
    const stream = (writer as unknown as { stream: WriteStream }).stream;
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    stream.destroy(new Error('simulated EIO'));
    await closed;
    expect(() => writer.write({ after: 1 })).not.toThrow();
    await expect(writer.drained()).rejects.toThrow('simulated EIO');
    await expect(writer.commit()).rejects.toThrow('simulated EIO');
    expect(existsSync(path)).toBe(false);
    expect(existsSync(writer.tempPath)).toBe(false);
    await expectReleased();
    await writer.abort(); // still a no-op
  });
});

describe('a write that fails (a full disk)', () => {
  it('is noticed at the next needsDrain check: drained() rejects with "cannot write results to …"', async () => {
    const base = await mkdtemp(join(tmpdir(), 'ndjson-full-'));
    const writer = await NdjsonWriter.open(join(base, 'trades.ndjson'));
    writer.write({ a: 1 });
    expect(writer.needsDrain).toBe(false);
    const stream = (writer as unknown as { stream: WriteStream }).stream;
    stream.emit('error', Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    expect(writer.needsDrain).toBe(true);
    await expect(writer.drained()).rejects.toThrow(`cannot write results to ${base}: no space left on device`);
    await expect(writer.commit()).rejects.toThrow('no space left on device');
    await rm(base, { recursive: true, force: true });
  });
});
