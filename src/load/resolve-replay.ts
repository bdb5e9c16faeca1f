import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, type ConfigIssue, type ConfigPath } from '../config/config-error.ts';
import { issueAt, type YamlSource } from '../config/yaml-source.ts';
import { didYouMean } from '../errors/suggest.ts';
import { parseConfig } from '../config/validate.ts';
import { toSnakeKeys } from '../config/schema-keys.ts';
import type { CamelCaseKeys } from '../config/case-keys.ts';
import { clonePlain, isPlainObject } from '../config/deep-merge.ts';
import type { WorkflowConfig } from '../config/schema/workflow.ts';
import type { TopologyDef } from '../config/schema/topology.ts';
import { ExecutionSchema, PortfolioSchema, RiskSchema } from '../config/schema/trading.ts';
import type {
  ReplayVariant,
  ResolvedClassifier,
  ResolvedDataSource,
  ResolvedReplay,
  ResolvedStrategy,
  StoredSignal,
} from '../config/resolved.ts';
import type { StrategyDefinition } from '../domain/strategies/strategy.ts';
import type { Direction } from '../events/index.ts';
import { ENGINE } from '../engine-info.ts';
import { canonicalJson, fileFingerprint } from '../files/combination-store.ts';
import { checkStoreCompatible, readStoreBatches, readStoreMeta } from '../signals/read-store.ts';
import { dataKey, storeConfigHash, strategyHash } from '../signals/store-identity.ts';
import {
  SignalStoreError,
  STORE_FILES,
  type SignalStoreMeta,
  type StoreData,
  type StoreDataSource,
  type StoreStrategy,
} from '../signals/store-format.ts';

/** True when the topology replays stored signals (it has a signal_source container). */
export function isReplayTopology(topology: TopologyDef): boolean {
  return topology.containers.some((c) => c.role === 'signal_source');
}

/**
 * The replay keys of a config whose topology replays nothing: `strategies:` is then
 * required, and `replay:` / `replay_variants:` would be silently ignored, so both are
 * reported.
 */
export function checkNotReplay(
  source: YamlSource,
  config: WorkflowConfig,
  topology: TopologyDef,
  issues: ConfigIssue[],
): void {
  if (config.strategies.length === 0) {
    issues.push(
      issueAt(
        source,
        ['strategies'],
        'MISSING_KEY',
        "missing required key 'strategies' (expected a list of strategies, at least one)",
        'only a signal replay (topology: signal_replay) may leave it out: its books are the stored strategies',
      ),
    );
  }
  for (const [key, field] of [
    ['replay', 'replay'],
    ['replay_variants', 'replayVariants'],
  ] as const) {
    if (config[field] !== undefined) {
      issues.push(
        issueAt(
          source,
          [key],
          'INVALID_VALUE',
          `${key} is read only by a signal replay, but the topology '${topology.name}' has no signal_source container`,
          'use topology: signal_replay',
          { key: true },
        ),
      );
    }
  }
}

/** What {@link resolveReplay} reads. */
export interface ReplayResolution {
  readonly source: YamlSource;
  readonly config: WorkflowConfig;
  readonly baseDir: string;
  /** The strategies `strategies:` resolved to (empty when it is absent). */
  readonly strategies: readonly ResolvedStrategy[];
  /** The config's classifiers: part of the hash of a strategy whose filter or params read one. */
  readonly classifiers: readonly ResolvedClassifier[];
  readonly sources: readonly ResolvedDataSource[];
  /** The config's data range (epoch ms), which the store's must equal. */
  readonly start: number | undefined;
  readonly end: number | undefined;
  /** `--force`: replay a store that does not fit (as `replay.force: true`). */
  readonly force?: boolean | undefined;
  /** A missing store is no error (an earlier phase of a workflow writes it): see LoadWorkflowOptions. */
  readonly pendingStores?: boolean | undefined;
  readonly issues: ConfigIssue[];
}

/** A replay, resolved: the books it runs and the store they read. */
export interface ResolvedReplaySetup {
  readonly strategies: readonly ResolvedStrategy[];
  readonly replay: ResolvedReplay;
}

/**
 * Opens the store a replay config names, decides its books and checks that the store fits
 * the config: every stored strategy, or those `strategies:` lists (each must be in the
 * store, with the same hash: type, params, filter, classifiers read) or `replay.strategies`
 * names. A store computed from other data (files, symbols, timeframe, range), other
 * parameters or another engine version is refused unless `replay.force`. Problems are
 * reported located at the key that causes them; returns undefined after reporting.
 */
export async function resolveReplay(ctx: ReplayResolution): Promise<ResolvedReplaySetup | undefined> {
  const { source, config, issues } = ctx;
  const force = config.replay?.force === true || ctx.force === true;
  // The store: replay.store, else the persistent signals.store, both relative to the config file (as configuredStoreDir).
  const named = config.replay?.store;
  const where =
    named !== undefined
      ? resolve(ctx.baseDir, named)
      : config.signals.store !== undefined
        ? resolve(ctx.baseDir, config.signals.store)
        : undefined;
  const at: ConfigPath = named !== undefined ? ['replay', 'store'] : ['signals', 'store'];
  if (where === undefined) {
    issues.push(
      issueAt(
        source,
        config.replay !== undefined ? ['replay'] : ['topology'],
        'MISSING_KEY',
        'a signal replay reads a signal store, but the config names none',
        'add replay: { store: <the results phase folder of a signal_generation run, or a store folder> }',
      ),
    );
    return undefined;
  }
  const variants = resolveVariants(ctx);
  checkSequence(ctx);
  const dir = findStore(where);
  if (dir === undefined && ctx.pendingStores === true && !existsSync(where)) return undefined;
  if (dir === undefined) {
    issues.push(
      issueAt(
        source,
        at,
        'FILE_NOT_FOUND',
        `no signal store at ${where}`,
        `name a signal store folder (it holds ${STORE_FILES.metadata}) or the results phase folder of a signal_generation run (it holds signals/)${named !== undefined ? `, relative to the config file's folder (${ctx.baseDir})` : ''}`,
      ),
    );
    return undefined;
  }
  const unreadable = (err: unknown): undefined => {
    if (!(err instanceof SignalStoreError)) throw err;
    issues.push(issueAt(source, at, err.code, `cannot replay ${dir}: ${err.message}`));
    return undefined;
  };
  let meta: SignalStoreMeta;
  try {
    meta = await readStoreMeta(dir);
  } catch (err) {
    return unreadable(err);
  }
  const books = selectBooks(ctx, meta);
  if (books === undefined || variants === null) return undefined;
  // Data files are fingerprinted only when they exist (a missing one is reported already).
  if (!ctx.sources.every((s) => existsSync(s.path))) return undefined;
  const forced = await checkCompatible(ctx, meta, books, dir, force, at);
  if (forced === undefined) return undefined;
  // Only the signal rows of the books, read a row group at a time (regimes are not read).
  const keys = new Set(books.map((b) => b.book.key));
  const signals: StoredSignal[] = [];
  try {
    for await (const batch of readStoreBatches(dir, 'signals', meta)) {
      for (const r of batch) {
        if (keys.has(r.strategy_id))
          signals.push({
            ts: r.ts,
            symbol: r.symbol,
            strategyId: r.strategy_id,
            direction: r.direction as Direction,
            strength: r.strength,
            weight: r.weight ?? null,
          });
      }
    }
  } catch (err) {
    return unreadable(err);
  }
  return { strategies: books.map((b) => b.book), replay: { store: dir, signals, forced, variants } };
}

/** A book of the replay: the stored strategy, and the config's own when `strategies:` gives it. */
interface Book {
  readonly book: ResolvedStrategy;
  readonly stored: StoreStrategy;
  readonly configured: ResolvedStrategy | undefined;
}

/**
 * What must match for the replay to reproduce a backtest of this config: the data (the
 * store's data key: file contents, symbols, timeframe, range), each strategy the config
 * gives (its hash: type, params, filter, classifiers read, engine version) and the engine
 * version. Portfolio, risk and execution are not part of it: varying them is what replay
 * is for. The expected config hash is the store's own with this config's data key and
 * strategy hashes in place of the stored ones, checked by {@link checkStoreCompatible}.
 *
 * @returns the differences `force` let through ([] when the store matches), or undefined
 *   after reporting a refusal.
 */
async function checkCompatible(
  ctx: ReplayResolution,
  meta: SignalStoreMeta,
  books: readonly Book[],
  dir: string,
  force: boolean,
  at: ConfigPath,
): Promise<string[] | undefined> {
  const { config } = ctx;
  const sources: StoreDataSource[] = [];
  for (const s of ctx.sources) {
    const fp = await fileFingerprint(s.path);
    sources.push({ symbol: s.symbol, format: s.format, path: s.path, name: fp.name, size: fp.size, sha256: fp.sha256 });
  }
  const range = { start: iso(ctx.start), end: iso(ctx.end) };
  const key = dataKey(sources, config.data.timeframe, range.start, range.end);
  const differences: { code: SignalStoreError['code']; text: string }[] = [];
  if (meta.engine.version !== ENGINE.version)
    differences.push({
      code: 'VERSION_MISMATCH',
      text: `written by engine version ${meta.engine.version}, this is ${ENGINE.version}`,
    });
  if (key !== meta.data_key)
    differences.push({
      code: 'DATA_MISMATCH',
      text: describeDataDifference(meta.data, sources, config.data.timeframe, range),
    });
  const hashes = new Map<string, string>();
  for (const b of books) {
    if (b.configured === undefined) continue;
    const hash = strategyHash(b.configured, ctx.classifiers);
    hashes.set(b.stored.id, hash);
    if (hash !== b.stored.hash)
      differences.push({
        code: 'CONFIG_MISMATCH',
        text: describeStrategyDifference(b.stored, b.configured, ctx.classifiers),
      });
  }
  const configHash = storeConfigHash(
    key,
    meta.strategies.map((s) => hashes.get(s.id) ?? s.hash),
    meta.classifiers.map((c) => c.hash),
  );
  try {
    checkStoreCompatible(meta, { configHash, engineVersion: ENGINE.version, force });
  } catch (err) {
    if (!(err instanceof SignalStoreError)) throw err;
    const first = differences[0];
    ctx.issues.push(
      issueAt(
        ctx.source,
        at,
        first?.code ?? err.code,
        `signal store ${dir} does not fit this config: ${differences.length > 0 ? differences.map((d) => d.text).join('; ') : err.message}`,
        'a replay reproduces a backtest only over the data and strategies the store was computed from: regenerate the store (topology: signal_generation), or set replay.force: true (--force) to replay it anyway',
      ),
    );
    return undefined;
  }
  return differences.map((d) => d.text);
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** How the config's data differs from the store's, in words. */
function describeDataDifference(
  stored: StoreData,
  sources: readonly StoreDataSource[],
  timeframe: string,
  range: { start: string | null; end: string | null },
): string {
  const parts: string[] = [];
  const symbols = sources.map((s) => s.symbol);
  if (symbols.join(',') !== stored.symbols.join(','))
    parts.push(`symbols ${symbols.join(', ')} where the store has ${stored.symbols.join(', ')}`);
  for (const s of sources) {
    const was = stored.sources.find((x) => x.symbol === s.symbol);
    if (was !== undefined && (was.sha256 !== s.sha256 || was.size !== s.size || was.format !== s.format)) {
      parts.push(
        `the ${s.symbol} bars (${s.name}, ${s.size} bytes, sha256 ${s.sha256.slice(0, 12)}…) are not those the store was computed from (${was.name}, ${was.size} bytes, sha256 ${was.sha256.slice(0, 12)}…)`,
      );
    }
  }
  if (timeframe !== stored.timeframe) parts.push(`timeframe ${timeframe} where the store has ${stored.timeframe}`);
  if (range.start !== stored.start || range.end !== stored.end) {
    parts.push(
      `data range ${range.start ?? '(start)'} … ${range.end ?? '(end)'} where the store has ${stored.start ?? '(start)'} … ${stored.end ?? '(end)'}`,
    );
  }
  return `other data: ${parts.length > 0 ? parts.join(', ') : 'the data key differs'}`;
}

/** How a strategy of the config differs from the stored one of the same id, in words. */
function describeStrategyDifference(
  stored: StoreStrategy,
  s: ResolvedStrategy,
  classifiers: readonly ResolvedClassifier[],
): string {
  const parts: string[] = [];
  if (s.type !== stored.type) parts.push(`type ${s.type} where the store has ${stored.type}`);
  const keys = [...new Set([...Object.keys(s.params), ...Object.keys(stored.params)])];
  const changed = keys.filter((k) => canonicalJson(s.params[k] ?? null) !== canonicalJson(stored.params[k] ?? null));
  if (s.type === stored.type && changed.length > 0) {
    parts.push(
      changed
        .map(
          (k) =>
            `${k} ${canonicalJson(s.params[k] ?? null)} where the store has ${canonicalJson(stored.params[k] ?? null)}`,
        )
        .join(', '),
    );
  }
  const filter = s.filter?.text ?? null;
  if (filter !== stored.filter)
    parts.push(`filter ${JSON.stringify(filter)} where the store has ${JSON.stringify(stored.filter)}`);
  if (parts.length === 0)
    parts.push(
      `the classifiers it reads (${classifiers.map((c) => c.id).join(', ') || 'none'}) differ from the store's`,
    );
  return `strategy '${stored.id}': ${parts.join(', ')}`;
}

/**
 * A replay runs over the range its store was computed on: a windowed sequence (train_test,
 * walk_forward, or any `window:`) would restart the books inside it while the stored
 * signals carry on from before, which no backtest gives.
 */
function checkSequence(ctx: ReplayResolution): void {
  const seq = ctx.config.sequence;
  const type = typeof seq === 'string' ? seq : seq['type'];
  if (type === 'train_test' || type === 'walk_forward' || (typeof seq !== 'string' && seq['window'] !== undefined)) {
    ctx.issues.push(
      issueAt(
        ctx.source,
        ['sequence'],
        'INVALID_VALUE',
        `a signal replay runs over the range its store was computed on, but sequence '${String(type)}' runs windows of it`,
        'use single_pass, parameter_sweep or monte_carlo; replay a store generated over the window instead (data.start / data.end)',
      ),
    );
  }
}

/**
 * `replay_variants:`, each overlay applied to the config's own sections and validated
 * there (errors point into the variant); null after reporting.
 */
function resolveVariants(ctx: ReplayResolution): ReplayVariant[] | undefined | null {
  const { source, config, issues } = ctx;
  const list = config.replayVariants;
  if (list === undefined) return undefined;
  const before = issues.length;
  const seq = config.sequence;
  const seqType = typeof seq === 'string' ? seq : seq['type'];
  if (seqType !== 'single_pass') {
    issues.push(
      issueAt(
        source,
        ['sequence'],
        'INVALID_VALUE',
        `replay_variants run one single pass per variant, but the sequence is '${String(seqType)}'`,
        'remove sequence: (default single_pass) or the variants',
      ),
    );
  }
  const seen = new Set<string>();
  const out: ReplayVariant[] = [];
  list.forEach((v, i) => {
    if (seen.has(v.name))
      issues.push(
        issueAt(source, ['replay_variants', i, 'name'], 'INVALID_VALUE', `variant name '${v.name}' is used twice`),
      );
    seen.add(v.name);
    // The variant overlays the section in its YAML spelling (what the user wrote addresses
    // YAML keys); the result crosses the schema boundary like the config did.
    const section = <S extends z.ZodType>(
      key: 'portfolio' | 'risk' | 'execution',
      schema: S,
      base: CamelCaseKeys<z.output<S>>,
    ): CamelCaseKeys<z.output<S>> | undefined => {
      try {
        return parseConfig(source, schema, overlaySection(toSnakeKeys(schema, base), v[key] ?? {}), [
          'replay_variants',
          i,
          key,
        ]);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        issues.push(...err.issues);
        return undefined;
      }
    };
    const portfolio = section('portfolio', PortfolioSchema, config.portfolio);
    const risk = section('risk', RiskSchema, config.risk);
    const execution = section('execution', ExecutionSchema, config.execution);
    if (portfolio !== undefined && risk !== undefined && execution !== undefined)
      out.push({ name: v.name, portfolio, risk, execution });
  });
  return issues.length > before ? null : out;
}

/**
 * A variant's overlay over a config section: mappings merge key by key, except that a
 * mapping whose `type` or `model` changes (another sizing rule, another commission model)
 * is replaced whole, since the old one's keys would not fit it. Lists and scalars replace.
 */
export function overlaySection(base: unknown, overlay: unknown): unknown {
  if (overlay === undefined) return clonePlain(base);
  if (!isPlainObject(base) || !isPlainObject(overlay)) return clonePlain(overlay);
  for (const tag of ['type', 'model']) {
    if (overlay[tag] !== undefined && overlay[tag] !== base[tag]) return clonePlain(overlay);
  }
  const out: Record<string, unknown> = clonePlain(base);
  // (`__proto__` is no config key; skipping it keeps the prototype untouched.)
  for (const [k, v] of Object.entries(overlay))
    if (v !== undefined && k !== '__proto__')
      out[k] = Object.hasOwn(base, k) ? overlaySection(base[k], v) : clonePlain(v);
  return out;
}

/** The store folder: `path` itself, its signals/ folder, or that of its one phase folder. */
function findStore(path: string): string | undefined {
  const isStore = (d: string): boolean => existsSync(join(d, STORE_FILES.metadata));
  if (!existsSync(path) || !statSync(path).isDirectory()) return undefined;
  if (isStore(path)) return path;
  if (isStore(join(path, 'signals'))) return join(path, 'signals');
  const phases = readdirSync(path, { withFileTypes: true }).filter(
    (e) => e.isDirectory() && isStore(join(path, e.name, 'signals')),
  );
  return phases.length === 1 ? join(path, phases[0]!.name, 'signals') : undefined;
}

/**
 * The books of the replay, in the order a backtest of the same config would place them:
 * `strategies:` order when given, else the store's.
 */
function selectBooks(ctx: ReplayResolution, meta: SignalStoreMeta): Book[] | undefined {
  const { source, config, issues } = ctx;
  const byId = new Map(meta.strategies.map((s) => [s.id, s]));
  const before = issues.length;
  const only = config.replay?.strategies;
  const notInStore = (id: string, path: ConfigPath): void => {
    const guess = didYouMean(id, byId.keys());
    const ids = [...byId.keys()];
    issues.push(
      issueAt(
        source,
        path,
        'UNKNOWN_NAME',
        `strategy '${id}' is not in the signal store`,
        guess !== undefined
          ? `did you mean '${guess}'?`
          : `the store has: ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? `, … (${ids.length})` : ''}`,
      ),
    );
  };
  if (only !== undefined && ctx.strategies.length > 0) {
    issues.push(
      issueAt(
        source,
        ['replay', 'strategies'],
        'INVALID_VALUE',
        'replay.strategies and strategies: both select the books',
        'keep one: strategies: (checked against the store) or replay.strategies (ids only)',
        { key: true },
      ),
    );
    return undefined;
  }
  const books: Book[] = [];
  if (ctx.strategies.length > 0) {
    for (const s of ctx.strategies) {
      const stored = byId.get(s.key);
      if (stored === undefined) notInStore(s.key, ['strategies', s.entry]);
      else books.push({ book: replayed(stored, s.entry), stored, configured: s });
    }
  } else if (only !== undefined) {
    only.forEach((id, i) => {
      const stored = byId.get(id);
      if (stored === undefined) notInStore(id, ['replay', 'strategies', i]);
      else books.push({ book: replayed(stored, -1), stored, configured: undefined });
    });
  } else {
    for (const stored of meta.strategies) books.push({ book: replayed(stored, -1), stored, configured: undefined });
  }
  if (issues.length > before) return undefined;
  if (books.length === 0) {
    issues.push(issueAt(source, ['replay'], 'INVALID_VALUE', 'the signal store holds no strategy'));
    return undefined;
  }
  return books;
}

/** A stored strategy as a book of the replay: its definition computes nothing. */
function replayed(s: StoreStrategy, entry: number): ResolvedStrategy {
  return { key: s.id, type: s.type, params: s.params, definition: replayDefinition(s.type), entry, filter: undefined };
}

/**
 * Stands in for a strategy's definition in a replay, where no strategy runs: it needs no
 * feature, and creating its logic is an engine bug.
 */
function replayDefinition(type: string): StrategyDefinition {
  return {
    name: type,
    description: `${type}, replayed from a signal store`,
    params: z.record(z.string(), z.unknown()),
    features: () => [],
    create: () => {
      throw new Error(`strategy '${type}' is replayed from a signal store and cannot run`);
    },
  };
}
