/** The built-in sequence kinds, registered by sequence-registry.ts as a plugin's are. */
import { monteCarlo } from './monte-carlo.ts';
import { parameterSweep } from './parameter-sweep.ts';
import { singlePass } from './single-pass.ts';
import { trainTest } from './train-test.ts';
import { walkForward } from './walk-forward.ts';

export const BUILT_IN_SEQUENCES = [singlePass, parameterSweep, trainTest, walkForward, monteCarlo] as const;
