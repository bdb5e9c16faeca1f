/**
 * `walk_forward`: on every window a sweep (grid or random search) on the train range, the
 * best combination on the test range; out-of-sample results stitched. `test_sequence:`
 * runs another sequence kind inside every window's test step (a Monte Carlo of its
 * out-of-sample trades, say).
 */
import { WalkForwardSchema } from '../../config/schema/sequence.ts';
import { defineSequence } from '../define-sequence.ts';
import { runWalkForward } from '../walk-forward.ts';

export const walkForward = defineSequence({
  type: 'walk_forward',
  description: 'Rolling or anchored windows: sweep on train, best on test, out-of-sample results stitched.',
  settings: WalkForwardSchema,
  nested: ['test_sequence'],
  run: (req, seq, ctx) => runWalkForward(req, seq, ctx),
});
