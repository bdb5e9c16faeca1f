import { existsSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { ConfigError, type ConfigIssue, type ConfigPath } from './config-error.ts';
import { issueAt, loadYamlFile, type YamlSource } from './yaml-source.ts';
import { parseWithSchema } from './validate.ts';
import { deepMerge } from './deep-merge.ts';
import { applySetOverrides } from './set-override.ts';
import { expandGrid } from './grid.ts';
import { didYouMean } from './suggest.ts';
import { compileExpression, ExpressionError, type CompiledExpression, type ExpressionValue } from './expression.ts';
import { describeValue } from './describe-value.ts';
import { TopologySchema, type TopologyDef } from './schema/topology.ts';
import { WorkflowConfigSchema, type WorkflowConfig } from './schema/workflow.ts';
import type { ResolvedDataSource, ResolvedFilter, ResolvedStrategy, ResolvedWorkflow } from './resolved.ts';
import { INDICATORS } from '../domain/indicators/catalogue.ts';
import { featureFromCall } from '../domain/indicators/feature-spec.ts';
import type { FeatureRequest } from '../domain/strategies/strategy.ts';
import { STRATEGIES } from '../domain/strategies/catalogue.ts';
import type { StrategyDefinition } from '../domain/strategies/strategy.ts';
import { parseTimeframe } from '../domain/metrics/timeframe.ts';
import { discoverPatterns } from '../patterns/discover.ts';
import { planGraph, type GraphPlan } from '../topology/graph-plan.ts';

/** Options for {@link loadWorkflow}. */
export interface LoadWorkflowOptions {
  /** `--set path=value` overrides, applied over the file. */
  readonly sets?: readonly string[];
  /** Extra pattern folders (`--patterns`), after those the config names. */
  readonly patternDirs?: readonly string[];
  /** Strategies beyond the built-in catalogue (user modules, tests). */
  readonly strategies?: ReadonlyMap<string, StrategyDefinition>;
}

/** A workflow ready to run: resolved plain data plus its validated graph plan. */
export interface LoadedWorkflow {
  readonly wf: ResolvedWorkflow;
  readonly plan: GraphPlan;
}

/**
 * Loads a workflow config and everything it refers to, and checks all of it before any
 * bar is read: YAML syntax, the schema, strategy names and their parameters (after grid
 * expansion), data files, the timeframe, and the topology graph. Every problem found is
 * reported at once, located in its file.
 *
 * Defaults are layered pattern defaults ← user config ← `--set` overrides.
 *
 * @throws ConfigError for any user mistake.
 */
export async function loadWorkflow(file: string, options: LoadWorkflowOptions = {}): Promise<LoadedWorkflow> {
  const source = await loadYamlFile(file);
  const baseDir = dirname(resolve(file));
  if (source.data === null || typeof source.data !== 'object' || Array.isArray(source.data)) {
    throw new ConfigError(notAMapping(source));
  }
  const raw = applySetOverrides(source.data as Record<string, unknown>, [...(options.sets ?? [])]) as Record<string, unknown>;
  const catalogue = new Map([...STRATEGIES, ...(options.strategies ?? [])]);

  const topo = await resolveTopology(source, raw, baseDir, options.patternDirs ?? []);
  const merged = deepMerge(topo.def?.defaults ?? {}, raw) as Record<string, unknown>;
  const config = parseWithSchema(source, WorkflowConfigSchema, merged);
  const topology = topo.def ?? (config.topology as TopologyDef);

  const issues: ConfigIssue[] = [];
  const strategies = resolveStrategies(source, config, catalogue, issues);
  const sources = resolveSources(source, config, baseDir, issues);
  const start = parseTime(source, config.data.start, ['data', 'start'], issues);
  const end = parseTime(source, config.data.end, ['data', 'end'], issues);
  try {
    parseTimeframe(config.data.timeframe);
  } catch (err) {
    issues.push(issueAt(source, ['data', 'timeframe'], 'INVALID_VALUE', (err as Error).message, "write e.g. '1m', '5m', '15m', '1h', '1d'"));
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const plan = planGraph(topology, { strategies: strategies.map((s) => s.key) }, (path, code, message, hint) =>
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
    sources,
    start,
    end,
  };
  return { wf, plan };
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

function resolveStrategies(
  source: YamlSource,
  config: WorkflowConfig,
  catalogue: ReadonlyMap<string, StrategyDefinition>,
  issues: ConfigIssue[],
): ResolvedStrategy[] {
  const out: ResolvedStrategy[] = [];
  const used = new Set<string>();
  config.strategies.forEach((entry, i) => {
    const definition = catalogue.get(entry.type);
    if (definition === undefined) {
      const guess = didYouMean(entry.type, catalogue.keys());
      issues.push(
        issueAt(source, ['strategies', i, 'type'], 'UNKNOWN_NAME', `unknown strategy '${entry.type}'`, guess !== undefined ? `did you mean '${guess}'?` : 'see `sluice list strategies`'),
      );
      return;
    }
    const paramsPath: ConfigPath = ['strategies', i, 'params'];
    let spec: Record<string, unknown> = entry.params;
    if (entry.grid === 'default') {
      if (definition.defaultGrid === undefined) {
        issues.push(issueAt(source, ['strategies', i, 'grid'], 'INVALID_VALUE', `strategy '${entry.type}' has no default grid`, 'write the grid under params'));
        return;
      }
      spec = { ...definition.defaultGrid, ...entry.params };
    }
    let combos: Record<string, unknown>[];
    try {
      combos = expandGrid(spec, { source, path: paramsPath });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push(...err.issues);
      return;
    }
    if (entry.constraint !== undefined) {
      const kept = applyConstraint(source, ['strategies', i, 'constraint'], entry.constraint, definition, combos, issues);
      if (kept === null) return;
      combos = kept;
    }
    let filter: ResolvedFilter | undefined;
    if (entry.filter !== undefined) {
      const compiled = compileFilter(source, ['strategies', i, 'filter'], entry.filter, issues);
      if (compiled === null) return;
      filter = compiled;
    }
    const base = entry.id ?? entry.type;
    for (const combo of combos) {
      let params: Record<string, unknown>;
      try {
        params = parseWithSchema(source, definition.params, combo, paramsPath) as Record<string, unknown>;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        if (combos.length > 1) {
          // Say which combination of the grid broke the rule, and how to skip such ones.
          const which = Object.entries(combo).map(([k, v]) => `${k}=${String(v)}`).join(', ');
          for (const issue of err.issues) issue.hint ??= `the grid combination ${which} breaks it; add a constraint: to skip such combinations`;
        }
        issues.push(...err.issues);
        return; // one combination's errors say it for the whole entry
      }
      let key = combos.length > 1 ? `${base}_${Object.values(combo).map(String).join('_')}` : base;
      for (let n = 2; used.has(key); n++) key = `${base}_${n}`;
      used.add(key);
      out.push({ key, type: entry.type, params, definition, entry: i, filter });
    }
  });
  return out;
}

/**
 * Keeps the grid combinations that satisfy the entry's constraint. The constraint sees
 * each combination's values over the strategy's defaults, so it may name any parameter.
 * Returns null (with an issue) when it cannot be compiled or keeps nothing.
 */
function applyConstraint(
  source: YamlSource,
  path: ConfigPath,
  text: string,
  definition: StrategyDefinition,
  combos: Record<string, unknown>[],
  issues: ConfigIssue[],
): Record<string, unknown>[] | null {
  const parsed = definition.params.safeParse({});
  const defaults = parsed.success ? (parsed.data as Record<string, unknown>) : {};
  const names = [...new Set([...Object.keys(defaults), ...combos.flatMap((c) => Object.keys(c))])];
  let test: CompiledExpression;
  try {
    test = compileExpression(text, { identifiers: names });
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    issues.push(expressionIssue(source, path, err));
    return null;
  }
  const scalar = (v: unknown): v is ExpressionValue => typeof v === 'number' || typeof v === 'boolean';
  const kept = combos.filter((c) => {
    const scope = Object.fromEntries(Object.entries({ ...defaults, ...c }).filter(([, v]) => scalar(v))) as Record<string, ExpressionValue>;
    return test(scope) === true;
  });
  if (kept.length === 0) {
    issues.push(issueAt(source, path, 'GRID', `the constraint '${text}' rules out all ${combos.length} combinations of the grid`, 'check the grid ranges against the constraint'));
    return null;
  }
  return kept;
}

/** Names a filter may read besides indicator calls. */
export const FILTER_NAMES = ['signal', 'strength', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Compiles a strategy filter. Each indicator call (`rsi(14)`, `sma(volume, 20)`) becomes
 * a feature the hub computes and a scope name the expression reads, so the filter costs
 * one closure call per bar and no parsing.
 */
function compileFilter(source: YamlSource, path: ConfigPath, text: string, issues: ConfigIssue[]): ResolvedFilter | null {
  const features: { name: string; request: FeatureRequest }[] = [];
  try {
    const test = compileExpression(text, {
      identifiers: FILTER_NAMES,
      callNames: [...INDICATORS.keys()],
      resolveCall: (name, args) => {
        if (!INDICATORS.has(name)) return undefined;
        const spec = featureFromCall(name, args);
        const slot = `__feature_${features.length}`;
        const request: FeatureRequest = { indicator: spec.definition.name, params: spec.params, ...(spec.input !== undefined ? { input: spec.input } : {}) };
        features.push({ name: slot, request });
        return slot;
      },
    });
    return { text, test, features };
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    issues.push(expressionIssue(source, path, err));
    return null;
  }
}

/** An expression error located at its character inside the YAML scalar. */
function expressionIssue(source: YamlSource, path: ConfigPath, err: ExpressionError): ConfigIssue {
  const issue = issueAt(source, path, 'INVALID_VALUE', err.message, err.hint);
  if (issue.col !== null && issue.sourceLine !== undefined) {
    const quoted = issue.sourceLine[issue.col - 1] === '"' || issue.sourceLine[issue.col - 1] === "'";
    issue.col += err.index + (quoted ? 1 : 0);
    delete issue.endCol;
  }
  return issue;
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
    const format = e.format ?? (extname(path).toLowerCase() === '.parquet' ? 'parquet' : 'csv');
    return { symbol: e.symbol, path, format };
  });
}

function parseTime(source: YamlSource, value: string | undefined, path: ConfigPath, issues: ConfigIssue[]): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) {
    issues.push(issueAt(source, path, 'INVALID_VALUE', `cannot read '${value}' as a date or timestamp`, "write an ISO 8601 date, e.g. '2024-06-01' or '2024-06-01T13:30:00Z'"));
    return undefined;
  }
  return ms;
}
