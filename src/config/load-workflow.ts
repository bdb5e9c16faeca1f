import { existsSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { barFormatOf } from '../data/bar-format.ts';
import { dirname, resolve } from 'node:path';
import { ConfigError, type ConfigIssue, type ConfigPath } from './config-error.ts';
import { issueAt, loadYamlFile, parseYamlText, type YamlSource } from './yaml-source.ts';
import { parseWithSchema } from './validate.ts';
import { deepMerge, deepMergeAll } from './deep-merge.ts';
import { applySetOverrides } from './set-override.ts';
import { didYouMean } from '../errors/suggest.ts';
import { describeValue } from './describe-value.ts';
import { checkStrategyCount, resolveStrategies } from './resolve-strategies.ts';
import { resolveClassifiers } from './resolve-classifiers.ts';
import { checkFeatureTimeframes } from './feature-timeframes.ts';
import { resolvePlugins } from './resolve-plugins.ts';
import { getProcessPlugins } from '../plugins/load-plugins.ts';
import { checkNotReplay, isReplayTopology, resolveReplay } from './resolve-replay.ts';
import { TopologySchema, type TopologyDef } from './schema/topology.ts';
import { checkCrossSection } from './check-cross-section.ts';
import { WorkflowConfigSchema, type WorkflowConfig } from './schema/workflow.ts';
import type { ResolvedDataSource, ResolvedWorkflow } from './resolved.ts';
import type { StrategyDefinition } from '../domain/strategies/strategy.ts';
import { parseTimeframe } from '../domain/metrics/timeframe.ts';
import { parseIsoTimestamp } from '../data/parse-timestamp.ts';
import { probeBarFile } from '../data/probe-source.ts';
import { fillProviderCaches, type ProviderCache } from '../data/provider-cache.ts';
import { DataFetchError } from '../data/fetch-error.ts';
import { LiveError } from '../errors/live-error.ts';
import pino, { type Logger } from 'pino';
import { discoverPatterns } from '../patterns/discover.ts';
import { planGraph, type GraphPlan } from '../topology/graph-plan.ts';
import { STRATEGIES } from '../domain/registry.ts';

/** Options for {@link loadWorkflow}. */
export interface LoadWorkflowOptions {
  /** `--set path=value` overrides, applied over the file. */
  readonly sets?: readonly string[];
  /** Extra pattern folders (`--patterns`), after those the config names. */
  readonly patternDirs?: readonly string[];
  /**
   * Strategies beyond the registry, for this load only (tests). They cannot travel to
   * worker threads or queue workers; a plugin module (`plugins`) can.
   */
  readonly strategies?: ReadonlyMap<string, StrategyDefinition>;
  /**
   * Plugin modules to load before the config's own `plugins:` (`--plugin`): paths or globs
   * relative to the working directory, or package names. Loaded once per process.
   */
  readonly plugins?: readonly string[];
  /**
   * `sluice live`: a config whose `live.feed.type` is a provider (binance, alpaca) may name
   * data files that do not exist yet — they are read only by `--warmup data`, which then
   * says so. Other configs still need them.
   */
  readonly liveProviderData?: boolean;
  /**
   * Download bar files a `data.provider:` names and that are missing (default true). False
   * (`sluice validate`): they are left to the first run, listed in `pendingDownloads`.
   */
  readonly fetchData?: boolean;
  /** Where a download into the data cache reports (default: silent). Does not travel to threads. */
  readonly logger?: Logger;
  /** Config layer under the file: a workflow pattern's `defaults` (over the topology's). */
  readonly defaults?: Record<string, unknown>;
  /** Config layer over the file, under `--set`: a workflow phase's overlay. */
  readonly overlay?: Record<string, unknown>;
  /** `--force` of `sluice run`: replay a signal store that does not fit the config (as `replay.force: true`). */
  readonly force?: boolean;
  /**
   * Planning a multi-phase workflow: a signal store a replay names may be written by an
   * earlier phase, so a missing one is no error yet (the replay gets no books); the phase
   * checks it when it runs.
   */
  readonly pendingStores?: boolean;
  /**
   * The config's YAML text, read instead of `file` (which still names it in messages and
   * is the folder relative paths resolve against): a queue worker gets the text in the job.
   */
  readonly text?: string;
}

/** A workflow ready to run: resolved plain data plus its validated graph plan. */
export interface LoadedWorkflow {
  readonly wf: ResolvedWorkflow;
  readonly plan: GraphPlan;
  /**
   * How it was loaded, so another thread can load the same workflow (`--workers`);
   * undefined when it used strategies from outside the catalogue, which cannot travel.
   */
  readonly load?: { readonly file: string; readonly options: Omit<LoadWorkflowOptions, 'strategies' | 'logger'> } | undefined;
  /** Bar files a `data.provider:` will download on the first run (`fetchData: false`), absolute. */
  readonly pendingDownloads?: readonly string[];
}

/**
 * Loads a workflow config and everything it refers to, and checks all of it before any
 * bar is read: YAML syntax, the schema, strategy names and their parameters (after grid
 * expansion), data files, the timeframe, and the topology graph. Every problem found is
 * reported at once, located in its file.
 *
 * Defaults are layered topology pattern defaults ← workflow defaults (`options.defaults`)
 * ← user config ← phase overlay (`options.overlay`) ← `--set` overrides.
 *
 * @throws ConfigError for any user mistake.
 */
export async function loadWorkflow(file: string, options: LoadWorkflowOptions = {}): Promise<LoadedWorkflow> {
  const source = options.text !== undefined ? parseYamlText(options.text, file) : await loadYamlFile(file);
  const baseDir = dirname(resolve(file));
  if (source.data === null || typeof source.data !== 'object' || Array.isArray(source.data)) {
    throw new ConfigError(notAMapping(source));
  }
  const layered = deepMergeAll([options.defaults ?? {}, source.data, options.overlay ?? {}]) as Record<string, unknown>;
  const raw = applySetOverrides(layered, [...(options.sets ?? [])]);
  // Plugins first: everything below looks names up in the registry they add to.
  const cliPlugins = options.plugins ?? getProcessPlugins();
  const plugins = await resolvePlugins(source, raw, baseDir, cliPlugins);
  const catalogue = new Map([...STRATEGIES, ...(options.strategies ?? [])]);

  const topo = await resolveTopology(source, raw, baseDir, options.patternDirs ?? []);
  const merged = deepMerge(topo.def?.defaults ?? {}, raw) as Record<string, unknown>;
  const config = parseWithSchema(source, WorkflowConfigSchema, merged);
  const topology = topo.def ?? (config.topology as TopologyDef);

  const issues: ConfigIssue[] = [];
  const classifiers = resolveClassifiers(source, config.classifiers, issues);
  const declaredClassifiers = new Set(config.classifiers.map((c) => c.id ?? c.type));
  const resolution = { source, catalogue, classifiers, declaredClassifiers, timeframe: config.data.timeframe, issues };
  // Counted before anything is expanded, so a grid too large is refused in milliseconds.
  if (!checkStrategyCount(resolution, config.strategies, options.overlay === undefined && isPlainSinglePass(raw, config))) throw new ConfigError(issues);
  const configured = resolveStrategies(resolution, config.strategies);
  checkCrossSection(source, configured, config.data.sources?.map((s) => s.symbol) ?? (config.data.symbol !== undefined ? [config.data.symbol] : []), topology, issues);
  // A replay runs no classifier: they are declared only for the strategies they shaped (and their hashes).
  if (classifiers.length > 0 && !isReplayTopology(topology)) checkClassifierWiring(source, topology, issues);
  const providerFeed = options.liveProviderData === true && config.live !== undefined && config.live.feed.type !== 'sluice';
  const pending = await providerDownloads(source, config, baseDir, options, issues);
  const sourceIssues: ConfigIssue[] = [];
  const sources = resolveSources(source, config, baseDir, providerFeed ? [] : sourceIssues);
  // A file a provider will download is not missing yet.
  issues.push(...sourceIssues.filter((i) => !pending.some((p) => i.message.endsWith(p))));
  const start = parseTime(source, config.data.start, ['data', 'start'], issues);
  const end = parseTime(source, config.data.end, ['data', 'end'], issues);
  if (start !== undefined && end !== undefined && end <= start) {
    issues.push(issueAt(source, ['data', 'end'], 'INVALID_VALUE', `data.end (${config.data.end ?? ''}) is not after data.start (${config.data.start ?? ''}): no bar would be selected`, 'data.start is the first bar kept, data.end the first bar left out'));
  }
  if (issues.length === 0) await probeSources(source, sources.filter((s) => !pending.includes(s.path)), config, issues);
  checkTraceBudget(source, config, issues);
  try {
    parseTimeframe(config.data.timeframe);
    checkFeatureTimeframes(source, config.data.timeframe, configured, classifiers, config.classifiers.map((c) => c.id ?? c.type), issues);
  } catch (err) {
    issues.push(issueAt(source, ['data', 'timeframe'], 'INVALID_VALUE', (err as Error).message, "write e.g. '1m', '5m', '15m', '1h', '1d'"));
  }
  // A signal replay's books are the stored strategies (docs/replay.md); other topologies need strategies:.
  const replaying = isReplayTopology(topology);
  if (!replaying) checkNotReplay(source, config, topology, issues);
  const replay = replaying ? await resolveReplay({ source, config, baseDir, strategies: configured, classifiers, sources, start, end, force: options.force, pendingStores: options.pendingStores, issues }) : undefined;
  const strategies = replay?.strategies ?? configured;
  if (issues.length > 0) throw new ConfigError(issues);

  const plan = planGraph(topology, { strategies: strategies.map((s) => s.key), classifiers: classifiers.map((c) => c.id) }, (path, code, message, hint) =>
    issues.push(issueAt(topo.source, [...topo.basePath, ...path], code, message, hint)),
  );
  if (plan === null) throw new ConfigError(issues);

  const wf: ResolvedWorkflow = {
    file,
    baseDir,
    config,
    topology,
    topologyFile: topo.source.file,
    phase: config.phase ?? topology.name,
    strategies,
    classifiers,
    sources,
    start,
    end,
    plugins,
    ...(replay !== undefined ? { replay: replay.replay } : {}),
  };
  const annualized = config.metrics.annualization === 'data' ? await withDataAnnualization(wf) : wf;
  const { strategies: custom, logger: _logger, ...portable } = options;
  // Threads and queue workers load the same plugins: name them explicitly in the options.
  const travelling = { ...portable, ...(cliPlugins.length > 0 ? { plugins: cliPlugins } : {}) };
  return { wf: annualized, plan, load: custom === undefined || custom.size === 0 ? { file, options: travelling } : undefined, ...(pending.length > 0 ? { pendingDownloads: pending } : {}) };
}

/**
 * `data.provider:`: checks each provider's dates, then downloads the cache files that are
 * missing (or, with `fetchData: false`, lists them). A failed download is a config error at
 * the provider, in one line.
 *
 * @returns the cache files still missing (absolute)
 */
async function providerDownloads(source: YamlSource, config: WorkflowConfig, baseDir: string, options: LoadWorkflowOptions, issues: ConfigIssue[]): Promise<string[]> {
  const d = config.data;
  const entries =
    d.sources !== undefined
      ? d.sources.flatMap((s, i) => (s.provider === undefined ? [] : [{ symbol: s.symbol, path: s.path, provider: s.provider, at: ['data', 'sources', i, 'provider'] as ConfigPath }]))
      : d.provider !== undefined && d.path !== undefined && d.symbol !== undefined
        ? [{ symbol: d.symbol, path: d.path, provider: d.provider, at: ['data', 'provider'] as ConfigPath }]
        : [];
  const caches: ProviderCache[] = [];
  for (const e of entries) {
    let ok = true;
    for (const key of ['start', 'end'] as const) {
      if (Number.isNaN(parseIsoTimestamp(e.provider[key]))) {
        issues.push(issueAt(source, [...e.at, key], 'INVALID_VALUE', `cannot read '${e.provider[key]}' as a date or timestamp`, "write an ISO 8601 date, e.g. '2025-01-01' or '2025-01-01T13:30:00Z'"));
        ok = false;
      }
    }
    if (ok) caches.push({ symbol: e.symbol, path: resolve(baseDir, e.path), provider: e.provider });
  }
  const missing = caches.filter((c) => !existsSync(c.path));
  if (missing.length === 0 || issues.length > 0) return missing.map((c) => c.path);
  if (options.fetchData === false) return missing.map((c) => c.path);
  try {
    await fillProviderCaches(missing, config.data.timeframe, baseDir, options.logger ?? pino({ level: 'silent' }));
  } catch (err) {
    if (!(err instanceof DataFetchError) && !(err instanceof LiveError)) throw err;
    const at = entries.find((e) => resolve(baseDir, e.path) === missing[0]?.path)?.at ?? ['data'];
    issues.push(issueAt(source, at, 'DATA_DOWNLOAD', `downloading the bars failed: ${err.message}`, 'fix the provider settings, or download the file with `sluice data fetch` and name it in path'));
  }
  return caches.filter((c) => !existsSync(c.path)).map((c) => c.path);
}

/**
 * `metrics.annualization: data`: reads the data once (its [start, end) range) to count
 * the first symbol's bars per session, and sets `dataBarsPerYear`. Bars longer than a
 * day keep the timeframe's figure (a session cannot tell them apart).
 */
async function withDataAnnualization(wf: ResolvedWorkflow): Promise<ResolvedWorkflow> {
  const [{ openWorkflowSource }, { SessionCounter, checkAnnualization }] = await Promise.all([import('../sequencer/workflow-source.ts'), import('../domain/metrics/data-calendar.ts')]);
  const counter = new SessionCounter(wf.config.data.calendar);
  const source = openWorkflowSource(wf);
  try {
    for await (const chunk of source.chunks()) counter.add(chunk);
  } finally {
    await source.close();
  }
  const check = checkAnnualization(wf.config.data.timeframe, wf.config.data.calendar, counter.result());
  return check === undefined ? wf : { ...wf, dataBarsPerYear: check.data_bars_per_year };
}

/**
 * With classifiers configured, the topology must run them (a classifier container with
 * foreach: classifiers) and deliver their CLASSIFICATION events to the strategies; else
 * regime_switch strategies and regime filters would silently never see a regime.
 */
function checkClassifierWiring(source: YamlSource, topology: TopologyDef, issues: ConfigIssue[]): void {
  const hint = 'use a topology with a container of role classifier, foreach: classifiers, and a route carrying CLASSIFICATION to the strategies (the built-in backtest and signal_generation have both)';
  if (!topology.containers.some((c) => c.role === 'classifier' && c.foreach === 'classifiers')) {
    issues.push(issueAt(source, ['classifiers'], 'INVALID_VALUE', `the topology '${topology.name}' has no classifier container, so these classifiers would never run`, hint));
    return;
  }
  const strategies = new Set(topology.containers.filter((c) => c.role === 'strategy').map((c) => c.id));
  const reaches = topology.routes.some((r) => r.events.includes('CLASSIFICATION') && [r.to].flat().some((id) => strategies.has(id)));
  if (!reaches) {
    issues.push(issueAt(source, ['classifiers'], 'INVALID_VALUE', `the topology '${topology.name}' delivers no CLASSIFICATION to its strategies, so they would never see a regime`, hint));
  }
}

/** The issue for a document that is not a mapping: says what was found instead. */
function notAMapping(source: YamlSource): ConfigIssue {
  const expected = 'a workflow config is a mapping (name:, data:, strategies:, …)';
  if (source.doc.contents === null) return issueAt(source, [], 'INVALID_TYPE', `the file is empty: ${expected}`);
  const listOfMappings = Array.isArray(source.data) && source.data.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
  return issueAt(
    source,
    [],
    'INVALID_TYPE',
    `${expected}, received ${describeValue(source.data)}`,
    listOfMappings ? "write the top-level keys without a leading '- '" : undefined,
  );
}

interface TopologyRef {
  /** Undefined for an inline topology (validated with the config). */
  readonly def: TopologyDef | undefined;
  readonly source: YamlSource;
  readonly basePath: ConfigPath;
}

async function resolveTopology(
  source: YamlSource,
  raw: Record<string, unknown>,
  baseDir: string,
  extraDirs: readonly string[],
): Promise<TopologyRef> {
  const value = raw['topology'] ?? 'backtest';
  if (typeof value !== 'string') return { def: undefined, source, basePath: ['topology'] };
  const userDirs = Array.isArray(raw['patterns'])
    ? raw['patterns'].filter((d): d is string => typeof d === 'string').map((d) => resolve(baseDir, d))
    : [];
  const found = discoverPatterns('topologies', [...userDirs, ...extraDirs]);
  const pattern = found.get(value);
  if (pattern === undefined) {
    const guess = didYouMean(value, found.keys());
    throw new ConfigError(
      issueAt(source, ['topology'], 'UNKNOWN_NAME', `unknown topology '${value}'`, guess !== undefined ? `did you mean '${guess}'?` : `known topologies: ${[...found.keys()].join(', ')}`),
    );
  }
  const patternSource = await loadYamlFile(pattern.file);
  return { def: parseWithSchema(patternSource, TopologySchema), source: patternSource, basePath: [] };
}

function resolveSources(source: YamlSource, config: WorkflowConfig, baseDir: string, issues: ConfigIssue[]): ResolvedDataSource[] {
  const d = config.data;
  const entries =
    d.sources !== undefined
      ? d.sources.map((s, i) => ({ ...s, at: ['data', 'sources', i, 'path'] as ConfigPath }))
      : [{ symbol: d.symbol!, path: d.path!, format: d.format, at: ['data', 'path'] as ConfigPath }];
  return entries.map((e) => {
    const path = resolve(baseDir, e.path);
    if (!existsSync(path)) {
      issues.push(issueAt(source, e.at, 'FILE_NOT_FOUND', `data file not found: ${path}`, `paths are relative to the config file's folder (${baseDir})`));
    }
    const format = e.format ?? barFormatOf(path);
    return { symbol: e.symbol, path, format };
  });
}

/**
 * Memory a trace record takes from recording to writing (its slot, then the entry and its
 * JSON line): measured at about 560 bytes on 2 M bars of `--trace debug`.
 */
export const TRACE_BYTES_PER_EVENT = 600;

/**
 * Refuses a trace whose retention budgets this process could not hold: `max_events`
 * records are kept in memory until the run ends.
 */
function checkTraceBudget(source: YamlSource, config: WorkflowConfig, issues: ConfigIssue[]): void {
  const t = config.execution.trace_settings;
  if (t === undefined) return;
  const overrides = Object.values(t.container_settings);
  if (t.level === 'none' && overrides.every((c) => c.level === undefined || c.level === 'none')) return;
  const events = t.max_events + overrides.reduce((sum, c) => sum + (c.max_events ?? 0), 0);
  const bytes = events * TRACE_BYTES_PER_EVENT;
  const heap = getHeapStatistics().heap_size_limit;
  if (bytes <= heap / 2) return;
  const fits = Math.floor(heap / 2 / TRACE_BYTES_PER_EVENT / 100_000) * 100_000;
  const gb = (n: number): string => (n / 1024 ** 3).toFixed(1);
  issues.push(
    issueAt(
      source,
      ['execution', 'trace_settings', 'max_events'],
      'INVALID_VALUE',
      `${events.toLocaleString('en-US')} trace records need about ${gb(bytes)} GB of memory, more than half of this process's ${gb(heap)} GB heap`,
      `lower max_events (at most about ${fits.toLocaleString('en-US')} here), record less (level: standard, sample_every: N, retention: trade_complete), or raise the heap: NODE_OPTIONS=--max-old-space-size=MB`,
    ),
  );
}

/**
 * Whether a config is one phase whose own `sequence:` is a single pass (the default), so
 * every strategy is a book of one graph. A composed workflow's phases take their sequence
 * from the pattern: their graphs are checked when they run.
 */
function isPlainSinglePass(raw: Record<string, unknown>, config: WorkflowConfig): boolean {
  if (['workflow', 'phases', 'iteration', 'branches', 'workflow_module'].some((k) => raw[k] !== undefined)) return false;
  const seq = config.sequence;
  const type = typeof seq === 'string' ? seq : seq['type'];
  return type === 'single_pass' || type === 'monte_carlo';
}

/**
 * Reads the header and first bar of each data file, as `sluice run` would open it: a
 * folder, an empty, header-only, binary or headerless file, or a CSV named as Parquet is
 * a config error at its `path`, before any run.
 */
/** Control characters or undecodable bytes in a CSV header: the file is not text. */
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000e-\u001f\ufffd]/;

async function probeSources(source: YamlSource, sources: readonly ResolvedDataSource[], config: WorkflowConfig, issues: ConfigIssue[]): Promise<void> {
  const d = config.data;
  const at = (i: number): ConfigPath => (d.sources !== undefined ? ['data', 'sources', i, 'path'] : ['data', 'path']);
  await Promise.all(
    sources.map(async (s, i) => {
      const err = await probeBarFile({ path: s.path, symbol: s.symbol, format: s.format, onBadRow: d.on_bad_row }, '/');
      if (err === undefined) return;
      if (s.format === 'csv' && BINARY.test(err.what)) {
        issues.push(issueAt(source, at(i), 'INVALID_DATA', `cannot read bars from CSV data file: ${err.file}  binary content, not text (a compressed or Parquet file?)`, 'a CSV bar file is text: decompress it, or name a Parquet file with format: parquet'));
        return;
      }
      const hint =
        err.code === 'MALFORMED_FILE' && s.format === 'parquet'
          ? 'the file is read as Parquet (format: parquet or its extension); for a CSV file remove format or write format: csv'
          : err.code === 'MISSING_COLUMN'
            ? 'a CSV bar file starts with a header row naming its columns: timestamp,open,high,low,close,volume'
            : undefined;
      issues.push(issueAt(source, at(i), 'INVALID_DATA', `cannot read bars from ${s.format === 'parquet' ? 'Parquet' : 'CSV'} data file: ${err.message}`, hint));
    }),
  );
}

function parseTime(source: YamlSource, value: string | undefined, path: ConfigPath, issues: ConfigIssue[]): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseIsoTimestamp(value);
  if (Number.isNaN(ms)) {
    issues.push(issueAt(source, path, 'INVALID_VALUE', `cannot read '${value}' as a date or timestamp`, "write an ISO 8601 date, e.g. '2024-06-01' or '2024-06-01T13:30:00Z'"));
    return undefined;
  }
  return ms;
}
