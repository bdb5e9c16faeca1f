/** `train_test`: a sweep on the train range, the best parameters run on the test range (walk-forward's one-window case). */
import { TrainTestSchema } from '../../config/schema/sequence.ts';
import { defineSequence } from '../define-sequence.ts';
import { runTrainTest } from '../walk-forward.ts';

export const trainTest = defineSequence({
  type: 'train_test',
  description: 'Sweep on the train range, run the best combination on the test range that follows.',
  settings: TrainTestSchema,
  run: (req, seq, ctx) => runTrainTest(req, seq, ctx),
});
