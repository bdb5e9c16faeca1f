/**
 * Resolves the `strategies:` entries of a config into strategy instances: each entry's
 * type looked up, its grid expanded and constrained, every combination validated against
 * the strategy's schema, its filter compiled; composites go to composite-strategies.ts.
 */
import { ConfigError, type ConfigPath } from './config-error.ts';
import { issueAt } from './yaml-source.ts';
import { parseWithSchema } from './validate.ts';
import { expandGrid } from './grid.ts';
import { didYouMean } from '../errors/suggest.ts';
import type { StrategyEntry } from './schema/strategies.ts';
import type { ResolvedFilter, ResolvedStrategy } from './resolved.ts';
import { resolveFeature } from '../domain/indicators/feature-key.ts';
import type { StrategyDefinition } from '../domain/strategies/strategy.ts';
import { COMPOSITES } from '../domain/composition/catalogue.ts';
import { resolveEnsemble, resolveRegimeSwitch, type CompositeResolution } from './composite-strategies.ts';
import { applyConstraint } from './grid-constraint.ts';
import { compileFilter } from './strategy-filter.ts';
import type { Alternative, EntryLike, OwnParams, StrategyResolution } from './strategy-resolution.ts';

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
  const own: OwnParams[] = [];
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
  // A composite's members and regimes are entries too: resolved here, in turn.
  const nested: CompositeResolution = { ...ctx, resolveEntry: (e, p) => resolveEntry(ctx, e, p) };
  return entry.type === 'ensemble'
    ? resolveEnsemble(nested, entry, path, own, filter)
    : resolveRegimeSwitch(nested, entry, path, own, filter);
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
