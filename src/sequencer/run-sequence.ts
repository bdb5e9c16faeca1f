/**
 * Sequences: how one phase iterates over its topology. Every number comes from executed
 * graphs; a sequence kind only decides which graphs run over which bars, and hands their
 * results to the phase writer (src/results/phase-writer.ts).
 *
 * The kinds are registered (sequence-registry.ts): the built-in ones in sequences/
 * (`single_pass`, `parameter_sweep`, `train_test`, `walk_forward`, `monte_carlo`) and any
 * a plugin defines with `defineSequence`. This runs the one a request names.
 */
import { sequenceDefinition, sequenceTypes } from './sequence-registry.ts';
import type { PhaseResult, SequenceRequest } from './sequence-types.ts';

export type { PhaseResult, SequenceRequest } from './sequence-types.ts';

/**
 * Runs one phase with its sequence; the settings are checked by the kind's schema (a
 * config's were already checked at load; a sub-sequence a kind starts gets its defaults here).
 *
 * @throws Error for a type no kind is registered under.
 */
export async function runSequence(req: SequenceRequest): Promise<PhaseResult> {
  const definition = sequenceDefinition(req.sequence.type);
  if (definition === undefined)
    throw new Error(`unknown sequence '${req.sequence.type}' (known: ${sequenceTypes().join(', ')})`);
  const settings = definition.settings.parse(req.sequence);
  return definition.run({ ...req, sequence: settings }, settings, { runSequence });
}
