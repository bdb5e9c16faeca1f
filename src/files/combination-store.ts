/**
 * A resumable on-disk store of per-combination results, keyed by a hash of everything
 * that determines the result.
 *
 * A long sweep or walk-forward killed half way (Ctrl-C, kill -9, a reboot) should not
 * start over: each finished combination's result is written to its own file under a key
 * derived from its inputs, and a rerun skips the keys already present. Because the key
 * hashes the inputs (data content, strategy, parameters, configuration, engine version),
 * a changed input is simply a different key: a stale result can never be picked up, and
 * two workflows sharing a store share the combinations they have in common.
 *
 * Layout: `<dir>/<key[0..2]>/<key>.json`, the first two hex digits of the key as a
 * sub-folder, so that no folder holds more than about 1/256 of the files (file systems
 * and `ls` slow down with hundreds of thousands of entries in one folder). Each file is
 * written atomically (temporary file, fsync, rename: see atomic-write.ts), so a reader
 * sees a complete file or none; a file found torn or unparseable anyway (a copy cut
 * short, a disk error, a foreign writer) is reported and treated as missing, and the next
 * `put` replaces it.
 */

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { writeJsonAtomic } from './atomic-write.ts';
import { toJsonLine } from './stable-json.ts';

/** Format tag of the hashed key document and of every stored file; bump to invalidate all keys. */
export const COMBINATION_FORMAT = 'sluice-combination/1';

const KEY = /^[0-9a-f]{64}$/;
const PREFIX = /^[0-9a-f]{2}$/;
const FILE = /^([0-9a-f]{64})\.json$/;

// ---------------------------------------------------------------------------------
// Canonical JSON and keys

/**
 * `value` as canonical JSON: object keys sorted (by UTF-16 code units, `Array#sort`'s
 * order), no whitespace, and otherwise the value rules of result files (see
 * stable-json.ts): non-finite numbers as null, typed arrays as arrays, `toJSON` honoured
 * (a Date is its ISO string), undefined properties left out, undefined array entries as
 * null. Two values that are equal as JSON data give the same string, whatever order their
 * keys were built in, which makes the string fit for hashing.
 *
 * Stricter than JSON.stringify where silence would make different inputs hash alike:
 * a Map, a Set, a class instance without `toJSON`, a function, a symbol or a BigInt
 * throws instead of being written as `{}` or dropped.
 *
 * @throws TypeError naming the path of the offending value.
 */
export function canonicalJson(value: unknown): string {
  return toJsonLine(canonicalize(value, '$')).slice(0, -1);
}

function canonicalize(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
    return value;
  if (typeof value === 'object') {
    const withToJson = value as { toJSON?: unknown };
    if (typeof withToJson.toJSON === 'function')
      return canonicalize((withToJson.toJSON as () => unknown).call(value), path);
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      return Array.from(value as unknown as ArrayLike<unknown>, (v, i) => canonicalize(v, `${path}[${i}]`));
    }
    if (Array.isArray(value)) {
      return value.map((v: unknown, i) => (v === undefined ? null : canonicalize(v, `${path}[${i}]`)));
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new TypeError(
        `canonical JSON: ${path} is a ${name}, which has no JSON form; convert it to a plain object or array`,
      );
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      out[key] = canonicalize(v, `${path}.${key}`);
    }
    return out;
  }
  throw new TypeError(`canonical JSON: ${path} is a ${typeof value}, which has no JSON form`);
}

/**
 * Everything that determines one combination's result. When in doubt, put it in: a
 * missing input means a stale result may be reused; a superfluous one only costs a rerun.
 */
export interface CombinationKeyParts {
  /** Fingerprint of the bar data, from {@link dataFingerprint}. */
  readonly data: string;
  /**
   * What the run reads of the data, e.g. a walk-forward window's `{ start, end }` (epoch
   * ms) or the data filter; null or absent for all of it.
   */
  readonly range?: unknown;
  /** Strategy type, e.g. `sma_crossover`. */
  readonly strategy: string;
  /** The combination's parameters (after defaults are applied, ideally). */
  readonly params: Readonly<Record<string, unknown>>;
  /**
   * The rest of the configuration that shapes the result: portfolio, risk, execution
   * (costs, fills), the data settings that change metrics (timeframe, calendar,
   * on_bad_row), storage options that change what is stored.
   */
  readonly config: unknown;
  /** Engine version (ENGINE.version); a new version invalidates every key. */
  readonly engine: string;
  /**
   * Fingerprints of the plugin code the combination runs (see plugins/code-dependencies.ts);
   * absent or empty for built-ins only, which keeps their keys as they were.
   */
  readonly code?: readonly string[];
}

/**
 * The key of a combination: the SHA-256, in 64 lower-case hex digits, of the canonical
 * JSON ({@link canonicalJson}) of `{ format, data, range, strategy, params, config,
 * engine }`. Key order inside the parts does not matter; every value does.
 *
 * @throws TypeError when a part holds a value without a JSON form (see canonicalJson).
 */
export function combinationKey(parts: CombinationKeyParts): string {
  const doc = {
    format: COMBINATION_FORMAT,
    data: parts.data,
    range: parts.range ?? null,
    strategy: parts.strategy,
    params: parts.params,
    config: parts.config ?? null,
    engine: parts.engine,
    ...(parts.code !== undefined && parts.code.length > 0 ? { code: parts.code } : {}),
  };
  return createHash('sha256').update(canonicalJson(doc)).digest('hex');
}

// ---------------------------------------------------------------------------------
// Data fingerprints

/** The fingerprint of one data file. */
export interface FileFingerprint {
  /** The file's base name (folders left out, so a moved data folder keeps its fingerprint). */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** SHA-256 of the content, 64 hex digits. */
  readonly sha256: string;
}

/** Content hashes by `path \0 size \0 mtime`, so a file is hashed once per process. */
const hashCache = new Map<string, string>();

/** Forgets every cached content hash (tests; a long-lived process that wants to re-read). */
export function clearFingerprintCache(): void {
  hashCache.clear();
}

/**
 * Fingerprint of one file: base name, size and SHA-256 of its content.
 *
 * The content is hashed, not the modification time, because copying or checking out a
 * file changes its mtime without changing the data, and a result should survive that.
 * The cost is reading the whole file once: about 1–2 s per GB (SHA-256 runs at several
 * hundred MB/s), against a backtest that reads it anyway. The hash is cached in memory by
 * (absolute path, size, mtime), so later calls in the same process cost one `stat`; a
 * file rewritten within the same mtime tick at the same size would escape the cache, which
 * only a deliberate same-size rewrite within a process's lifetime can do. The cache entry
 * is stored only when size and mtime are unchanged after hashing, so a file being written
 * while hashed is not cached.
 *
 * @throws the fs error when the file cannot be read.
 */
export async function fileFingerprint(path: string): Promise<FileFingerprint> {
  const abs = resolve(path);
  const before = await stat(abs);
  const cacheKey = `${abs}\0${before.size}\0${before.mtimeMs}`;
  let sha256 = hashCache.get(cacheKey);
  if (sha256 === undefined) {
    sha256 = await hashFile(abs);
    const after = await stat(abs);
    if (after.size === before.size && after.mtimeMs === before.mtimeMs) hashCache.set(cacheKey, sha256);
  }
  return { name: basename(abs), size: before.size, sha256 };
}

/**
 * Fingerprint of a run's data: SHA-256 (64 hex digits) of the canonical JSON of the list
 * of its files' {@link FileFingerprint}s, in the order given (the order of the config's
 * sources; sort the paths first if order should not matter).
 */
export async function dataFingerprint(paths: readonly string[]): Promise<string> {
  const files: FileFingerprint[] = [];
  // One file at a time: the hashing is I/O bound, and in order keeps the result ordered.
  for (const p of paths) files.push(await fileFingerprint(p));
  return createHash('sha256')
    .update(canonicalJson({ format: COMBINATION_FORMAT, files }))
    .digest('hex');
}

function hashFile(path: string): Promise<string> {
  return new Promise<string>((resolvePromise, reject) => {
    const hash = createHash('sha256');
    const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolvePromise(hash.digest('hex')));
  });
}

// ---------------------------------------------------------------------------------
// The store

/** A stored file that could not be read as a result. */
export interface CorruptEntry {
  readonly key: string;
  readonly path: string;
  /** What was wrong: unparseable JSON, a wrong envelope, a key mismatch. */
  readonly reason: string;
}

/** Options of a {@link CombinationStore}. */
export interface CombinationStoreOptions {
  /** Told of every corrupt file met (also recorded in `corrupt`), e.g. to log a warning. */
  readonly onCorrupt?: (entry: CorruptEntry) => void;
}

/** The envelope of a stored file: the value together with what identifies it. */
interface StoredFile {
  readonly format: string;
  readonly key: string;
  readonly value: unknown;
}

/**
 * The per-combination result store (see the module comment). Values are anything with a
 * JSON form; they are written as result files are (stable-json.ts), so a NaN comes back
 * as null.
 *
 * Safe for several writers (worker threads, processes) on one folder: each `put` is an
 * atomic rename, so concurrent puts of one key leave one complete file (the last), and
 * readers never see a partial one.
 */
export class CombinationStore {
  /** The store's root folder. */
  readonly dir: string;
  private readonly onCorrupt: ((entry: CorruptEntry) => void) | undefined;
  private readonly corruptEntries: CorruptEntry[] = [];

  constructor(dir: string, options: CombinationStoreOptions = {}) {
    this.dir = dir;
    this.onCorrupt = options.onCorrupt;
  }

  /** Corrupt files met so far by `get`/`has`, in the order met. */
  get corrupt(): readonly CorruptEntry[] {
    return this.corruptEntries;
  }

  /** Path of the file holding `key`: `<dir>/<key[0..2]>/<key>.json`. */
  pathOf(key: string): string {
    checkKey(key);
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /**
   * True when a readable result is stored under `key`. It reads and parses the file (as
   * `get` does), so a corrupt file counts as absent and its combination is rerun.
   */
  async has(key: string): Promise<boolean> {
    return (await this.read(key)) !== undefined;
  }

  /**
   * The value stored under `key`, or undefined when there is none or the file is corrupt
   * (reported through `onCorrupt` and `corrupt`).
   *
   * @throws Error for a malformed key; the fs error for anything but a missing file.
   */
  async get(key: string): Promise<unknown> {
    return (await this.read(key))?.value;
  }

  /**
   * Stores `value` under `key`, atomically, replacing any previous (or corrupt) file.
   *
   * @throws Error for a malformed key; TypeError when `value` has no JSON form; the fs
   *   error when writing fails (the previous file, if any, is then untouched).
   */
  async put(key: string, value: unknown): Promise<void> {
    const path = this.pathOf(key);
    // Inside the envelope JSON.stringify would drop these silently, leaving a file without
    // a value that every later read would report as corrupt.
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
      throw new TypeError(`combination store: cannot store ${typeof value} as a result`);
    }
    const file: StoredFile = { format: COMBINATION_FORMAT, key, value };
    await writeJsonAtomic(path, file);
  }

  /**
   * Every key with a file in the store, sorted. Only names are checked (a 64-hex-digit
   * `<key>.json` in the folder of its first two digits); contents are not read, so a key
   * listed may still turn out corrupt in `get`. Temporary files of writes in flight or
   * killed (`.<name>.<pid>.<random>.tmp`) are not listed. An absent folder is an empty
   * store.
   */
  async list(): Promise<string[]> {
    const keys: string[] = [];
    for (const prefix of await readdirOrEmpty(this.dir)) {
      if (!PREFIX.test(prefix)) continue;
      for (const name of await readdirOrEmpty(join(this.dir, prefix))) {
        const m = FILE.exec(name);
        if (m !== null && m[1]!.startsWith(prefix)) keys.push(m[1]!);
      }
    }
    return keys.sort();
  }

  private async read(key: string): Promise<StoredFile | undefined> {
    const path = this.pathOf(key);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      return this.reportCorrupt(
        key,
        path,
        `not valid JSON (${(err as Error).message}); the file may have been cut short`,
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return this.reportCorrupt(key, path, 'not a stored result (expected a JSON object)');
    }
    const file = parsed as Partial<StoredFile>;
    if (file.format !== COMBINATION_FORMAT) {
      return this.reportCorrupt(
        key,
        path,
        `unknown format ${JSON.stringify(file.format)} (expected ${COMBINATION_FORMAT})`,
      );
    }
    if (file.key !== key) return this.reportCorrupt(key, path, `holds the result of key ${JSON.stringify(file.key)}`);
    if (!Object.hasOwn(file, 'value')) return this.reportCorrupt(key, path, 'has no value');
    return file as StoredFile;
  }

  private reportCorrupt(key: string, path: string, reason: string): undefined {
    const entry: CorruptEntry = { key, path, reason };
    this.corruptEntries.push(entry);
    this.onCorrupt?.(entry);
    return undefined;
  }
}

function checkKey(key: string): void {
  if (!KEY.test(key)) {
    throw new Error(
      `invalid combination key ${JSON.stringify(key)}: expected 64 lower-case hex digits (from combinationKey)`,
    );
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
