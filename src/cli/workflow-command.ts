import type { Logger } from 'pino';
import { isConfigError } from '../config/config-error.ts';
import { reportFor } from '../errors/exit.ts';
import { planWorkflow } from '../coordinator/plan-workflow.ts';
import type { WorkflowPlan } from '../coordinator/workflow-plan.ts';
import { runComposedWorkflow } from '../coordinator/run-composed.ts';
import type { ShardRunner } from '../sequencer/shard-pool.ts';
import { workflowSummary } from './workflow-summary.ts';

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Options of {@link runComposedCommand}. */
export interface ComposedCommandOptions {
  readonly sets: readonly string[];
  readonly patternDirs: readonly string[];
  readonly outDir?: string;
  readonly workers?: number;
  /** `--queue`: sweeps run as BullMQ flows through this runner (closed by the caller). */
  readonly shardRunner?: ShardRunner;
  /** `--report`: called with the results folder once the workflow has written it. */
  readonly report?: (dir: string) => Promise<void>;
  /** `--debug`: a failed phase's error with its stack. */
  readonly debug?: boolean;
}

/**
 * `sluice run` of a multi-phase workflow: plans it (every config, template, condition
 * and output path checked first), runs it with Ctrl-C saving what is done, prints the
 * per-phase summary, and returns the exit code (0, 1 failed, 130 interrupted).
 *
 * @throws ConfigError when the workflow is invalid (nothing ran).
 */
export async function runComposedCommand(
  file: string,
  o: ComposedCommandOptions,
  io: Io,
  logger: Logger,
): Promise<number> {
  const plan = await planWorkflow(file, { sets: o.sets, patternDirs: o.patternDirs, logger });
  const abort = new AbortController();
  const onSigint = (): void => {
    logger.warn('interrupted: stopping the running phases, saving results');
    abort.abort();
  };
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  try {
    const result = await runComposedWorkflow(plan, {
      logger,
      signal: abort.signal,
      workers: o.workers ?? 1,
      progress: o.shardRunner === undefined,
      ...(o.shardRunner !== undefined ? { shardRunner: o.shardRunner } : {}),
      ...(o.outDir !== undefined ? { outDir: o.outDir } : {}),
    });
    for (const line of workflowSummary(plan, result)) io.out(line);
    if (result.dir !== null) io.out(`results: ${result.dir}`);
    if (result.dir !== null && o.report !== undefined) await o.report(result.dir);
    if (result.status === 'failed') {
      for (const r of result.phases.filter((p) => p.status === 'failed'))
        reportPhaseError(r.name, r.error, r.reason, io, o.debug === true);
      io.err(
        `the workflow failed; ${result.dir !== null ? `partial results: ${result.dir} (marked "status": "failed")` : 'no results folder was written'}`,
      );
      return 1;
    }
    if (result.status === 'cancelled') {
      io.err('workflow cancelled; results so far were saved, marked "status": "cancelled"');
      return 130;
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/** A failed phase's error, as errors/exit.ts reports it: a user mistake plainly, an engine bug as one. */
function reportPhaseError(phase: string, err: unknown, reason: string | null, io: Io, debug: boolean): void {
  // A config error's message is a located, formatted block of its own: no heading.
  const heading = isConfigError(err) ? '' : `phase ${phase} failed: `;
  const lines =
    err === undefined || err === null
      ? [`${heading}${reason ?? 'unknown reason'}`]
      : reportFor(err, { debug, heading }).lines;
  for (const line of lines) io.err(line);
}

/** The line `sluice validate` prints for a multi-phase workflow. */
export function describePlan(file: string, plan: WorkflowPlan): string {
  const kind = plan.pattern !== null ? `workflow ${plan.pattern.name}` : 'inline workflow';
  const branches =
    plan.branches.length > 0 ? `, ${plan.branches.length} branch${plan.branches.length === 1 ? '' : 'es'}` : '';
  const iteration = plan.iteration !== undefined ? `, up to ${plan.iteration.spec.maxIterations} iterations` : '';
  return `${file}: OK — ${kind}: phases ${plan.phases.map((p) => p.spec.name).join(', ')}${branches}${iteration}`;
}
