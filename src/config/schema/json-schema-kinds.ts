/**
 * The kinds of YAML file that have a JSON Schema, and the file each is committed as in
 * schema/. Apart from json-schema.ts so the CLI can list them without loading zod.
 */
export const JSON_SCHEMA_FILES = {
  config: 'sluice.schema.json',
  topology: 'topology.schema.json',
  workflow: 'workflow.schema.json',
  sequence: 'sequence.schema.json',
} as const;

export type JsonSchemaKind = keyof typeof JSON_SCHEMA_FILES;
export const JSON_SCHEMA_KINDS = Object.keys(JSON_SCHEMA_FILES) as JsonSchemaKind[];
