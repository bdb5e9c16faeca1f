/**
 * The JSON Schemas (draft 2020-12) of the results files, generated from their zod schemas
 * for tools outside Sluice (a notebook, a dashboard, another language) that read a
 * results folder: `npm run docs` writes them to schema/results/, a test keeps them current.
 */
import { z } from 'zod';
import { ENGINE } from '../../engine-info.ts';
import { RESULTS_FILES, type ResultsFileName } from './results-files.ts';

/**
 * The JSON Schema of one kind of results file. `io: 'input'`: what is on disk, so a field
 * with a default (an older file's missing `primary_metric`) is optional. Strict zod
 * objects become `additionalProperties: false`.
 */
export function resultsJsonSchema(name: ResultsFileName): Record<string, unknown> {
  const { file, title, schema } = RESULTS_FILES[name];
  const { $schema, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Record<string, unknown>;
  return {
    $schema,
    $id: `https://sluice.dev/schema/results/${file}`,
    title,
    description:
      `${String(rest['description'] ?? '')} Generated from src/results/schema by \`npm run docs\` (sluice ${ENGINE.version}); do not edit by hand.`.trim(),
    ...Object.fromEntries(Object.entries(rest).filter(([k]) => k !== 'description')),
  };
}

/** The file text of a results JSON Schema, as schema/results/*.json holds it. */
export function resultsJsonSchemaText(name: ResultsFileName): string {
  return `${JSON.stringify(resultsJsonSchema(name), null, 2)}\n`;
}
