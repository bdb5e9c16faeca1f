/**
 * Composite strategies (ensemble, regime_switch) resolved from their entries: each member
 * or regime entry resolved like a top-level entry, the composite's own grid multiplied by
 * every member's alternatives, and each combination built into one StrategyDefinition.
 */
import { ConfigError, type ConfigPath } from './config-error.ts';
import { issueAt } from './yaml-source.ts';
import { parseWithSchema } from './validate.ts';
import { MAX_GRID_COMBINATIONS } from './grid.ts';
import { didYouMean } from '../errors/suggest.ts';
import { MemberEntrySchema, RegimeEntrySchema } from './schema/strategies.ts';
import type { ResolvedFilter } from './resolved.ts';
import { ensembleStrategy, type EnsembleParams, type WeightedMember } from '../domain/composition/ensemble.ts';
import { regimeSwitchStrategy, type RegimeEntry } from '../domain/composition/regime-switch.ts';
import type { z } from 'zod';
import type { Alternative, EntryLike, OwnParams, StrategyResolution } from './strategy-resolution.ts';

/**
 * Strategy resolution for a composite: with the resolver of a nested entry (a member or a
 * regime's strategy), which resolve-strategies.ts supplies as it resolves composites in turn.
 */
export interface CompositeResolution extends StrategyResolution {
  readonly resolveEntry: (entry: EntryLike, path: ConfigPath) => Alternative[] | null;
}

/** A member's or regime entry's alternatives, validated against `schema` at its path. */
function resolveNested<S extends z.ZodType<EntryLike>>(
  ctx: CompositeResolution,
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
  const alternatives = ctx.resolveEntry(entry, path);
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
 * Every combination of the composite's own params with one alternative of each part (in
 * order; the last part varies fastest), or null after reporting a product too large.
 */
function crossProduct<T>(
  ctx: CompositeResolution,
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

/** An ensemble: its own params times one alternative of each member, each built into one strategy. */
export function resolveEnsemble(
  ctx: CompositeResolution,
  entry: EntryLike,
  path: ConfigPath,
  own: OwnParams[],
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

/** A regime switch: its own params times one alternative of each regime's entry and of otherwise:. */
export function resolveRegimeSwitch(
  ctx: CompositeResolution,
  entry: EntryLike,
  path: ConfigPath,
  own: OwnParams[],
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
function resolveRegimeEntry(ctx: CompositeResolution, raw: unknown, path: ConfigPath): (Alternative | 'flat')[] | null {
  if (raw === 'flat') return ['flat'];
  const nested = resolveNested(ctx, RegimeEntrySchema, raw, path);
  return nested === null ? null : nested.alternatives;
}
