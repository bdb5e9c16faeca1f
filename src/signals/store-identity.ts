/**
 * What a signal store is keyed by: the data (symbols, timeframe, range, file fingerprints)
 * and, per strategy, a hash of everything that shapes its signals. Two runs that agree on
 * a strategy's hash and on the data key compute the same rows for it, so a store can hand
 * them out instead of recomputing them.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { ResolvedClassifier, ResolvedStrategy, ResolvedWorkflow } from '../config/resolved.ts';
import { canonicalJson, fileFingerprint } from '../files/combination-store.ts';
import { ENGINE } from '../engine-info.ts';
import { classifierCode, strategyCode } from '../config/code-dependencies.ts';
import {
  SIGNAL_STORE_FORMAT,
  STORE_KEY_FORMAT,
  type StoreClassifier,
  type StoreDataSource,
  type StoreStrategy,
  type StoreSymbolRange,
} from './store-format.ts';
import type { SignalStoreMetaDraft } from './store-writer.ts';

/** A strategy of a run, with its reuse key. */
export interface StrategyIdentity {
  readonly id: string;
  readonly type: string;
  readonly params: Record<string, unknown>;
  readonly filter: string | null;
  readonly classifiers: readonly string[];
  readonly hash: string;
}

/** A classifier of a run, with its reuse key. */
export interface ClassifierIdentity {
  readonly id: string;
  readonly type: string;
  readonly params: Record<string, unknown>;
  readonly hash: string;
}

/** Everything a store's metadata says about what it was computed from, except bar counts. */
export interface SignalRunIdentity {
  readonly engine: { readonly name: string; readonly version: string };
  readonly dataKey: string;
  readonly sources: readonly StoreDataSource[];
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly start: string | null;
  readonly end: string | null;
  readonly strategies: readonly StrategyIdentity[];
  readonly classifiers: readonly ClassifierIdentity[];
  /** See {@link storeConfigHash}. */
  readonly configHash: string;
}

/**
 * The folder `signals.store` names, resolved against the config file's folder (as
 * `replay.store` is), or undefined when the config names none.
 */
export function configuredStoreDir(wf: Pick<ResolvedWorkflow, 'baseDir' | 'config'>): string | undefined {
  const store = wf.config.signals.store;
  return store === undefined ? undefined : resolve(wf.baseDir, store);
}

const sha256 = (doc: unknown): string => createHash('sha256').update(canonicalJson(doc)).digest('hex');
const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * The data key: SHA-256 of the sources (symbol, format, size, content hash; not the path
 * or file name, so a moved or renamed file keeps its store), the timeframe and the data
 * filter (start, end).
 */
export function dataKey(
  sources: readonly StoreDataSource[],
  timeframe: string,
  start: string | null,
  end: string | null,
): string {
  return sha256({
    format: STORE_KEY_FORMAT,
    sources: sources.map((s) => ({ symbol: s.symbol, format: s.format, size: s.size, sha256: s.sha256 })),
    timeframe,
    start,
    end,
  });
}

/** The data key of a live store: the config's data key and the bars the run saw (see SignalSinkContainer). */
export function liveDataKey(base: string, ranges: Readonly<Record<string, StoreSymbolRange>>): string {
  return sha256({ format: STORE_KEY_FORMAT, live: true, base, ranges });
}

/**
 * Ids of the classifiers a strategy reads: those named in its parameters (a regime_switch's
 * `classifier`, members of a composite) or in its filter. A name counts when it stands as
 * a whole word; a false hit only makes the hash depend on one classifier more.
 */
export function classifiersRead(
  s: Pick<ResolvedStrategy, 'params' | 'filter'>,
  classifiers: readonly ResolvedClassifier[],
): string[] {
  if (classifiers.length === 0) return [];
  const text = `${canonicalJson(s.params)}\n${s.filter?.text ?? ''}`;
  return classifiers
    .filter((c) =>
      new RegExp(`(^|[^A-Za-z0-9_])${c.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_])`).test(text),
    )
    .map((c) => c.id);
}

/** The reuse key of a classifier: type, parameters, engine version. */
export function classifierHash(
  c: Pick<ResolvedClassifier, 'type' | 'params' | 'definition'>,
  engineVersion = ENGINE.version,
): string {
  const code = classifierCode(c);
  return sha256({
    format: STORE_KEY_FORMAT,
    kind: 'classifier',
    type: c.type,
    params: c.params,
    engine: engineVersion,
    ...(code.length > 0 ? { code } : {}),
  });
}

/**
 * The reuse key of a strategy: type, parameters, filter text, the classifiers it reads
 * (id, type, parameters), the engine version, and the fingerprints of the plugin code it
 * runs (none for built-ins, whose keys stay as they were). Its id is left out: a strategy
 * renamed in the config is still found.
 */
export function strategyHash(
  s: Pick<ResolvedStrategy, 'type' | 'params' | 'filter' | 'definition'>,
  classifiers: readonly ResolvedClassifier[],
  engineVersion = ENGINE.version,
): string {
  const read = new Set(classifiersRead(s, classifiers));
  const code = strategyCode(
    s,
    classifiers.filter((c) => read.has(c.id)),
  );
  return sha256({
    ...(code.length > 0 ? { code } : {}),
    format: STORE_KEY_FORMAT,
    kind: 'strategy',
    type: s.type,
    params: s.params,
    filter: s.filter?.text ?? null,
    classifiers: classifiers.filter((c) => read.has(c.id)).map((c) => ({ id: c.id, type: c.type, params: c.params })),
    engine: engineVersion,
  });
}

/**
 * The config hash of a store: SHA-256 of its data key and the hashes of its strategies and
 * classifiers, in store order. Equal for stores with the same signals of the same data,
 * however they were built (from scratch or grown run by run).
 */
export function storeConfigHash(
  key: string,
  strategyHashes: readonly string[],
  classifierHashes: readonly string[],
): string {
  return sha256({ format: STORE_KEY_FORMAT, data_key: key, strategies: strategyHashes, classifiers: classifierHashes });
}

/**
 * Describes a signal-generation run of `wf`: fingerprints its data files (hashing their
 * content, cached per process) and hashes its strategies and classifiers.
 *
 * @throws the fs error when a data file cannot be read.
 */
export async function describeSignalRun(wf: ResolvedWorkflow): Promise<SignalRunIdentity> {
  const sources: StoreDataSource[] = [];
  for (const s of wf.sources) {
    // A live run on a provider feed may name data files not there (only `--warmup data` reads them): recorded as empty.
    const fp =
      wf.liveStore !== undefined && !existsSync(s.path)
        ? { name: basename(s.path), size: 0, sha256: '' }
        : await fileFingerprint(s.path);
    sources.push({ symbol: s.symbol, format: s.format, path: s.path, name: fp.name, size: fp.size, sha256: fp.sha256 });
  }
  const timeframe = wf.config.data.timeframe;
  const start = iso(wf.start);
  const end = iso(wf.end);
  const key = dataKey(sources, timeframe, start, end);
  const classifiers = wf.classifiers.map((c): ClassifierIdentity => ({
    id: c.id,
    type: c.type,
    params: c.params,
    hash: classifierHash(c),
  }));
  const strategies = wf.strategies.map((s): StrategyIdentity => ({
    id: s.key,
    type: s.type,
    params: s.params,
    filter: s.filter?.text ?? null,
    classifiers: classifiersRead(s, wf.classifiers),
    hash: strategyHash(s, wf.classifiers),
  }));
  return {
    engine: { name: ENGINE.name, version: ENGINE.version },
    dataKey: key,
    sources,
    symbols: wf.sources.map((s) => s.symbol),
    timeframe,
    start,
    end,
    strategies,
    classifiers,
    configHash: storeConfigHash(
      key,
      strategies.map((s) => s.hash),
      classifiers.map((c) => c.hash),
    ),
  };
}

/**
 * The config hash a store written by a from-scratch signal-generation run of `wf` would
 * record (`metadata.json` `config_hash`): for {@link checkStoreCompatible} in readers.
 */
export async function signalConfigHash(wf: ResolvedWorkflow): Promise<string> {
  return (await describeSignalRun(wf)).configHash;
}

/** The range of one symbol's bars as the metadata states it. */
export function symbolRange(bars: number, firstTs: number | null, lastTs: number | null): StoreSymbolRange {
  return { bars, first_ts: firstTs, last_ts: lastTs, first: iso(firstTs ?? undefined), last: iso(lastTs ?? undefined) };
}

/**
 * The metadata of a store (without its file sections) holding `strategies` and
 * `classifiers`, in that order, computed from the data `run` describes. One function for
 * fresh and merged stores, so equal contents give byte-equal metadata.
 */
export function storeMetaDraft(
  run: Pick<SignalRunIdentity, 'engine' | 'dataKey' | 'sources' | 'symbols' | 'timeframe' | 'start' | 'end'>,
  ranges: Readonly<Record<string, StoreSymbolRange>>,
  strategies: readonly StoreStrategy[],
  classifiers: readonly StoreClassifier[],
): SignalStoreMetaDraft {
  const perSymbol: Record<string, StoreSymbolRange> = {};
  let bars = 0;
  for (const symbol of run.symbols) {
    const r = ranges[symbol] ?? symbolRange(0, null, null);
    bars += r.bars;
    perSymbol[symbol] = symbolRange(r.bars, r.first_ts, r.last_ts);
  }
  return {
    format: SIGNAL_STORE_FORMAT,
    engine: { name: run.engine.name, version: run.engine.version },
    config_hash: storeConfigHash(
      run.dataKey,
      strategies.map((s) => s.hash),
      classifiers.map((c) => c.hash),
    ),
    data_key: run.dataKey,
    data: {
      sources: run.sources,
      symbols: run.symbols,
      timeframe: run.timeframe,
      start: run.start,
      end: run.end,
      bars,
      per_symbol: perSymbol,
    },
    strategies: strategies.map((s) => ({
      id: s.id,
      type: s.type,
      params: s.params,
      filter: s.filter,
      classifiers: s.classifiers,
      hash: s.hash,
      signal_rows: s.signal_rows,
    })),
    classifiers: classifiers.map((c) => ({
      id: c.id,
      type: c.type,
      params: c.params,
      hash: c.hash,
      regime_rows: c.regime_rows,
    })),
  };
}
