import { existsSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { barFormatOf } from '../data/bar-format.ts';
import { dirname, resolve } from 'node:path';
import { ConfigError, type ConfigIssue, type ConfigPath } from '../config/config-error.ts';
import { issueAt, loadYamlFile, parseYamlText, type YamlSource } from '../config/yaml-source.ts';
import { parseConfig } from '../config/validate.ts';
import { overlay, overlayAll } from '../config/overlay.ts';
import { withTraceBehaviors } from '../config/trace-behaviors.ts';
import { applySetOverrides } from '../config/set-override.ts';
import { didYouMean } from '../errors/suggest.ts';
import { describeValue } from '../config/describe-value.ts';
import { resolveStrategies } from '../config/resolve-strategies.ts';
import { checkStrategyCount } from '../config/strategy-count.ts';
import { resolveClassifiers } from '../config/resolve-classifiers.ts';
import { checkFeatureTimeframes } from '../config/feature-timeframes.ts';
import { resolvePlugins } from './resolve-plugins.ts';
import { getProcessPlugins } from '../plugins/load-plugins.ts';
import { checkNotReplay, isReplayTopology, resolveReplay } from './resolve-replay.ts';
import { TopologySchema, type TopologyDef } from '../config/schema/topology.ts';
import { checkCrossSection } from '../config/check-cross-section.ts';
import { WorkflowConfigSchema, type WorkflowConfig } from '../config/schema/workflow.ts';
import type { ResolvedDataSource, ResolvedWorkflow } from '../config/resolved.ts';
import { parseTimeframe } from '../domain/metrics/timeframe.ts';
import { parseIsoTimestamp } from '../data/parse-timestamp.ts';
import { probeBarFile } from '../data/probe-source.ts';
import { fillProviderCaches, type ProviderCache } from '../data/provider-cache.ts';
import { isUserError } from '../errors/exit.ts';
import pino from 'pino';
import { discoverPatterns } from '../patterns/discover.ts';
import { endpointIds, planGraph } from '../topology/graph-plan.ts';
import { STRATEGIES } from '../domain/registry.ts';
import type { LoadedWorkflow, LoadWorkflowOptions } from '../topology/loaded-workflow.ts';

export type { LoadedWorkflow, LoadWorkflowOptions } from '../topology/loaded-workflow.ts';
import { resolveConfigSequence } from '../sequencer/resolve-sequence.ts';

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
  const layered = overlayAll([options.defaults ?? {}, source.data, options.overlay ?? {}]) as Record<string, unknown>;
  const raw = applySetOverrides(layered, [...(options.sets ?? [])]);
  // Plugins first: everything below looks names up in the registry they add to.
  const cliPlugins = options.plugins ?? getProcessPlugins();
  const plugins = await resolvePlugins(source, raw, baseDir, cliPlugins);
  const catalogue = new Map([...STRATEGIES, ...(options.strategies ?? [])]);

  const topo = await resolveTopology(source, raw, baseDir, options.patternDirs ?? []);
  const merged = overlay(topo.def?.defaults ?? {}, raw) as Record<string, unknown>;
  const config: WorkflowConfig = parseConfig(source, WorkflowConfigSchema, merged);
  const topology = topo.def ?? (config.topology as TopologyDef);

  const issues: ConfigIssue[] = [];
  const classifiers = resolveClassifiers(source, config.classifiers, issues);
  const declaredClassifiers = new Set(config.classifiers.map((c) => c.id ?? c.type));
  const resolution = { source, catalogue, classifiers, declaredClassifiers, timeframe: config.data.timeframe, issues };
  // Counted before anything is expanded, so a grid too large is refused in milliseconds.
  if (
    !checkStrategyCount(resolution, config.strategies, options.overlay === undefined && isPlainSinglePass(raw, config))
  )
    throw new ConfigError(issues);
  const configured = resolveStrategies(resolution, config.strategies);
  checkCrossSection(
    source,
    configured,
    config.data.sources?.map((s) => s.symbol) ?? (config.data.symbol !== undefined ? [config.data.symbol] : []),
    issues,
  );
  // A replay runs no classifier: they are declared only for the strategies they shaped (and their hashes).
  if (classifiers.length > 0 && !isReplayTopology(topology)) checkClassifierWiring(source, topology, issues);
  const providerFeed =
    options.liveProviderData === true && config.live !== undefined && config.live.feed.type !== 'sluice';
  const pending = await providerDownloads(source, config, baseDir, options, issues);
  const sourceIssues: ConfigIssue[] = [];
  const sources = resolveSources(source, config, baseDir, providerFeed ? [] : sourceIssues);
  // A file a provider will download is not missing yet.
  issues.push(...sourceIssues.filter((i) => !pending.some((p) => i.message.endsWith(p))));
  const start = parseTime(source, config.data.start, ['data', 'start'], issues);
  const end = parseTime(source, config.data.end, ['data', 'end'], issues);
  if (start !== undefined && end !== undefined && end <= start) {
    issues.push(
      issueAt(
        source,
        ['data', 'end'],
        'INVALID_VALUE',
        `data.end (${config.data.end ?? ''}) is not after data.start (${config.data.start ?? ''}): no bar would be selected`,
        'data.start is the first bar kept, data.end the first bar left out',
      ),
    );
  }
  // A provider-fed live run reads its data files only for `--warmup data`: one not there is not probed.
  if (issues.length === 0)
    await probeSources(
      source,
      sources.filter((s) => !pending.includes(s.path) && !(providerFeed && !existsSync(s.path))),
      config,
      issues,
    );
  checkTraceBudget(source, config, issues);
  try {
    parseTimeframe(config.data.timeframe);
    checkFeatureTimeframes(
      source,
      config.data.timeframe,
      configured,
      classifiers,
      config.classifiers.map((c) => c.id ?? c.type),
      issues,
    );
  } catch (err) {
    issues.push(
      issueAt(
        source,
        ['data', 'timeframe'],
        'INVALID_VALUE',
        (err as Error).message,
        "write e.g. '1m', '5m', '15m', '1h', '1d'",
      ),
    );
  }
  // A signal replay's books are the stored strategies (docs/replay.md); other topologies need strategies:.
  const replaying = isReplayTopology(topology);
  if (!replaying) checkNotReplay(source, config, topology, issues);
  const replay = replaying
    ? await resolveReplay({
        source,
        config,
        baseDir,
        strategies: configured,
        classifiers,
        sources,
        start,
        end,
        force: options.force,
        pendingStores: options.pendingStores,
        issues,
      })
    : undefined;
  const strategies = replay?.strategies ?? configured;
  if (issues.length > 0) throw new ConfigError(issues);

  const plan = planGraph(
    topology,
    { strategies: strategies.map((s) => s.key), classifiers: classifiers.map((c) => c.id) },
    (path, code, message, hint) => issues.push(issueAt(topo.source, [...topo.basePath, ...path], code, message, hint)),
  );
  if (plan === null) throw new ConfigError(issues);
  const sequence = await resolveConfigSequence(
    source,
    config.sequence,
    baseDir,
    config.patterns,
    options.patternDirs ?? [],
  );

  const wf: ResolvedWorkflow = {
    file,
    baseDir,
    config: withTraceBehaviors(config, topology.behaviors),
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
  return {
    wf: annualized,
    plan,
    sequence,
    load: custom === undefined || custom.size === 0 ? { file, options: travelling } : undefined,
    ...(pending.length > 0 ? { pendingDownloads: pending } : {}),
  };
}

/**
 * `data.provider:`: checks each provider's dates, then downloads the cache files that are
 * missing (or, with `fetchData: false`, lists them). A failed download is a config error at
 * the provider, in one line.
 *
 * @returns the cache files still missing (absolute)
 */
async function providerDownloads(
  source: YamlSource,
  config: WorkflowConfig,
  baseDir: string,
  options: LoadWorkflowOptions,
  issues: ConfigIssue[],
): Promise<string[]> {
  const d = config.data;
  const entries =
    d.sources !== undefined
      ? d.sources.flatMap((s, i) =>
          s.provider === undefined
            ? []
            : [
                {
                  symbol: s.symbol,
                  path: s.path,
                  provider: s.provider,
                  at: ['data', 'sources', i, 'provider'] as ConfigPath,
                },
              ],
        )
      : d.provider !== undefined && d.path !== undefined && d.symbol !== undefined
        ? [{ symbol: d.symbol, path: d.path, provider: d.provider, at: ['data', 'provider'] as ConfigPath }]
        : [];
  const caches: ProviderCache[] = [];
  for (const e of entries) {
    let ok = true;
    for (const key of ['start', 'end'] as const) {
      if (Number.isNaN(parseIsoTimestamp(e.provider[key]))) {
        issues.push(
          issueAt(
            source,
            [...e.at, key],
            'INVALID_VALUE',
            `cannot read '${e.provider[key]}' as a date or timestamp`,
            "write an ISO 8601 date, e.g. '2025-01-01' or '2025-01-01T13:30:00Z'",
          ),
        );
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
    // A provider's refusal, bad credentials, a network failure: the user's to fix, located at the file entry.
    if (!isUserError(err)) throw err;
    const at = entries.find((e) => resolve(baseDir, e.path) === missing[0]?.path)?.at ?? ['data'];
    issues.push(
      issueAt(
        source,
        at,
        'DATA_DOWNLOAD',
        `downloading the bars failed: ${err.message}`,
        'fix the provider settings, or download the file with `sluice data fetch` and name it in path',
      ),
    );
  }
  return caches.filter((c) => !existsSync(c.path)).map((c) => c.path);
}

/**
 * `metrics.annualization: data`: reads the data once (its [start, end) range) to count
 * the first symbol's bars per session, and sets `dataBarsPerYear`. Bars longer than a
 * day keep the timeframe's figure (a session cannot tell them apart).
 */
async function withDataAnnualization(wf: ResolvedWorkflow): Promise<ResolvedWorkflow> {
  const [{ openWorkflowSource }, { SessionCounter, checkAnnualization }] = await Promise.all([
    import('../data/workflow-source.ts'),
    import('../domain/metrics/data-calendar.ts'),
  ]);
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
  const hint =
    'use a topology with a container of role classifier, foreach: classifiers, and a route carrying CLASSIFICATION to the strategies (the built-in backtest and signal_generation have both)';
  if (!topology.containers.some((c) => c.role === 'classifier' && c.foreach === 'classifiers')) {
    issues.push(
      issueAt(
        source,
        ['classifiers'],
        'INVALID_VALUE',
        `the topology '${topology.name}' has no classifier container, so these classifiers would never run`,
        hint,
      ),
    );
    return;
  }
  const strategies = new Set(topology.containers.filter((c) => c.role === 'strategy').map((c) => c.id));
  const reaches = topology.routes.some(
    (r) => r.events.includes('CLASSIFICATION') && endpointIds(topology, r.to).some((id) => strategies.has(id)),
  );
  if (!reaches) {
    issues.push(
      issueAt(
        source,
        ['classifiers'],
        'INVALID_VALUE',
        `the topology '${topology.name}' delivers no CLASSIFICATION to its strategies, so they would never see a regime`,
        hint,
      ),
    );
  }
}

/** The issue for a document that is not a mapping: says what was found instead. */
function notAMapping(source: YamlSource): ConfigIssue {
  const expected = 'a workflow config is a mapping (name:, data:, strategies:, …)';
  if (source.doc.contents === null) return issueAt(source, [], 'INVALID_TYPE', `the file is empty: ${expected}`);
  const listOfMappings =
    Array.isArray(source.data) && source.data.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
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
      issueAt(
        source,
        ['topology'],
        'UNKNOWN_NAME',
        `unknown topology '${value}'`,
        guess !== undefined ? `did you mean '${guess}'?` : `known topologies: ${[...found.keys()].join(', ')}`,
      ),
    );
  }
  const patternSource = await loadYamlFile(pattern.file);
  return { def: parseConfig(patternSource, TopologySchema), source: patternSource, basePath: [] };
}

function resolveSources(
  source: YamlSource,
  config: WorkflowConfig,
  baseDir: string,
  issues: ConfigIssue[],
): ResolvedDataSource[] {
  const d = config.data;
  const entries =
    d.sources !== undefined
      ? d.sources.map((s, i) => ({ ...s, at: ['data', 'sources', i, 'path'] as ConfigPath }))
      : [{ symbol: d.symbol!, path: d.path!, format: d.format, at: ['data', 'path'] as ConfigPath }];
  return entries.map((e) => {
    const path = resolve(baseDir, e.path);
    if (!existsSync(path)) {
      // A live config fed by a provider ships without bars: say how to run it.
      const feed = config.live?.feed.type;
      const live =
        feed !== undefined && feed !== 'sluice'
          ? `; this config's bars come from the ${feed} feed: run it with \`sluice live\`, or fetch history with \`sluice data\` first`
          : '';
      issues.push(
        issueAt(
          source,
          e.at,
          'FILE_NOT_FOUND',
          `data file not found: ${path}`,
          `paths are relative to the config file's folder (${baseDir})${live}`,
        ),
      );
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
  const t = config.execution.traceSettings;
  if (t === undefined) return;
  const overrides = Object.values(t.containerSettings);
  if (t.level === 'none' && overrides.every((c) => c.level === undefined || c.level === 'none')) return;
  const events = t.maxEvents + overrides.reduce((sum, c) => sum + (c.maxEvents ?? 0), 0);
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
  if (['workflow', 'phases', 'iteration', 'branches', 'workflow_module'].some((k) => raw[k] !== undefined))
    return false;
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

async function probeSources(
  source: YamlSource,
  sources: readonly ResolvedDataSource[],
  config: WorkflowConfig,
  issues: ConfigIssue[],
): Promise<void> {
  const d = config.data;
  const at = (i: number): ConfigPath => (d.sources !== undefined ? ['data', 'sources', i, 'path'] : ['data', 'path']);
  await Promise.all(
    sources.map(async (s, i) => {
      const err = await probeBarFile({ path: s.path, symbol: s.symbol, format: s.format, onBadRow: d.onBadRow }, '/');
      if (err === undefined) return;
      if (s.format === 'csv' && BINARY.test(err.what)) {
        issues.push(
          issueAt(
            source,
            at(i),
            'INVALID_DATA',
            `cannot read bars from CSV data file: ${err.file}  binary content, not text (a compressed or Parquet file?)`,
            'a CSV bar file is text: decompress it, or name a Parquet file with format: parquet',
          ),
        );
        return;
      }
      const hint =
        err.code === 'MALFORMED_FILE' && s.format === 'parquet'
          ? 'the file is read as Parquet (format: parquet or its extension); for a CSV file remove format or write format: csv'
          : err.code === 'MISSING_COLUMN'
            ? 'a CSV bar file starts with a header row naming its columns: timestamp,open,high,low,close,volume'
            : undefined;
      issues.push(
        issueAt(
          source,
          at(i),
          'INVALID_DATA',
          `cannot read bars from ${s.format === 'parquet' ? 'Parquet' : 'CSV'} data file: ${err.message}`,
          hint,
        ),
      );
    }),
  );
}

function parseTime(
  source: YamlSource,
  value: string | undefined,
  path: ConfigPath,
  issues: ConfigIssue[],
): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseIsoTimestamp(value);
  if (Number.isNaN(ms)) {
    issues.push(
      issueAt(
        source,
        path,
        'INVALID_VALUE',
        `cannot read '${value}' as a date or timestamp`,
        "write an ISO 8601 date, e.g. '2024-06-01' or '2024-06-01T13:30:00Z'",
      ),
    );
    return undefined;
  }
  return ms;
}
