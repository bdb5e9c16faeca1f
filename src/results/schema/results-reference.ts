/**
 * docs/results-reference.md, generated from the results schemas (`npm run docs`; a test
 * keeps it current): every file of a results folder, where it is, and every field with
 * its type and meaning.
 */
import { METRIC_NAMES } from '../../domain/metrics/performance.ts';
import { resultsJsonSchema } from './results-json-schema.ts';
import { RESULTS_FILE_NAMES, RESULTS_FILES, RESULTS_SCHEMA_DIR } from './results-files.ts';

/** The part of JSON Schema the zod schemas produce. */
interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
}

/** `#/$defs/Metrics` → `Metrics`. */
function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

function typeOf(s: JsonSchema): string {
  if (s.$ref !== undefined) return refName(s.$ref) === 'Metrics' ? '[metrics](#metrics)' : refName(s.$ref);
  if (s.anyOf !== undefined) return s.anyOf.map(typeOf).join(' \\| ');
  if (s.enum !== undefined) return s.enum.map((v) => `\`${String(v)}\``).join(', ');
  if (s.const !== undefined) return `\`${String(s.const)}\``;
  if (s.prefixItems !== undefined) return `[${s.prefixItems.map(typeOf).join(', ')}]`;
  if (s.type === 'array') return `list of ${s.items === undefined ? 'values' : typeOf(s.items)}`;
  if (s.type === 'object')
    return s.properties === undefined &&
      typeof s.additionalProperties === 'object' &&
      Object.keys(s.additionalProperties).length > 0
      ? `mapping of ${typeOf(s.additionalProperties)}`
      : 'object';
  if (s.type === undefined) return 'any';
  return Array.isArray(s.type) ? s.type.join(' \\| ') : s.type;
}

/** The object variants of a schema, through nullable and union wrappers and lists. */
function objectsIn(s: JsonSchema): { schema: JsonSchema; suffix: string }[] {
  if (s.anyOf !== undefined) return s.anyOf.flatMap(objectsIn);
  if (s.type === 'array' && s.items !== undefined)
    return objectsIn(s.items).map((o) => ({ ...o, suffix: `[]${o.suffix}` }));
  if (s.type === 'object' && s.properties !== undefined) return [{ schema: s, suffix: '' }];
  if (s.type === 'object' && typeof s.additionalProperties === 'object')
    return objectsIn(s.additionalProperties).map((o) => ({ ...o, suffix: `.<key>${o.suffix}` }));
  return [];
}

function rows(s: JsonSchema, prefix: string, out: Map<string, string>): void {
  const required = new Set(s.required ?? []);
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const when = required.has(key) ? 'always' : 'optional';
    const meaning = [
      prop.description ?? '',
      prop.default !== undefined ? `Default \`${JSON.stringify(prop.default)}\` when absent.` : '',
    ]
      .filter(Boolean)
      .join(' ');
    if (!out.has(path)) out.set(path, `| \`${path}\` | ${typeOf(prop)} | ${when} | ${meaning.replace(/\|/g, '\\|')} |`);
    for (const o of objectsIn(prop)) rows(o.schema, `${path}${o.suffix}`, out);
  }
}

function table(name: (typeof RESULTS_FILE_NAMES)[number]): string {
  const json = resultsJsonSchema(name) as JsonSchema;
  const out = new Map<string, string>();
  rows(json, '', out);
  return ['| field | type | present | meaning |', '|---|---|---|---|', ...out.values()].join('\n');
}

/** docs/results-reference.md. */
export function resultsReference(): string {
  const sections = RESULTS_FILE_NAMES.map((name) => {
    const f = RESULTS_FILES[name];
    const description = String(resultsJsonSchema(name)['description']).replace(/ Generated from .*$/, '');
    return `## \`${f.title
      .replace('Sluice results: ', '')
      .replace(/ \(.*\)$/, '')
      .replace(/^a row of /, '')}\`

${description}

- where: ${f.paths.map((p) => `\`${p}\``).join(', ')}
- format: ${f.format === 'json' ? 'one JSON document' : 'NDJSON, one JSON object a line, each as below'}
- JSON Schema: [${RESULTS_SCHEMA_DIR}/${f.file}](../${RESULTS_SCHEMA_DIR}/${f.file})

${table(name)}
`;
  });
  return `<!-- Generated from src/results/schema by \`npm run docs\`; do not edit by hand. -->
# Results reference

A run writes \`results/<workflow_id>/\` (see [getting-started.md](getting-started.md) and
[reports.md](reports.md)). Every file below has a zod schema in \`src/results/schema/\`:
the engine's writers are typed with it, and \`sluice report\`, \`sluice compare\` and
\`sluice query\` read the files through it, so a file that does not match (another engine
version, an edit by hand, a copy cut short) is reported with its path and the field, e.g.

\`\`\`
results/…/backtest/phase_summary.json: best.metrics.sharpe_ratio: Invalid input: expected number, received string
\`\`\`

\`sluice query\` checks the JSON files in full and the first row of each NDJSON file
(DuckDB reads the rest); \`sluice report\` checks every row it reads. Objects are strict:
a field not listed here is an error, except in \`containers/<id>_results.json\`, whose
counters depend on the container's role. Times are ISO 8601 in UTC; numbers that are not
finite (a profit factor with no losing trade) are written as \`null\`.

The JSON Schemas (draft 2020-12) in [\`${RESULTS_SCHEMA_DIR}/\`](../${RESULTS_SCHEMA_DIR}/) are
generated from the same zod schemas, for tools outside Sluice.

${sections.join('\n')}
## Metrics

Wherever a file lists metrics (a book's \`metrics\`, a walk-forward's \`out_of_sample\`, a
window's \`best_metrics\`), it is an object of these keys, each a number or \`null\`
(definitions in [metrics.md](metrics.md)); a phase that ran nothing records \`{}\`:

${METRIC_NAMES.map((m) => `\`${m}\``).join(', ')}.
`;
}
