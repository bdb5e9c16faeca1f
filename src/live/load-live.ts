import { loadWorkflow, type LoadedWorkflow, type LoadWorkflowOptions } from '../config/load-workflow.ts';
import type { LiveConfig } from '../config/schema/live.ts';
import { LiveSchema } from '../config/schema/live.ts';
import type { BarSource } from '../data/bar-source.ts';
import { openBarSource } from '../data/open-source.ts';
import { openWorkflowSource } from '../sequencer/workflow-source.ts';
import { LiveError } from './live-error.ts';

/**
 * Loads a config for `sluice live`: its own topology when that has a signal_sink (e.g.
 * `signal_generation`), else the built-in `signal_generation` (a backtest config runs
 * live as its signal-generation half). Results storage is `disk` with no results folder,
 * so nothing accumulates in memory however long the run.
 */
export async function loadLiveWorkflow(file: string, options: LoadWorkflowOptions = {}): Promise<LoadedWorkflow> {
  const sets = [...(options.sets ?? []), 'results.storage=disk'];
  const loaded = await loadWorkflow(file, { ...options, sets });
  if (loaded.plan.instances.some((i) => i.role === 'signal_sink')) return loaded;
  return loadWorkflow(file, { ...options, sets: [...sets, 'topology=signal_generation'] });
}

/** The config's `live:` section with its defaults. */
export function liveConfigOf(loaded: LoadedWorkflow): LiveConfig {
  return loaded.wf.config.live ?? LiveSchema.parse({});
}

/**
 * The warm-up source a `live.warmup` value or a `--warmup` flag names:
 * - `none`: no warm-up;
 * - `data` or `store`: the config's own bar files (`data:`, within data.start / data.end);
 * - a bar file (CSV or Parquet by extension): relative to `baseDir` (the config's folder
 *   for `live.warmup.path`, the working directory for `--warmup`), its symbol given or
 *   the config's only symbol.
 *
 * @throws LiveError when a file's symbol cannot be told.
 */
export function openWarmup(loaded: LoadedWorkflow, spec: LiveConfig['warmup'] | string, baseDir: string, symbol?: string): BarSource | undefined {
  const { wf } = loaded;
  if (spec === 'none') return undefined;
  if (spec === 'data' || spec === 'store') return openWorkflowSource(wf);
  const file = typeof spec === 'string' ? { path: spec } : spec;
  const symbols = [...new Set(wf.sources.map((s) => s.symbol))];
  const sym = symbol ?? (typeof spec === 'string' ? undefined : spec.symbol) ?? (symbols.length === 1 ? symbols[0] : undefined);
  if (sym === undefined) throw new LiveError(`warm-up file ${file.path}: the config has several symbols (${symbols.join(', ')}); say which this file holds (live.warmup.symbol or --warmup-symbol), or use --warmup data`);
  const d = wf.config.data;
  return openBarSource(
    { path: file.path, symbol: sym, chunkSize: d.chunk_size, onBadRow: d.on_bad_row, ...('format' in file && file.format !== undefined ? { format: file.format } : {}) },
    baseDir,
  );
}
