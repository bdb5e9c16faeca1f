import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { JSON_SCHEMA_FILES, JSON_SCHEMA_KINDS, type JsonSchemaKind } from '../config/schema/json-schema-kinds.ts';

/** Where the command prints. */
interface SchemaIo {
  out: (text: string) => void;
}

/**
 * Registers `sluice schema [--kind …] [--out file]`: the JSON Schema of a workflow config
 * (or of a topology, workflow or sequence pattern) for editors — the same text as the
 * committed schema/*.json files, which YAML files reference with a
 * `# yaml-language-server: $schema=…` first line.
 */
export function registerSchemaCommand(program: Command, io: SchemaIo): void {
  program
    .command('schema')
    .description(
      'print or write the JSON Schema of configs (or of topology, workflow or sequence patterns), generated from the zod schemas, for editor completion and validation',
    )
    .addOption(
      new Option(
        '--kind <kind>',
        `which file kind: ${JSON_SCHEMA_KINDS.map((k) => `${k} (schema/${JSON_SCHEMA_FILES[k]})`).join(', ')}`,
      )
        .choices(JSON_SCHEMA_KINDS)
        .default('config'),
    )
    .option('--out <file>', 'write the schema to this file instead of stdout')
    .action(async (o: { kind: JsonSchemaKind; out?: string }) => {
      // Imported when the command runs: the zod schemas would slow every `sluice` start.
      const { jsonSchemaText } = await import('../config/schema/json-schema.ts');
      const text = jsonSchemaText(o.kind);
      if (o.out === undefined) {
        io.out(text);
        return;
      }
      writeFileSync(o.out, text);
      io.out(`wrote the ${o.kind} JSON Schema to ${o.out}`);
    });
}
