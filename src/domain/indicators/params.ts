import { z } from 'zod';

/**
 * Shared pieces of the indicator parameter schemas, so every indicator spells `period`
 * and `ddof` the same way and reports the same messages.
 */

/** A window length: a positive integer, required unless a default is given. */
export function periodParam(defaultValue?: number): z.ZodType<number> {
  const base = z.number().int().positive();
  return defaultValue === undefined ? base : base.default(defaultValue);
}

/** Delta degrees of freedom for a standard deviation: 0 (population, default) or 1 (sample). */
export const ddofParam = z.union([z.literal(0), z.literal(1)]).default(0);
