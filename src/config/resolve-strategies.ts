import { ConfigError, type ConfigIssue, type ConfigPath } from './config-error.ts';
import { issueAt, type YamlSource } from './yaml-source.ts';
import { parseWithSchema } from './validate.ts';
import { expandGrid, gridSize, MAX_GRID_COMBINATIONS } from './grid.ts';
import { didYouMean } from '../errors/suggest.ts';
import {
  compileExpression,
  compileSeriesExpression,
  ExpressionError,
  type CompiledExpression,
  type ExpressionValue,
} from './expression.ts';
import { MemberEntrySchema, RegimeEntrySchema, type StrategyEntry } from './schema/strategies.ts';
import type { ResolvedClassifier, ResolvedFilter, ResolvedStrategy } from './resolved.ts';
import { featureFromCall } from '../domain/indicators/feature-spec.ts';
import { resolveFeature } from '../domain/indicators/feature-key.ts';
import type { FeatureRequest, StrategyDefinition } from '../domain/strategies/strategy.ts';
import { COMPOSITES } from '../domain/composition/catalogue.ts';
import { ensembleStrategy, type EnsembleParams, type WeightedMember } from '../domain/composition/ensemble.ts';
import { regimeSwitchStrategy, type RegimeEntry } from '../domain/composition/regime-switch.ts';
import type { z } from 'zod';
import { INDICATORS } from '../domain/registry.ts';
import { higherTimeframeProblem } from '../domain/indicators/timeframe-buckets.ts';
import { parseTimeframe } from '../domain/metrics/timeframe.ts';

/** Names a filter may read besides indicator calls (and classifier ids). */
export const FILTER_NAMES = ['signal', 'strength', 'open', 'high', 'low', 'close', 'volume'] as const;

/** What strategy resolution reads and where it reports. */
export interface StrategyResolution {
  readonly source: YamlSource;
  /** Plain strategies by type (the built-in catalogue plus any given by the caller). */
  readonly catalogue: ReadonlyMap<string, StrategyDefinition>;
  /** The config's classifiers, already resolved. */
  readonly classifiers: readonly ResolvedClassifier[];
  /**
   * Every classifier id the config declares, also those that failed to resolve (their
   * own error is reported): naming one is then no second error.
   */
  readonly declaredClassifiers: ReadonlySet<string>;
  /** The data's timeframe (`data.timeframe`), which a filter's `sma(50)@1h` must be a multiple of; absent: not checked here. */
  readonly timeframe?: string;
  readonly issues: ConfigIssue[];
}

/**
 * One concrete strategy a config entry stands for: one combination of its grid, and for a
 * composite one combination of its own grid and of every member's.
 */
interface Alternative {
  readonly type: string;
  readonly definition: StrategyDefinition;
  /** Validated params (plain), or the composite described as plain data. */
  readonly params: Record<string, unknown>;
  readonly filter: ResolvedFilter | undefined;
  /** Grid values that tell this alternative from its siblings, for the instance key. */
  readonly tag: readonly string[];
}

/** The keys of a strategy entry that only one kind of strategy may have. */
const KIND_KEYS = {
  members: 'ensemble',
  classifier: 'regime_switch',
  regimes: 'regime_switch',
  otherwise: 'regime_switch',
} as const;

/**
 * Resolves the `strategies:` entries into strategy instances: types looked up (plain or
 * composite), grids expanded (a composite's own params and its members' multiply),
 * constraints applied, every combination validated against its strategy's schema at
 * the YAML path of its params (`strategies[0].members[1].params`), filters compiled, and
 * composites built into one StrategyDefinition each. Problems go to `ctx.issues`; an
 * entry with a problem yields no instance.
 */
export function resolveStrategies(ctx: StrategyResolution, entries: readonly StrategyEntry[]): ResolvedStrategy[] {
  const out: ResolvedStrategy[] = [];
  const used = new Set<string>();
  const explicit = new Map<string, number>();
  entries.forEach((entry, i) => {
    if (entry.id !== undefined) {
      const first = explicit.get(entry.id);
      if (first !== undefined) {
        ctx.issues.push(
          issueAt(
            ctx.source,
            ['strategies', i, 'id'],
            'DUPLICATE_KEY',
            `strategy id '${entry.id}' is used twice (also strategies[${first}])`,
            'ids name books, results and signal-store entries: give each entry its own id',
          ),
        );
        return;
      }
      explicit.set(entry.id, i);
    }
    const alternatives = resolveEntry(ctx, entry, ['strategies', i]);
    if (alternatives === null) return;
    const base = entry.id ?? entry.type;
    for (const alt of alternatives) {
      let key = alt.tag.length > 0 ? `${base}_${alt.tag.join('_')}` : base;
      for (let n = 2; used.has(key); n++) key = `${base}_${n}`;
      used.add(key);
      out.push({ key, type: entry.type, params: alt.params, definition: alt.definition, entry: i, filter: alt.filter });
    }
  });
  return out;
}

/** Most entries under `strategies:`; more is a generated list a grid would write in one entry. */
export const MAX_STRATEGY_ENTRIES = 10_000;
/** Most strategies (books) in one single-pass graph: each is a container with its own book. */
export const MAX_SINGLE_PASS_STRATEGIES = 10_000;

/**
 * Counts the strategies `entries` stand for, without expanding a grid, and refuses sizes
 * that would take minutes and gigabytes to expand or run: more than
 * {@link MAX_STRATEGY_ENTRIES} entries, more than {@link MAX_GRID_COMBINATIONS} strategies
 * in all, more than {@link MAX_SINGLE_PASS_STRATEGIES} in one graph when `singlePass`.
 *
 * @returns false when it reported a problem (then nothing should be expanded).
 */
export function checkStrategyCount(
  ctx: StrategyResolution,
  entries: readonly StrategyEntry[],
  singlePass: boolean,
): boolean {
  const fmt = (n: number): string => n.toLocaleString('en-US');
  if (entries.length > MAX_STRATEGY_ENTRIES) {
    ctx.issues.push(
      issueAt(
        ctx.source,
        ['strategies'],
        'GRID',
        `${fmt(entries.length)} strategy entries, more than ${fmt(MAX_STRATEGY_ENTRIES)}`,
        'write a grid in one entry (params: { fast_period: [5, 10, 20] } or range()) instead of one entry per combination',
      ),
    );
    return false;
  }
  let total = 0;
  entries.forEach((entry, i) => {
    const spec =
      entry.grid === 'default'
        ? { ...(ctx.catalogue.get(entry.type)?.defaultGrid ?? {}), ...entry.params }
        : entry.params;
    try {
      total += gridSize(spec, { source: ctx.source, path: ['strategies', i, 'params'] });
    } catch {
      total += 1; // resolution reports the grid's own mistake
    }
  });
  if (total > MAX_GRID_COMBINATIONS) {
    ctx.issues.push(
      issueAt(
        ctx.source,
        ['strategies'],
        'GRID',
        `the grids expand to ${fmt(total)} strategies in all, more than ${fmt(MAX_GRID_COMBINATIONS)}`,
        'narrow the grids, or sample them: sequence: { type: parameter_sweep, search: { method: random, samples: N } }',
      ),
    );
    return false;
  }
  if (singlePass && total > MAX_SINGLE_PASS_STRATEGIES) {
    ctx.issues.push(
      issueAt(
        ctx.source,
        ['strategies'],
        'GRID',
        `${fmt(total)} strategies in one single-pass graph, more than ${fmt(MAX_SINGLE_PASS_STRATEGIES)}`,
        'run the grid as sequence: parameter_sweep: shards of shard_size strategies, one graph each, resumable',
      ),
    );
    return false;
  }
  return true;
}

type EntryLike = Omit<StrategyEntry, 'id'>;

/** The alternatives of one entry (top level, member or regime entry), or null after reporting. */
function resolveEntry(ctx: StrategyResolution, entry: EntryLike, path: ConfigPath): Alternative[] | null {
  const { source, issues } = ctx;
  const composite = COMPOSITES.get(entry.type);
  const definition = composite === undefined ? ctx.catalogue.get(entry.type) : undefined;
  if (composite === undefined && definition === undefined) {
    const guess = didYouMean(entry.type, [...ctx.catalogue.keys(), ...COMPOSITES.keys()]);
    issues.push(
      issueAt(
        source,
        [...path, 'type'],
        'UNKNOWN_NAME',
        `unknown strategy '${entry.type}'`,
        guess !== undefined ? `did you mean '${guess}'?` : 'see `sluice list strategies`',
      ),
    );
    return null;
  }
  let misplaced = false;
  for (const [key, kind] of Object.entries(KIND_KEYS)) {
    if (entry[key as keyof typeof KIND_KEYS] !== undefined && entry.type !== kind) {
      issues.push(
        issueAt(
          source,
          [...path, key],
          'INVALID_VALUE',
          `only a strategy of type ${kind} has ${key}`,
          `this entry is type ${entry.type}`,
          { key: true },
        ),
      );
      misplaced = true;
    }
  }
  if (misplaced) return null;

  // The entry's own params: grid, constraint, validation.
  const schema = composite?.params ?? definition!.params;
  const paramsPath: ConfigPath = [...path, 'params'];
  let spec: Record<string, unknown> = entry.params;
  if (entry.grid === 'default') {
    const grid = definition?.defaultGrid;
    if (grid === undefined) {
      issues.push(
        issueAt(
          source,
          [...path, 'grid'],
          'INVALID_VALUE',
          `strategy '${entry.type}' has no default grid`,
          'write the grid under params',
        ),
      );
      return null;
    }
    spec = { ...grid, ...entry.params };
  }
  let combos: Record<string, unknown>[];
  try {
    combos = expandGrid(spec, { source, path: paramsPath });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    issues.push(...err.issues);
    return null;
  }
  if (entry.constraint !== undefined) {
    const kept = applyConstraint(source, [...path, 'constraint'], entry.constraint, schema, combos, issues);
    if (kept === null) return null;
    combos = kept;
  }
  let filter: ResolvedFilter | undefined;
  if (entry.filter !== undefined) {
    const compiled = compileFilter(
      source,
      [...path, 'filter'],
      entry.filter,
      ctx.classifiers,
      issues,
      ctx.declaredClassifiers,
      ctx.timeframe,
    );
    if (compiled === null) return null;
    filter = compiled;
  }
  const own: { params: Record<string, unknown>; tag: string[] }[] = [];
  for (const combo of combos) {
    try {
      const params = parseWithSchema(source, schema, combo, paramsPath) as Record<string, unknown>;
      own.push({ params, tag: combos.length > 1 ? Object.values(combo).map(String) : [] });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      if (combos.length > 1) {
        // Say which combination of the grid broke the rule, and how to skip such ones.
        const which = Object.entries(combo)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(', ');
        for (const issue of err.issues)
          issue.hint ??= `the grid combination ${which} breaks it; add a constraint: to skip such combinations`;
      }
      issues.push(...err.issues);
      return null; // one combination's errors say it for the whole entry
    }
  }

  if (definition !== undefined) {
    if (!checkFeatureParams(ctx, definition, own, paramsPath)) return null;
    if (definition.crossSection !== undefined && filter !== undefined) {
      issues.push(
        issueAt(
          source,
          [...path, 'filter'],
          'INVALID_VALUE',
          `a filter gates one symbol's entries; strategy '${entry.type}' decides across symbols and has none`,
          'remove filter:, or rank by the feature you meant to filter on',
        ),
      );
      return null;
    }
    return own.map((o) => ({ type: entry.type, definition, params: o.params, filter, tag: o.tag }));
  }
  return entry.type === 'ensemble'
    ? resolveEnsemble(ctx, entry, path, own, filter)
    : resolveRegimeSwitch(ctx, entry, path, own, filter);
}

/** A member's or regime entry's alternatives, validated against `schema` at its path. */
function resolveNested<S extends z.ZodType<EntryLike>>(
  ctx: StrategyResolution,
  schema: S,
  raw: unknown,
  path: ConfigPath,
): { entry: z.infer<S>; alternatives: Alternative[] } | null {
  let entry: z.infer<S>;
  try {
    entry = parseWithSchema(ctx.source, schema, raw, path) as z.infer<S>;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    ctx.issues.push(...err.issues);
    return null;
  }
  const alternatives = resolveEntry(ctx, entry, path);
  if (alternatives === null) return null;
  const across = alternatives.find((a) => a.definition.crossSection !== undefined);
  if (across !== undefined) {
    ctx.issues.push(
      issueAt(
        ctx.source,
        [...path, 'type'],
        'INVALID_VALUE',
        `strategy '${across.type}' decides across all symbols at once and cannot be a member or regime of a composite`,
        'give it its own strategies: entry',
      ),
    );
    return null;
  }
  return { entry, alternatives };
}

/**
 * Features a strategy takes as a param (`rotation`'s `rank_by: roc(60)`): each must be a
 * known indicator with fitting arguments, reported at that param.
 */
function checkFeatureParams(
  ctx: StrategyResolution,
  definition: StrategyDefinition,
  own: readonly { params: Record<string, unknown> }[],
  paramsPath: ConfigPath,
): boolean {
  let ok = true;
  const reported = new Set<string>();
  for (const o of own) {
    for (const req of definition.features(o.params)) {
      if (req.param === undefined || reported.has(req.param)) continue;
      try {
        resolveFeature(req);
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        reported.add(req.param);
        ok = false;
        ctx.issues.push(
          issueAt(
            ctx.source,
            [...paramsPath, req.param],
            'INVALID_VALUE',
            err.message,
            'name an indicator of `sluice list indicators`, with its arguments as a filter writes them: roc(60)',
          ),
        );
      }
    }
  }
  return ok;
}

/**
 * Every combination of the composite's own params with one alternative of each part (in
 * order; the last part varies fastest), or null after reporting a product too large.
 */
function crossProduct<T>(
  ctx: StrategyResolution,
  path: ConfigPath,
  own: readonly { params: Record<string, unknown>; tag: readonly string[] }[],
  parts: readonly (readonly T[])[],
  tagOf: (t: T) => readonly string[],
): { params: Record<string, unknown>; picks: T[]; tag: string[] }[] | null {
  const size = parts.reduce((n, p) => n * p.length, own.length);
  if (size > MAX_GRID_COMBINATIONS) {
    ctx.issues.push(
      issueAt(
        ctx.source,
        path,
        'GRID',
        `this composite expands to ${size} combinations (its own grid times its members' grids), more than ${MAX_GRID_COMBINATIONS}`,
        'narrow the grids, or add constraint: to members',
      ),
    );
    return null;
  }
  const out: { params: Record<string, unknown>; picks: T[]; tag: string[] }[] = [];
  const varying = parts.map((p) => p.length > 1);
  for (const o of own) {
    const picks: T[] = [];
    const walk = (i: number): void => {
      if (i === parts.length) {
        const tag = [...o.tag];
        picks.forEach((p, j) => {
          if (varying[j]) tag.push(...tagOf(p));
        });
        out.push({ params: o.params, picks: [...picks], tag });
        return;
      }
      for (const alt of parts[i]!) {
        picks.push(alt);
        walk(i + 1);
        picks.pop();
      }
    };
    walk(0);
  }
  return out;
}

/** A member as plain data for results: type, params, filter, and for ensembles the weight. */
function describe(alt: Alternative, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: alt.type,
    params: alt.params,
    ...extra,
    ...(alt.filter !== undefined ? { filter: alt.filter.text } : {}),
  };
}

function resolveEnsemble(
  ctx: StrategyResolution,
  entry: EntryLike,
  path: ConfigPath,
  own: { params: Record<string, unknown>; tag: string[] }[],
  filter: ResolvedFilter | undefined,
): Alternative[] | null {
  if (entry.members === undefined) {
    ctx.issues.push(
      issueAt(
        ctx.source,
        path,
        'MISSING_KEY',
        'an ensemble needs members:',
        'members: [ { type: sma_crossover, params: { … } }, { type: rsi_threshold }, … ]',
      ),
    );
    return null;
  }
  const parts: { alt: Alternative; weight: number }[][] = [];
  let failed = false;
  entry.members.forEach((raw, j) => {
    const nested = resolveNested(ctx, MemberEntrySchema, raw, [...path, 'members', j]);
    if (nested === null) failed = true;
    else parts.push(nested.alternatives.map((alt) => ({ alt, weight: nested.entry.weight })));
  });
  if (failed) return null;
  const combos = crossProduct(ctx, path, own, parts, (p) => p.alt.tag);
  if (combos === null) return null;
  return combos.map(({ params, picks, tag }) => {
    const members: WeightedMember[] = picks.map((p) => ({
      member: { definition: p.alt.definition, params: p.alt.params, filter: p.alt.filter },
      weight: p.weight,
    }));
    return {
      type: 'ensemble',
      definition: ensembleStrategy(params as EnsembleParams, members),
      params: { ...params, members: picks.map((p) => describe(p.alt, { weight: p.weight })) },
      filter,
      tag,
    };
  });
}

function resolveRegimeSwitch(
  ctx: StrategyResolution,
  entry: EntryLike,
  path: ConfigPath,
  own: { params: Record<string, unknown>; tag: string[] }[],
  filter: ResolvedFilter | undefined,
): Alternative[] | null {
  const { source, issues } = ctx;
  let ok = true;
  if (entry.classifier === undefined) {
    issues.push(
      issueAt(
        source,
        path,
        'MISSING_KEY',
        'a regime_switch needs classifier: (the id of one of the classifiers: entries)',
      ),
    );
    ok = false;
  }
  if (entry.regimes === undefined || Object.keys(entry.regimes).length === 0) {
    issues.push(
      issueAt(
        source,
        entry.regimes === undefined ? path : [...path, 'regimes'],
        'MISSING_KEY',
        'a regime_switch needs regimes: (regime label → strategy entry or flat)',
      ),
    );
    ok = false;
  }
  if (!ok) return null;
  const classifierId = entry.classifier!;
  const classifier = ctx.classifiers.find((c) => c.id === classifierId);
  if (classifier === undefined) {
    if (ctx.declaredClassifiers.has(classifierId)) return null; // its own entry's error says it
    const ids = ctx.classifiers.map((c) => c.id);
    const guess = didYouMean(classifierId, ids);
    issues.push(
      issueAt(
        source,
        [...path, 'classifier'],
        'UNKNOWN_NAME',
        `unknown classifier '${classifierId}'`,
        guess !== undefined
          ? `did you mean '${guess}'?`
          : ids.length > 0
            ? `classifiers: ${ids.join(', ')}`
            : 'add it under classifiers: [ { id, type, params } ]',
      ),
    );
    return null;
  }

  const labels = Object.keys(entry.regimes!);
  const parts: (Alternative | 'flat')[][] = [];
  let failed = false;
  for (const label of labels) {
    const at: ConfigPath = [...path, 'regimes', label];
    if (!classifier.definition.labels.includes(label)) {
      const guess = didYouMean(label, classifier.definition.labels);
      issues.push(
        issueAt(
          source,
          at,
          'UNKNOWN_NAME',
          `classifier '${classifierId}' (${classifier.type}) has no regime '${label}'`,
          guess !== undefined ? `did you mean '${guess}'?` : `its regimes: ${classifier.definition.labels.join(', ')}`,
          { key: true },
        ),
      );
      failed = true;
      continue;
    }
    const part = resolveRegimeEntry(ctx, entry.regimes![label]!, at);
    if (part === null) failed = true;
    else parts.push(part);
  }
  const otherwise = resolveRegimeEntry(ctx, entry.otherwise ?? 'flat', [...path, 'otherwise']);
  if (otherwise === null || failed) return null;
  parts.push(otherwise);

  const combos = crossProduct(ctx, path, own, parts, (p) => (p === 'flat' ? [] : p.tag));
  if (combos === null) return null;
  return combos.map(({ picks, tag }) => {
    const regimes = new Map<string, RegimeEntry>();
    const described: Record<string, unknown> = {};
    labels.forEach((label, i) => {
      const pick = picks[i]!;
      regimes.set(
        label,
        pick === 'flat' ? 'flat' : { definition: pick.definition, params: pick.params, filter: pick.filter },
      );
      described[label] = pick === 'flat' ? 'flat' : describe(pick);
    });
    const last = picks[picks.length - 1]!;
    const fallback: RegimeEntry =
      last === 'flat' ? 'flat' : { definition: last.definition, params: last.params, filter: last.filter };
    return {
      type: 'regime_switch',
      definition: regimeSwitchStrategy(classifierId, regimes, fallback),
      params: { classifier: classifierId, regimes: described, otherwise: last === 'flat' ? 'flat' : describe(last) },
      filter,
      tag,
    };
  });
}

/** A regime's entry: 'flat', or a strategy entry's alternatives. */
function resolveRegimeEntry(ctx: StrategyResolution, raw: unknown, path: ConfigPath): (Alternative | 'flat')[] | null {
  if (raw === 'flat') return ['flat'];
  const nested = resolveNested(ctx, RegimeEntrySchema, raw, path);
  return nested === null ? null : nested.alternatives;
}

/**
 * Keeps the grid combinations that satisfy the entry's constraint. The constraint sees
 * each combination's values over the strategy's defaults, so it may name any parameter.
 * Returns null (with an issue) when it cannot be compiled or keeps nothing.
 */
export function applyConstraint(
  source: YamlSource,
  path: ConfigPath,
  text: string,
  schema: z.ZodType,
  combos: Record<string, unknown>[],
  issues: ConfigIssue[],
): Record<string, unknown>[] | null {
  const parsed = schema.safeParse({});
  const defaults = parsed.success ? (parsed.data as Record<string, unknown>) : {};
  const names = [...new Set([...Object.keys(defaults), ...combos.flatMap((c) => Object.keys(c))])];
  // Parameters with string values (an ensemble's rule, a classifier's ma) compare as labels.
  const strings: Record<string, string[]> = {};
  for (const c of [defaults, ...combos]) {
    for (const [k, v] of Object.entries(c))
      if (typeof v === 'string' && !(strings[k] ??= []).includes(v)) strings[k]!.push(v);
  }
  let test: CompiledExpression;
  try {
    test = compileExpression(text, { identifiers: names.filter((n) => strings[n] === undefined), strings });
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    issues.push(expressionIssue(source, path, err));
    return null;
  }
  const scalar = (v: unknown): v is ExpressionValue =>
    typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string';
  const kept = combos.filter((c) => {
    const scope = Object.fromEntries(Object.entries({ ...defaults, ...c }).filter(([, v]) => scalar(v))) as Record<
      string,
      ExpressionValue
    >;
    return test(scope) === true;
  });
  if (kept.length === 0) {
    issues.push(
      issueAt(
        source,
        path,
        'GRID',
        `the constraint '${text}' rules out all ${combos.length} combinations of the grid`,
        'check the grid ranges against the constraint',
      ),
    );
    return null;
  }
  return kept;
}

/**
 * Compiles a strategy filter. Each indicator call (`rsi(14)`, `sma(volume, 20)`) becomes
 * a feature the hub computes and a scope name the expression reads, so the filter costs
 * one closure call per bar and no parsing. Classifier ids are names whose value is the
 * classifier's current regime label. Series functions (`prev(close, 1)`,
 * `crosses_above(a, b)`, …) make the filter stateful: each strategy instance and symbol
 * then evaluates its own evaluator (`create()`) on every bar. An indicator on a higher
 * timeframe (`sma(50)@1h`) must be a multiple of the data's `timeframe` (when given).
 */
export function compileFilter(
  source: YamlSource,
  path: ConfigPath,
  text: string,
  classifiers: readonly ResolvedClassifier[],
  issues: ConfigIssue[],
  declared: ReadonlySet<string> = new Set(),
  timeframe?: string,
): ResolvedFilter | null {
  const features: { name: string; request: FeatureRequest }[] = [];
  // A declared classifier that failed to resolve is still a name (labels unchecked).
  const strings: Record<string, readonly string[]> = Object.fromEntries([...declared].map((id) => [id, []]));
  for (const c of classifiers) strings[c.id] = c.definition.labels;
  try {
    const program = compileSeriesExpression(text, {
      identifiers: FILTER_NAMES,
      strings,
      series: true,
      callNames: [...INDICATORS.keys()],
      resolveCall: (name, args, on) => {
        if (!INDICATORS.has(name)) return undefined;
        const spec = featureFromCall(name, args);
        if (on !== undefined) {
          const problem = timeframe === undefined ? higherTimeframeSyntax(on) : higherTimeframeProblem(on, timeframe);
          if (problem !== undefined) throw new Error(problem);
        }
        const slot = `__feature_${features.length}`;
        const request: FeatureRequest = {
          indicator: spec.definition.name,
          params: spec.params,
          ...(spec.input !== undefined ? { input: spec.input } : {}),
          ...(on !== undefined ? { timeframe: on } : {}),
        };
        features.push({ name: slot, request });
        return slot;
      },
    });
    return {
      text,
      test: program.create(),
      features,
      stateful: program.stateful,
      lookback: program.lookback,
      create: program.create,
    };
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    issues.push(expressionIssue(source, path, err));
    return null;
  }
}

/** The timeframe's own mistake (`@1x`), when the data's timeframe is not known to check more. */
function higherTimeframeSyntax(timeframe: string): string | undefined {
  try {
    parseTimeframe(timeframe);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** An expression error located at its character inside the YAML scalar. */
export function expressionIssue(source: YamlSource, path: ConfigPath, err: ExpressionError): ConfigIssue {
  const issue = issueAt(source, path, 'INVALID_VALUE', err.message, err.hint);
  if (issue.col !== null && issue.sourceLine !== undefined) {
    const quoted = issue.sourceLine[issue.col - 1] === '"' || issue.sourceLine[issue.col - 1] === "'";
    issue.col += err.index + (quoted ? 1 : 0);
    delete issue.endCol;
  }
  return issue;
}
