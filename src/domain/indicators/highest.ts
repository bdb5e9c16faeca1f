import { z } from 'zod';
import { periodParam } from './params.ts';
import { WindowExtreme } from './window-extreme.ts';
import { defineIndicator } from '../define.ts';

const params = z.strictObject({ period: periodParam() });

/** `highest(period)`: rolling maximum. Output `value`; warm-up `period` bars. */
export const highest = defineIndicator({
  name: 'highest',
  description: 'Highest value of the last `period` values, the current one included.',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period,
  create: (p, input) => new WindowExtreme(p.period, 'max', input),
});
