import { z } from 'zod';
import type { CamelCaseKeys } from '../case-keys.ts';

/** A classifier entry; `params` are checked against the classifier's own schema in a second pass. */
export const ClassifierEntrySchema = z
  .object({
    type: z
      .string()
      .min(1)
      .describe("Classifier kind from the catalogue (`sluice list classifiers`), e.g. 'trend_regime'."),
    id: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, 'use lower_snake_case (a-z, 0-9, _), starting with a letter')
      .optional()
      .describe('Name filters and regime_switch strategies read the regime by; default the type.'),
    params: z.record(z.string(), z.unknown()).default({}).describe('Parameters, one value each (no grids).'),
  })
  .strict();

export const ClassifiersSchema = z.array(ClassifierEntrySchema).default([]);

export type ClassifierEntry = CamelCaseKeys<z.infer<typeof ClassifierEntrySchema>>;
