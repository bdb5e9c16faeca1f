import { z } from 'zod';
import { ENGINE } from '../../engine-info.ts';
import { STRATEGIES } from '../../domain/registry.ts';
import { COMPOSITES } from '../../domain/composition/catalogue.ts';
import { SequencePatternSchema } from './sequence.ts';
import { TopologySchema } from './topology.ts';
import { WorkflowConfigSchema } from './workflow.ts';
import { WorkflowPatternSchema } from './workflow-pattern.ts';
import { JSON_SCHEMA_FILES, JSON_SCHEMA_KINDS, type JsonSchemaKind } from './json-schema-kinds.ts';

export { JSON_SCHEMA_KINDS, type JsonSchemaKind };

/**
 * The JSON Schemas of Sluice's YAML files, generated from the zod schemas (the single
 * source of truth), one per kind of file rather than one `oneOf`: an editor completes
 * and validates against the schema of the file at hand, and an error names the key
 * that is wrong instead of "matches none of four alternatives".
 */
export const JSON_SCHEMAS = {
  config: { file: JSON_SCHEMA_FILES.config, title: 'Sluice workflow config', schema: WorkflowConfigSchema },
  topology: {
    file: JSON_SCHEMA_FILES.topology,
    title: 'Sluice topology pattern (patterns/topologies)',
    schema: TopologySchema,
  },
  workflow: {
    file: JSON_SCHEMA_FILES.workflow,
    title: 'Sluice workflow pattern (patterns/workflows)',
    schema: WorkflowPatternSchema,
  },
  sequence: {
    file: JSON_SCHEMA_FILES.sequence,
    title: 'Sluice sequence pattern (patterns/sequences)',
    schema: SequencePatternSchema,
  },
} as const satisfies Record<JsonSchemaKind, unknown>;

/** The folder, relative to the project root, that holds the committed schema files. */
export const SCHEMA_DIR = 'schema';

/**
 * The JSON Schema (draft 2020-12) of one kind of file.
 *
 * - `io: 'input'`: what a user writes, so keys with defaults are optional (the output
 *   type would make them required).
 * - Refinements (`superRefine`: e.g. data needs `path` or `sources`, commission tiers in
 *   order) have no JSON Schema form and are left to `sluice validate`; `unrepresentable:
 *   'any'` keeps anything else without one (none today) permissive rather than failing.
 * - Strict zod objects become `additionalProperties: false`, so a misspelt key is
 *   flagged in the editor as it is by the loader.
 */
export function jsonSchema(kind: JsonSchemaKind): Record<string, unknown> {
  const { file, title, schema } = JSON_SCHEMAS[kind];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  if (kind === 'config') typeStrategies(json);
  const { $schema, ...rest } = json;
  return {
    $schema,
    $id: `https://sluice.dev/schema/${file}`,
    title,
    description: `Generated from src/config/schema by \`npm run docs\` (sluice ${ENGINE.version}); do not edit by hand.`,
    ...rest,
  };
}

/**
 * Types `strategies:` by the registry (built-ins, and plugins loaded in this process):
 * `type` becomes an enum of the known kinds, and for each kind an `if type is … then
 * params is …` branch gives its parameters — each a value, a list of values or a
 * `range(start, stop, step)` grid, no other keys — so an editor completes `fast_period`
 * and flags `fast_perod`. Cross-field rules (`fast_period < slow_period`) stay with
 * `sluice validate`.
 */
function typeStrategies(json: Record<string, unknown>): void {
  const entry = (json['properties'] as Record<string, { items?: Record<string, unknown> }> | undefined)?.['strategies']
    ?.items;
  const props = entry?.['properties'] as Record<string, Record<string, unknown>> | undefined;
  if (entry === undefined || props?.['type'] === undefined) return;
  const names = [...STRATEGIES.keys(), ...COMPOSITES.keys()];
  props['type'] = { ...props['type'], enum: names };
  const branches: Record<string, unknown>[] = [];
  for (const [name, def] of STRATEGIES) {
    const params = z.toJSONSchema(def.params, {
      io: 'input',
      unrepresentable: 'any',
      target: 'draft-2020-12',
    }) as Record<string, unknown>;
    const { $schema: _drop, ...body } = params;
    const properties = (body['properties'] ?? {}) as Record<string, Record<string, unknown>>;
    const gridded = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, gridValue(v)]));
    branches.push({
      if: { properties: { type: { const: name } }, required: ['type'] },
      then: { properties: { params: { type: 'object', properties: gridded, additionalProperties: false } } },
    });
  }
  entry['allOf'] = branches;
}

/** A parameter as a config may write it: the value, a list of values, or a range() grid. */
function gridValue(value: Record<string, unknown>): Record<string, unknown> {
  const { description, default: dflt, ...single } = value;
  return {
    ...(description !== undefined ? { description } : {}),
    ...(dflt !== undefined ? { default: dflt } : {}),
    anyOf: [single, { type: 'array', items: single, minItems: 1 }, { type: 'string', pattern: '^\\s*range\\(' }],
  };
}

/** The file text of a schema: what `sluice schema` prints and schema/*.json holds. */
export function jsonSchemaText(kind: JsonSchemaKind): string {
  return `${JSON.stringify(jsonSchema(kind), null, 2)}\n`;
}
