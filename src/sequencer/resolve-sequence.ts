import { resolve } from 'node:path';
import { ConfigError } from '../config/config-error.ts';
import { deepMerge } from '../config/deep-merge.ts';
import { didYouMean } from '../errors/suggest.ts';
import { issueAt, loadYamlFile, type YamlSource } from '../config/yaml-source.ts';
import { parseWithSchema } from '../config/validate.ts';
import { SequencePatternSchema, type SequenceSettings } from '../config/schema/sequence.ts';
import { discoverPatterns } from '../patterns/discover.ts';
import { sequenceDefinition, sequenceTypes } from './sequence-registry.ts';

type ConfigPath = readonly (string | number)[];

/**
 * The sequence a phase runs, from a config reference: a pattern name
 * (`patterns/sequences/<name>.yaml`), a registered kind's type, or an inline mapping whose
 * `type` names the kind and whose other keys override the settings of the pattern of that
 * name, if there is one (`{ type: walk_forward, train: '3M', test: '1M' }`). The settings
 * are checked by the kind's schema (sequence-registry.ts: built-in and plugin kinds), and
 * a sequence nested in them (`test_sequence:`) is resolved the same way, located where it
 * is written.
 *
 * @param source the YAML file the reference is in, for located errors.
 * @param path where in that file.
 * @param patternDirs user pattern folders (absolute), after the built-in one.
 * @throws ConfigError for an unknown name or invalid settings.
 */
export async function resolveSequence(
  source: YamlSource,
  path: ConfigPath,
  ref: unknown,
  patternDirs: readonly string[],
): Promise<SequenceSettings> {
  const found = discoverPatterns(
    'sequences',
    patternDirs.map((d) => resolve(d)),
  );
  const known = (): string[] => [...new Set([...found.keys(), ...sequenceTypes()])];
  const name =
    typeof ref === 'string'
      ? ref
      : ref !== null && typeof ref === 'object' && typeof (ref as { type?: unknown }).type === 'string'
        ? (ref as { type: string }).type
        : undefined;
  const pattern = name === undefined ? undefined : found.get(name);
  if (typeof ref === 'string' && pattern === undefined && sequenceDefinition(ref) === undefined) {
    const guess = didYouMean(ref, known());
    throw new ConfigError(
      issueAt(
        source,
        path,
        'UNKNOWN_NAME',
        `unknown sequence '${ref}'`,
        guess !== undefined ? `did you mean '${guess}'?` : `known sequences: ${known().join(', ')}`,
      ),
    );
  }
  let base: Record<string, unknown> = {};
  // Where the settings are written: the pattern file when a bare name refers to it.
  let at: { source: YamlSource; path: ConfigPath } = { source, path };
  if (pattern !== undefined) {
    const patternSource = await loadYamlFile(pattern.file);
    base = parseWithSchema(patternSource, SequencePatternSchema).sequence;
    // A pattern may be named apart from its kind (e.g. a user's 'quick_wf' of type walk_forward).
    if (typeof ref === 'string') at = { source: patternSource, path: ['sequence'] };
  }
  const settings = (
    typeof ref === 'string'
      ? pattern !== undefined
        ? base
        : { type: ref }
      : deepMerge(base, ref as Record<string, unknown>)
  ) as Record<string, unknown>;
  const type = settings['type'];
  const definition = typeof type === 'string' ? sequenceDefinition(type) : undefined;
  if (definition === undefined) {
    const guess = typeof type === 'string' ? didYouMean(type, sequenceTypes()) : undefined;
    const typed = typeof ref === 'object' && ref !== null && 'type' in ref;
    throw new ConfigError(
      issueAt(
        at.source,
        typed || typeof ref === 'string' ? [...at.path, 'type'] : at.path,
        typeof type === 'string' ? 'UNKNOWN_NAME' : 'INVALID_VALUE',
        typeof type === 'string' ? `unknown sequence type '${type}'` : 'a sequence needs a type',
        guess !== undefined ? `did you mean '${guess}'?` : `known types: ${sequenceTypes().join(', ')}`,
      ),
    );
  }
  let parsed = parseWithSchema(at.source, definition.settings, settings, at.path) as SequenceSettings &
    Record<string, unknown>;
  for (const key of definition.nested ?? []) {
    const inner = parsed[key];
    if (inner !== undefined)
      parsed = { ...parsed, [key]: await resolveSequence(at.source, [...at.path, key], inner, patternDirs) };
  }
  return parsed;
}

/**
 * A config's own `sequence:`, resolved when the config is loaded (loadWorkflow), so that
 * `sluice validate` refuses what `sluice run` would: pattern folders are the config's
 * `patterns:` (relative to it) and `--patterns`.
 *
 * @throws ConfigError located at `sequence`.
 */
export function resolveConfigSequence(
  source: YamlSource,
  ref: unknown,
  baseDir: string,
  configPatterns: readonly string[],
  extraDirs: readonly string[],
): Promise<SequenceSettings> {
  return resolveSequence(source, ['sequence'], ref, [...configPatterns.map((d) => resolve(baseDir, d)), ...extraDirs]);
}
