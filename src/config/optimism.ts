/**
 * Settings that make results look better than a trader could have had, said out loud by
 * `sluice validate`, `sluice run` (logged, and recorded in phase_summary.json) and
 * `sluice lookahead`. The look-ahead check compares what strategies decide at a bar with
 * and without the later bars; it cannot see a fill that uses the signal bar's own close,
 * which is decided by the execution settings, not by any strategy: hence this list.
 */
import type { WorkflowConfig } from './schema/workflow.ts';

/** The warning of `execution.fill: close`. */
export const FILL_CLOSE_WARNING =
  'execution.fill: close fills each market order at the close of the very bar whose close produced its signal, a price that is gone by the time the signal is known: results are optimistic (on examples/spy-sma-crossover.yaml, +1.8 points of total return against fill: next_open). Use fill: next_open (the default) for results a trader could have had';

/** The warnings of a config's optimistic settings (none: an empty list). */
export function optimismWarnings(config: Pick<WorkflowConfig, 'execution'>): string[] {
  return config.execution.fill === 'close' ? [FILL_CLOSE_WARNING] : [];
}
