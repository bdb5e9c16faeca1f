/**
 * `parameter_sweep`: every combination (or a seeded random sample of them), in shards that
 * share a data pass and a feature hub, each combination's metrics committed to a resume
 * store; the best is then run once more in full so its trades and equity curve are written.
 */
import { ParameterSweepSchema } from '../../config/schema/sequence.ts';
import { defineSequence } from '../define-sequence.ts';
import { runParameterSweep } from '../passes.ts';

export const parameterSweep = defineSequence({
  type: 'parameter_sweep',
  description: 'Every combination of the grid (or a random sample) in shards; the best run again in full.',
  settings: ParameterSweepSchema,
  run: (req, seq) => runParameterSweep(req, seq),
});
