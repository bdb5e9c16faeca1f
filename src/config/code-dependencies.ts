import type { ResolvedClassifier, ResolvedStrategy } from './resolved.ts';
import type { DefinitionKind } from '../domain/define.ts';
import { registry } from '../domain/registry.ts';
import type { FeatureRequest } from '../domain/strategies/strategy.ts';

/**
 * The fingerprints of the plugin code a strategy's signals depend on, sorted and unique:
 * its own definition's plugin (and, for a composite, its members'), the plugins of the
 * indicators it and its filter read, and those of the classifiers it reads. Empty for a
 * strategy made of built-ins only, so identities of built-ins do not change when plugins
 * exist. Every identity that stands for computed signals or results includes it: a changed
 * plugin file is never mistaken for the one that computed a stored result.
 */
export function strategyCode(
  s: Pick<ResolvedStrategy, 'type' | 'params' | 'definition' | 'filter'>,
  classifiers: readonly ResolvedClassifier[] = [],
): string[] {
  const out = new Set<string>();
  const add = (kind: DefinitionKind, name: string): void => {
    const origin = registry.originOf(kind, name);
    if (origin?.kind === 'plugin') out.add(origin.fingerprint);
  };
  const features = (requests: readonly FeatureRequest[]): void => {
    for (const r of requests) add('indicator', r.indicator);
  };
  add('strategy', s.type);
  forEachType(s.params, (t) => add('strategy', t));
  features(s.definition.features(s.params));
  features(s.filter?.features.map((f) => f.request) ?? []);
  for (const c of classifiers) for (const f of classifierCode(c)) out.add(f);
  return [...out].sort();
}

/** The fingerprints of the plugin code a classifier's regimes depend on (its definition, its indicators). */
export function classifierCode(c: Pick<ResolvedClassifier, 'type' | 'params' | 'definition'>): string[] {
  const out = new Set<string>();
  const origin = registry.originOf('classifier', c.type);
  if (origin?.kind === 'plugin') out.add(origin.fingerprint);
  for (const r of c.definition.features(c.params)) {
    const o = registry.originOf('indicator', r.indicator);
    if (o?.kind === 'plugin') out.add(o.fingerprint);
  }
  return [...out].sort();
}

/** Calls `visit` with every `type` string found in nested mappings (composite members and regimes). */
function forEachType(value: unknown, visit: (type: string) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) forEachType(v, visit);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'type' && typeof v === 'string') visit(v);
    else forEachType(v, visit);
  }
}
