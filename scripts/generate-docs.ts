/** Regenerates the docs that are derived from code: `npm run docs`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configReference } from '../src/config/schema/reference.ts';
import { JSON_SCHEMA_KINDS, JSON_SCHEMAS, jsonSchemaText, SCHEMA_DIR } from '../src/config/schema/json-schema.ts';
import { cliReference } from '../src/cli/cli-reference.ts';
import { buildProgram } from '../src/cli/main.ts';
import { queryDoc } from '../src/query/query-doc.ts';
import { RESULTS_FILE_NAMES, RESULTS_FILES, RESULTS_SCHEMA_DIR } from '../src/results/schema/results-files.ts';
import { resultsJsonSchemaText } from '../src/results/schema/results-json-schema.ts';
import { resultsReference } from '../src/results/schema/results-reference.ts';

writeFileSync('docs/config-reference.md', configReference());
console.log('wrote docs/config-reference.md');
for (const kind of JSON_SCHEMA_KINDS) {
  const file = join(SCHEMA_DIR, JSON_SCHEMAS[kind].file);
  writeFileSync(file, jsonSchemaText(kind));
  console.log(`wrote ${file}`);
}
// The program is only built, never parsed: no command runs.
writeFileSync(
  'docs/cli.md',
  cliReference(buildProgram({ out: () => undefined, err: () => undefined }, () => undefined)),
);
console.log('wrote docs/cli.md');
writeFileSync('docs/query.md', queryDoc());
console.log('wrote docs/query.md');
writeFileSync('docs/results-reference.md', resultsReference());
console.log('wrote docs/results-reference.md');
mkdirSync(RESULTS_SCHEMA_DIR, { recursive: true });
for (const name of RESULTS_FILE_NAMES) {
  const file = join(RESULTS_SCHEMA_DIR, RESULTS_FILES[name].file);
  writeFileSync(file, resultsJsonSchemaText(name));
  console.log(`wrote ${file}`);
}
