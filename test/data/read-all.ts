import { existsSync, mkdtempSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BarChunk, BarSource } from '../../src/data/bar-source.ts';

/** Every row of a source, flattened, plus the chunk lengths seen. */
export interface AllRows {
  ts: number[];
  symbol: string[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
  chunkLengths: number[];
}

/** Drains a source into plain arrays (tests only: this allocates per row on purpose). */
export async function readAll(source: BarSource): Promise<AllRows> {
  const all: AllRows = { ts: [], symbol: [], open: [], high: [], low: [], close: [], volume: [], chunkLengths: [] };
  for await (const chunk of source.chunks()) append(all, chunk);
  return all;
}

function append(all: AllRows, c: BarChunk): void {
  all.chunkLengths.push(c.length);
  for (let i = 0; i < c.length; i++) {
    all.ts.push(c.ts[i] as number);
    all.symbol.push(c.symbols[c.symbol[i] as number] as string);
    all.open.push(c.open[i] as number);
    all.high.push(c.high[i] as number);
    all.low.push(c.low[i] as number);
    all.close.push(c.close[i] as number);
    all.volume.push(c.volume[i] as number);
  }
}

/** Runs a source to its end and returns what it threw (fails the test if nothing). */
export async function readError(source: BarSource): Promise<Error> {
  try {
    await readAll(source);
  } catch (err) {
    return err as Error;
  }
  throw new Error(`expected ${source.description} to throw`);
}

/** A fresh temp folder and a function writing a file into it, returning its path. */
export function tempFiles(): (name: string, text: string) => string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-data-'));
  return (name, text) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
}

/** File handles and fs requests still open, from node's own list. */
export function openFileResources(): string[] {
  return process.getActiveResourcesInfo().filter((r) => /^(FSReqCallback|FSReqPromise|FileHandle|CloseReq)/.test(r));
}

/**
 * File descriptors of this process that point at `file` (Linux /proc); null where there
 * is no /proc. An idle open descriptor is no "active resource" to node, so this is the
 * check that really catches a file left open.
 */
export function openDescriptors(file: string): string[] | null {
  if (!existsSync('/proc/self/fd')) return null;
  const target = path.resolve(file);
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === target;
    } catch {
      return false; // the descriptor closed while we looked
    }
  });
}
