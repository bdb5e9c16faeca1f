import { z } from 'zod';
import { WorkflowConfigSchema } from './workflow.ts';
import { TopologySchema } from './topology.ts';
import { WorkflowPatternSchema } from './workflow-pattern.ts';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  minLength?: number;
  additionalProperties?: JsonSchema | boolean;
}

function typeOf(s: JsonSchema): string {
  const alts = s.anyOf ?? s.oneOf;
  if (alts !== undefined) return alts.map(typeOf).join(' \\| ');
  if (s.enum !== undefined) return s.enum.map((v) => `\`${String(v)}\``).join(', ');
  if (s.const !== undefined) return `\`${String(s.const)}\``;
  if (s.type === 'array') return `list of ${s.items === undefined ? 'values' : typeOf(s.items)}`;
  if (s.type === 'object' && s.properties === undefined) return 'mapping';
  const t = Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? 'any');
  return t === 'object' ? 'mapping' : t;
}

function limits(s: JsonSchema): string {
  const parts: string[] = [];
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`);
  if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
  if (s.exclusiveMaximum !== undefined) parts.push(`< ${s.exclusiveMaximum}`);
  if (s.maximum !== undefined && s.maximum < 1e15) parts.push(`≤ ${s.maximum}`);
  if (s.minItems !== undefined) parts.push(`at least ${s.minItems} item(s)`);
  return parts.join(', ');
}

function rows(s: JsonSchema, prefix: string, out: string[]): void {
  const required = new Set(s.required ?? []);
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const alts = prop.anyOf ?? prop.oneOf;
    const def =
      prop.default === undefined ? (required.has(key) ? '**required**' : '') : `\`${JSON.stringify(prop.default)}\``;
    const desc = [prop.description ?? '', limits(prop)].filter(Boolean).join(' ');
    out.push(`| \`${path}\` | ${typeOf(prop)} | ${def} | ${desc.replace(/\|/g, '\\|')} |`);
    if (path === 'topology') continue; // an inline topology has its own section below
    if (prop.properties !== undefined) rows(prop, path, out);
    if (prop.type === 'array' && prop.items?.properties !== undefined) rows(prop.items, `${path}[]`, out);
    // Variants of a union with fields of their own (e.g. sizing types) get their own rows.
    alts?.forEach((alt) => {
      if (alt.properties === undefined) return;
      const tag = Object.entries(alt.properties).find(([, p]) => p.const !== undefined);
      const label = tag !== undefined ? `${path} (${tag[0]}: ${String(tag[1].const)})` : path;
      rows(
        { ...alt, properties: Object.fromEntries(Object.entries(alt.properties).filter(([k]) => k !== tag?.[0])) },
        label,
        out,
      );
    });
  }
}

function table(schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const out = ['| key | type | default | meaning |', '|---|---|---|---|'];
  rows(json, '', out);
  return out.join('\n');
}

/** docs/config-reference.md, generated from the zod schemas (the single source of truth). */
export function configReference(): string {
  return `<!-- Generated from src/config/schema by \`npm run docs\`; do not edit by hand. -->
# Configuration reference

A workflow config is one YAML file. Paths in it are relative to the file's folder.
Every key below is checked when the config loads (\`sluice validate\`); an unknown key,
a wrong type or a value out of range is an error naming file, line and column.

Defaults are layered: the topology pattern's \`defaults\` ← the config file ← \`--set
path=value\` on the command line.

## Workflow config

${table(WorkflowConfigSchema)}

### Strategy parameters

\`strategies[].params\` are checked against the strategy's own schema (see
[strategies.md](strategies.md) or \`sluice list strategies\`). Each parameter may be a
single value, a list of values, or \`range(start, stop, step)\` (stop excluded, like
Python's range); lists and ranges expand into one strategy instance per combination,
all in one graph sharing the data and the feature hub.

## Topology patterns

Topologies live in \`patterns/topologies/<name>.yaml\` (built in) or in a folder named by
\`patterns:\` / \`--patterns\`; a config may also give one inline under \`topology:\`.

${table(TopologySchema)}

## Workflow patterns

Multi-phase workflows live in \`patterns/workflows/<name>.yaml\` (built in) or in a folder
named by \`patterns:\` / \`--patterns\`; a config selects one with \`workflow: <name>\`, or
gives \`phases:\` inline. See [workflows.md](workflows.md).

${table(WorkflowPatternSchema)}
`;
}
