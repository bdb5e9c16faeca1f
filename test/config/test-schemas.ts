import { z } from 'zod';

/** A small stand-in for the real config schema: enough shapes to exercise every issue kind. */
export const SmaParams = z.strictObject({
  fast_period: z.number().int().positive(),
  slow_period: z.number().int().min(1),
});

export const RsiParams = z.strictObject({
  period: z.number().int().min(2),
  upper: z.number().max(100).default(70),
});

export const Strategy = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('sma_crossover'), id: z.string().optional(), params: SmaParams }),
    z.strictObject({ type: z.literal('rsi_reversion'), id: z.string().optional(), params: RsiParams }),
  ])
  .meta({ noun: 'strategy' });

export const Config = z.strictObject({
  name: z.string().min(1),
  data: z.strictObject({
    symbol: z.string(),
    path: z.string(),
    timeframe: z.string(),
  }),
  strategies: z.array(Strategy).min(1),
  results: z
    .strictObject({
      storage: z.enum(['memory', 'disk', 'hybrid']).default('memory'),
    })
    .optional(),
});
