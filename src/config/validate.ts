import type { z } from 'zod';
import { ConfigError } from './config-error.ts';
import type { ConfigIssue } from './config-error.ts';
import { valueAt } from './config-path.ts';
import type { YamlSource } from './yaml-source.ts';
import { issueAt } from './yaml-source.ts';
import { describeZodIssues } from './zod-issues.ts';
import type { CamelCaseKeys } from './case-keys.ts';
import { toCamelKeys } from './schema-keys.ts';

/**
 * Validates config data against a zod schema and returns the parsed value, or throws a
 * ConfigError listing every problem at its line and column in `source`.
 *
 * @param source where the data came from; issues are located in it.
 * @param schema any zod 4 schema; unknown-key suggestions come from its object shapes.
 * @param data the data to validate; by default the data at `basePath` in
 *   `source.data` (the whole document when there is no `basePath`).
 * @param basePath where `data` sits in the document, for a second pass over a part of
 *   it (strategy params validated against the strategy's own schema at
 *   `['strategies', 0, 'params']`). Prefixes every reported path.
 * @throws ConfigError with one issue per zod issue (one per key for unknown keys).
 *
 * @example
 * const config = parseWithSchema(await loadYamlFile('run.yaml'), RunConfig);
 */
export function parseWithSchema<T>(
  source: YamlSource,
  schema: z.ZodType<T>,
  data?: unknown,
  basePath: readonly (string | number)[] = [],
): T {
  const input = data === undefined ? valueAt(source.data, basePath) : data;
  // reportInput: the issue keeps the offending value even after transforms, which
  // makes the "received …" part of a message honest.
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(zodIssuesToConfigIssues(source, schema, input, result.error.issues, basePath));
}

/**
 * {@link parseWithSchema}, then the one mapping of the schema boundary (STYLE.md): the
 * value is validated in its YAML spelling, so every issue names the YAML key at its line,
 * and handed to the engine with the keys the schema declares camelCased
 * (`slippage_bps` → `slippageBps`; params, overlays and keys of user-keyed maps stay as
 * written, see schema-keys.ts).
 */
export function parseConfig<S extends z.ZodType>(
  source: YamlSource,
  schema: S,
  data?: unknown,
  basePath: readonly (string | number)[] = [],
): CamelCaseKeys<z.output<S>> {
  return toCamelKeys(schema, parseWithSchema(source, schema as z.ZodType<z.output<S>>, data, basePath));
}

/**
 * Converts zod issues (from a `safeParse` of `data` against `schema`) into located
 * ConfigIssues. Exposed for callers that run zod themselves (async refinements, or
 * collecting issues across several documents before throwing).
 */
export function zodIssuesToConfigIssues(
  source: YamlSource,
  schema: z.core.$ZodType,
  data: unknown,
  issues: readonly z.core.$ZodIssue[],
  basePath: readonly (string | number)[] = [],
): ConfigIssue[] {
  return describeZodIssues(issues, { schema, data }).map((d) =>
    issueAt(source, [...basePath, ...d.path], d.code, d.message, d.hint, { key: d.atKey === true }),
  );
}
