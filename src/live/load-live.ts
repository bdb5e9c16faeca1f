import { existsSync } from 'node:fs';
import { parseCamel } from '../config/schema-keys.ts';
import { resolve } from 'node:path';
import { loadWorkflow, type LoadedWorkflow, type LoadWorkflowOptions } from '../load/load-workflow.ts';
import type { ResolvedDataSource } from '../config/resolved.ts';
import type { LiveConfig, LiveSinkConfig } from '../config/schema/live.ts';
import { fileFingerprint } from '../files/combination-store.ts';
import { readStoreMeta } from '../signals/read-store.ts';
import { configuredStoreDir } from '../signals/store-identity.ts';
import { LiveSchema } from '../config/schema/live.ts';
import type { BarSource } from '../data/bar-source.ts';
import { openBarSource } from '../data/open-source.ts';
import { parseTimestamp } from '../data/parse-timestamp.ts';
import { openWorkflowSource } from '../data/workflow-source.ts';
import { LiveError } from '../errors/live-error.ts';

/**
 * Loads a config for `sluice live`: its own topology when that has a signal_sink (e.g.
 * `signal_generation`), else the built-in `signal_generation` (a backtest config runs
 * live as its signal-generation half). Results storage is `disk` with no results folder,
 * so nothing accumulates in memory however long the run.
 */
export async function loadLiveWorkflow(file: string, options: LoadWorkflowOptions = {}): Promise<LoadedWorkflow> {
  const sets = [...(options.sets ?? []), 'results.storage=disk'];
  const loaded = await loadWorkflow(file, { ...options, sets, liveProviderData: true });
  if (loaded.plan.instances.some((i) => i.role === 'signal_sink')) return loaded;
  return loadWorkflow(file, { ...options, sets: [...sets, 'topology=signal_generation'], liveProviderData: true });
}

/** The config's `live:` section with its defaults. */
export function liveConfigOf(loaded: LoadedWorkflow): LiveConfig {
  return loaded.wf.config.live ?? parseCamel(LiveSchema, {});
}

/**
 * The warm-up source a `live.warmup` value or a `--warmup` flag names:
 * - `none`: no warm-up;
 * - `data`: the config's own bar files (`data:`, within data.start / data.end);
 * - `store`: see {@link openStoreWarmup} (this function refuses it: that one is async);
 * - a bar file (CSV or Parquet by extension): relative to `baseDir` (the config's folder
 *   for `live.warmup.path`, the working directory for `--warmup`), its symbol given or
 *   the config's only symbol.
 *
 * @throws LiveError when a file's symbol cannot be told.
 */
export function openWarmup(
  loaded: LoadedWorkflow,
  spec: LiveConfig['warmup'] | string,
  baseDir: string,
  symbol?: string,
): BarSource | undefined {
  const { wf } = loaded;
  if (spec === 'none') return undefined;
  if (spec === 'data') return openWorkflowSource(wf);
  if (spec === 'store') throw new Error('openWarmup: a store warm-up is opened by openStoreWarmup');
  const file = typeof spec === 'string' ? { path: spec } : spec;
  const symbols = [...new Set(wf.sources.map((s) => s.symbol))];
  const sym =
    symbol ?? (typeof spec === 'string' ? undefined : spec.symbol) ?? (symbols.length === 1 ? symbols[0] : undefined);
  if (sym === undefined)
    throw new LiveError(
      `warm-up file ${file.path}: the config has several symbols (${symbols.join(', ')}); say which this file holds (live.warmup.symbol or --warmup-symbol), or use --warmup data`,
    );
  const d = wf.config.data;
  return openBarSource(
    {
      path: file.path,
      symbol: sym,
      chunkSize: d.chunkSize,
      onBadRow: d.onBadRow,
      ...('format' in file && file.format !== undefined ? { format: file.format } : {}),
    },
    baseDir,
  );
}

/**
 * Warm-up "from the store": the bars the config's signal store (`signals.store`) was
 * computed from, over the range it covers. The store holds signals, not bars, so the bars
 * are read from its recorded source files (or the config's file of the same symbol when
 * the recorded path is gone), each checked against the store's fingerprint (size and
 * SHA-256): the live graph is then primed with exactly the history the store's signals
 * came from, and its first live signal continues the store's series.
 *
 * @throws LiveError when the config names no store, the store is a live one, or a file
 *   is missing or differs from the one the store was computed from; SignalStoreError when
 *   the store cannot be read.
 */
export async function openStoreWarmup(loaded: LoadedWorkflow): Promise<BarSource> {
  const { wf } = loaded;
  const dir = configuredStoreDir(wf);
  if (dir === undefined) {
    throw new LiveError(
      "--warmup store primes indicators from the bar files a signal store was computed from, but the config names no store: set signals.store (a `sluice signals` store), or warm up from a bar file or 'data'",
    );
  }
  const meta = await readStoreMeta(dir);
  if (meta.live !== undefined)
    throw new LiveError(
      `warm-up from the store ${dir}: it was written by a live run, whose bars came from a feed and are not on disk; warm up from a bar file or 'data'`,
    );
  const sources: ResolvedDataSource[] = [];
  for (const src of meta.data.sources) {
    const candidates = [
      resolve(src.path),
      ...wf.sources.filter((s) => s.symbol === src.symbol).map((s) => resolve(wf.baseDir, s.path)),
    ];
    const path = candidates.find((c) => existsSync(c));
    if (path === undefined)
      throw new LiveError(
        `warm-up from the store ${dir}: the ${src.symbol} bars it was computed from (${src.path}) are not there, and the config has no ${src.symbol} file either`,
      );
    const fp = await fileFingerprint(path);
    if (fp.size !== src.size || fp.sha256 !== src.sha256) {
      throw new LiveError(
        `warm-up from the store ${dir}: ${path} (${src.symbol}) is not the file the store was computed from: ${fp.size} bytes, sha256 ${fp.sha256.slice(0, 12)}… where the store records ${src.size} bytes, sha256 ${src.sha256.slice(0, 12)}…; regenerate the store (sluice signals) or warm up from the file itself`,
      );
    }
    sources.push({ symbol: src.symbol, path, format: src.format });
  }
  const ms = (iso: string | null): number | undefined => (iso === null ? undefined : parseTimestamp(iso));
  return openWorkflowSource({ ...wf, sources, start: ms(meta.data.start), end: ms(meta.data.end) });
}

/**
 * The workflow a live run compiles: `signals.store` is not written (it is the reference
 * store `--warmup store` reads), and a `store` sink, when given, becomes the signal sink's
 * parted store (docs/signal-store.md, "Live stores").
 */
export function withLiveStore(
  loaded: LoadedWorkflow,
  sink: Extract<LiveSinkConfig, { type: 'store' }> | undefined,
  feed: string,
  warmup: string,
): LoadedWorkflow {
  const { wf } = loaded;
  const { store: _reference, ...signals } = wf.config.signals;
  return {
    ...loaded,
    wf: {
      ...wf,
      config: { ...wf.config, signals },
      liveStore:
        sink === undefined ? undefined : { dir: resolve(sink.path), rowGroupRows: sink.rowGroupRows, feed, warmup },
    },
  };
}
