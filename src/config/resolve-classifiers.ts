import type { ConfigIssue } from './config-error.ts';
import { ConfigError } from './config-error.ts';
import { issueAt, type YamlSource } from './yaml-source.ts';
import { parseWithSchema } from './validate.ts';
import { didYouMean } from '../errors/suggest.ts';
import { BUILT_IN_FUNCTIONS } from './expression-language.ts';
import type { ClassifierEntry } from './schema/classifiers.ts';
import type { ResolvedClassifier } from './resolved.ts';
import { FILTER_NAMES } from './strategy-filter.ts';
import { CLASSIFIERS } from '../domain/registry.ts';

/** Names a classifier id cannot take: a filter would read something else under them. */
const RESERVED = new Set<string>([
  ...FILTER_NAMES,
  ...Object.keys(BUILT_IN_FUNCTIONS),
  'true',
  'false',
  'and',
  'or',
  'not',
]);

/**
 * Resolves the `classifiers:` entries: known types (did-you-mean otherwise), unique ids
 * that a filter can use as names, and params validated against each classifier's schema
 * at their YAML path. Classifier params take one value each: a classifier is shared
 * context, not something to optimize over.
 */
export function resolveClassifiers(
  source: YamlSource,
  entries: readonly ClassifierEntry[],
  issues: ConfigIssue[],
): ResolvedClassifier[] {
  const out: ResolvedClassifier[] = [];
  const used = new Set<string>();
  entries.forEach((entry, i) => {
    const definition = CLASSIFIERS.get(entry.type);
    if (definition === undefined) {
      const guess = didYouMean(entry.type, CLASSIFIERS.keys());
      issues.push(
        issueAt(
          source,
          ['classifiers', i, 'type'],
          'UNKNOWN_NAME',
          `unknown classifier '${entry.type}'`,
          guess !== undefined ? `did you mean '${guess}'?` : `known classifiers: ${[...CLASSIFIERS.keys()].join(', ')}`,
        ),
      );
      return;
    }
    const id = entry.id ?? entry.type;
    const idPath = entry.id !== undefined ? ['classifiers', i, 'id'] : ['classifiers', i, 'type'];
    if (used.has(id)) {
      issues.push(
        issueAt(
          source,
          idPath,
          'INVALID_VALUE',
          `classifier id '${id}' is used twice`,
          'give each classifier its own id:',
        ),
      );
      return;
    }
    used.add(id);
    if (RESERVED.has(id)) {
      issues.push(
        issueAt(
          source,
          idPath,
          'INVALID_VALUE',
          `'${id}' cannot be a classifier id: filters already use that name`,
          'choose another id:',
        ),
      );
      return;
    }
    let bad = false;
    for (const [key, value] of Object.entries(entry.params)) {
      if (Array.isArray(value) || (typeof value === 'string' && /^\s*range\s*\(/.test(value))) {
        issues.push(
          issueAt(
            source,
            ['classifiers', i, 'params', key],
            'INVALID_VALUE',
            'classifier params take one value each (no grids)',
            'to compare settings, configure one classifier per setting, each with its own id',
          ),
        );
        bad = true;
      }
    }
    if (bad) return;
    try {
      const params = parseWithSchema(source, definition.params, entry.params, ['classifiers', i, 'params']) as Record<
        string,
        unknown
      >;
      out.push({ id, type: entry.type, params, definition });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push(...err.issues);
    }
  });
  return out;
}
