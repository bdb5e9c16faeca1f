/**
 * Sequences: how one phase iterates over its topology. Every number comes from executed
 * graphs; this module only decides which graphs run over which bars, and folds their
 * results.
 *
 * - `single_pass`: one graph over the (windowed) data, every strategy instance a book.
 * - `parameter_sweep`: every combination, in shards that share a data pass and a feature
 *   hub, each combination's metrics committed to a resume store; the best is then run once
 *   more in full so its trades and equity curve are written.
 * - `train_test`: a sweep on the train range, the best parameters run on the test range.
 * - `walk_forward`: the same on every window; out-of-sample results stitched.
 * - `monte_carlo`: a single pass, then a bootstrap of the best book's trades.
 */
import { MAX_SINGLE_PASS_STRATEGIES } from '../config/resolve-strategies.ts';
import { runSignalGeneration } from './signal-run.ts';
import { runMonteCarlo } from './monte-carlo-sequence.ts';
import { runParameterSweep, runSinglePass } from './passes.ts';
import { runReplayVariants } from './replay-variants.ts';
import type { PhaseResult, SequenceRequest } from './sequence-types.ts';
import { runTrainTest, runWalkForward } from './walk-forward.ts';

export type { PhaseResult, SequenceRequest } from './sequence-types.ts';

/** Runs one phase with its sequence. */
export async function runSequence(req: SequenceRequest): Promise<PhaseResult> {
  const { sequence } = req;
  // A replay sweep: one single pass per portfolio/risk/execution variant (load checked the sequence).
  const variants = req.loaded.wf.replay?.variants;
  if (variants !== undefined) {
    return runReplayVariants(req, variants);
  }
  const books = req.loaded.wf.strategies.length;
  if ((sequence.type === 'single_pass' || sequence.type === 'monte_carlo') && books > MAX_SINGLE_PASS_STRATEGIES) {
    // A plain config is refused at load (located); a workflow phase's sequence is known only here.
    throw new Error(`phase '${req.loaded.wf.phase}': ${books.toLocaleString('en-US')} strategies in one single-pass graph, more than ${MAX_SINGLE_PASS_STRATEGIES.toLocaleString('en-US')}; run the grid as sequence: parameter_sweep (shards of shard_size strategies, one graph each)`);
  }
  switch (sequence.type) {
    case 'single_pass':
      // Signal generation with a store (on disk, or a signals.store folder): reuse what it holds.
      if (req.loaded.plan.instances.some((i) => i.role === 'signal_sink') && (req.phaseDir !== null || req.loaded.wf.config.signals.store !== undefined)) {
        return runSignalGeneration(req);
      }
      return runSinglePass(req);
    case 'parameter_sweep':
      return runParameterSweep(req, sequence);
    case 'train_test':
      return runTrainTest(req, sequence);
    case 'walk_forward':
      return runWalkForward(req, sequence);
    case 'monte_carlo':
      return runMonteCarlo(req, sequence);
  }
}
