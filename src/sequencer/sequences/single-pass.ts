/**
 * `single_pass`: one graph over the (windowed) data, every strategy instance a book. A
 * replay with `replay_variants:` runs one single pass per variant (replay-variants.ts); a
 * signal-generation topology with a store reuses what the store holds (signal-run.ts).
 */
import { SinglePassSchema } from '../../config/schema/sequence.ts';
import { defineSequence } from '../define-sequence.ts';
import { checkSinglePassSize, runSinglePass } from '../passes.ts';
import { runReplayVariants } from '../replay-variants.ts';
import { runSignalGeneration } from '../signal-run.ts';

export const singlePass = defineSequence({
  type: 'single_pass',
  description: 'One graph over the data: every strategy instance is a book.',
  settings: SinglePassSchema,
  run: async (req) => {
    // A replay sweep: one single pass per portfolio/risk/execution variant (load refuses variants with another sequence).
    const variants = req.loaded.wf.replay?.variants;
    if (variants !== undefined) return runReplayVariants(req, variants);
    checkSinglePassSize(req);
    // Signal generation with a store (on disk, or a signals.store folder): reuse what it holds.
    if (
      req.loaded.plan.instances.some((i) => i.role === 'signal_sink') &&
      (req.phaseDir !== null || req.loaded.wf.config.signals.store !== undefined)
    ) {
      return runSignalGeneration(req);
    }
    return runSinglePass(req);
  },
});
