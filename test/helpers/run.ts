import pino from 'pino';
import { loadWorkflow, type LoadWorkflowOptions } from '../../src/load/load-workflow.ts';
import { runPhase, type PhaseOutcome } from '../../src/sequencer/run-phase.ts';
import type { BarSource } from '../../src/data/bar-source.ts';
import { openBarSource } from '../../src/data/open-source.ts';

/** A logger that prints nothing. */
export const silent = pino({ level: 'silent' });

/** Loads a config and runs its phase in memory over `source` (default: the config's own data). */
export async function runConfig(
  file: string,
  opts: LoadWorkflowOptions & {
    source?: (wf: Awaited<ReturnType<typeof loadWorkflow>>['wf']) => BarSource;
    phaseDir?: string | null;
  } = {},
): Promise<PhaseOutcome> {
  const loaded = await loadWorkflow(file, opts);
  const s = loaded.wf.sources[0]!;
  const source = opts.source?.(loaded.wf) ?? openBarSource({ path: s.path, symbol: s.symbol }, loaded.wf.baseDir);
  return runPhase({ ...loaded, source, phaseDir: opts.phaseDir ?? null, logger: silent });
}
