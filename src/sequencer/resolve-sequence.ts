import { resolve } from 'node:path';
import { ConfigError } from '../config/config-error.ts';
import { deepMerge } from '../config/deep-merge.ts';
import { didYouMean } from '../errors/suggest.ts';
import { issueAt, loadYamlFile, type YamlSource } from '../config/yaml-source.ts';
import { parseWithSchema } from '../config/validate.ts';
import { SequencePatternSchema, SequenceSchema, type SequenceConfig } from '../config/schema/sequence.ts';
import { discoverPatterns } from '../patterns/discover.ts';

/**
 * The sequence a phase runs, from a config reference: a pattern name
 * (`patterns/sequences/<name>.yaml`), or an inline mapping whose `type` names the kind and
 * whose other keys override the settings of the pattern of that name, if there is one
 * (`{ type: walk_forward, train: '3M', test: '1M' }`).
 *
 * @param source the YAML file the reference is in, for located errors.
 * @param path where in that file.
 * @param patternDirs user pattern folders (absolute), after the built-in one.
 * @throws ConfigError for an unknown name or invalid settings.
 */
export async function resolveSequence(
  source: YamlSource,
  path: readonly (string | number)[],
  ref: unknown,
  patternDirs: readonly string[],
): Promise<SequenceConfig> {
  const found = discoverPatterns('sequences', patternDirs.map((d) => resolve(d)));
  const name = typeof ref === 'string' ? ref : ref !== null && typeof ref === 'object' && typeof (ref as { type?: unknown }).type === 'string' ? (ref as { type: string }).type : undefined;
  const pattern = name === undefined ? undefined : found.get(name);
  if (typeof ref === 'string' && pattern === undefined) {
    const guess = didYouMean(ref, found.keys());
    throw new ConfigError(
      issueAt(source, path, 'UNKNOWN_NAME', `unknown sequence '${ref}'`, guess !== undefined ? `did you mean '${guess}'?` : `known sequences: ${[...found.keys()].join(', ')}`),
    );
  }
  let base: Record<string, unknown> = {};
  if (pattern !== undefined) {
    const patternSource = await loadYamlFile(pattern.file);
    base = parseWithSchema(patternSource, SequencePatternSchema).sequence;
    // A pattern may be named apart from its kind (e.g. a user's 'quick_wf' of type walk_forward).
    if (typeof ref === 'string') return parseWithSchema(patternSource, SequenceSchema, base, ['sequence']);
  }
  return parseWithSchema(source, SequenceSchema, deepMerge(base, ref as Record<string, unknown>), path);
}
