import { z } from 'zod';
import type { IndicatorDefinition } from './indicator.ts';
import { periodParam } from './params.ts';
import { WindowExtreme } from './window-extreme.ts';

const params = z.strictObject({ period: periodParam() });

/** `highest(period)`: rolling maximum. Output `value`; warm-up `period` bars. */
export const highest: IndicatorDefinition<z.infer<typeof params>> = {
  name: 'highest',
  description: 'Highest value of the last `period` values, the current one included.',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period,
  create: (p, input) => new WindowExtreme(p.period, 'max', input),
};
