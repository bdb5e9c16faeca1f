/**
 * The queue's commands: `sluice worker` (process sweep chunks on this machine),
 * `sluice queue status` (progress of the sweeps in a queue), and the `--queue` /
 * `--chunk-size` options of `sluice run` (a runner for the coordinator).
 */
import { systemClock, type Clock } from '../runtime/clock.ts';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { ShardRunner } from '../sequencer/shard-pool.ts';
import type { FlowProgress } from './queue-progress.ts';
import type { SweepJobData, SweepJobResult } from './sweep-job.ts';
import { threadModule } from '../runtime-mode.ts';

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/**
 * The file BullMQ's sandbox threads import() as the processor. Those threads have no
 * TypeScript loader: compiled — or from source with a dist/ built from this very src/
 * (runtime-mode.ts, threadModule), which starts a thread about three times faster —
 * sweep-processor.js itself; else an entry that registers tsx and then loads
 * sweep-processor.ts.
 */
function sweepProcessorFile(): URL {
  const processor = threadModule('./sweep-processor.ts', import.meta.url);
  return processor.compiled ? processor.url : new URL('./sweep-processor-entry.mjs', import.meta.url);
}

/** How long a stopping worker waits to learn whether Redis still answers. */
const STOP_PROBE_MS = 1500;
/** How long a forced stop waits for the worker's threads and connections to close. */
const FORCED_CLOSE_MS = 1500;

/** `--chunk-size`, `--concurrency`, `--lock-ms`: whole numbers ≥ 1. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/**
 * The coordinator's runner for `sluice run --queue URL`: the URL checked and the server
 * reached first, so a mistake is one line before anything runs.
 *
 * @throws QueueError for a bad URL or an unreachable server.
 */
export async function openQueueRunner(
  url: string,
  chunkSize: number | undefined,
  logger: Logger,
): Promise<ShardRunner> {
  const [{ checkReachable, parseQueueUrl }, { queueRunner }] = await Promise.all([
    import('./queue-connection.ts'),
    import('./queue-runner.ts'),
  ]);
  const target = parseQueueUrl(url);
  await checkReachable(target);
  return queueRunner({ target, logger, chunkSize, tty: process.stderr.isTTY });
}

/** Registers `sluice worker` and `sluice queue status`. */
export function registerQueueCommands(program: Command, io: Io, setCode: (code: number) => void): void {
  program
    .command('worker')
    .description('process sweep chunks from a queue (sluice run --queue) until interrupted')
    .requiredOption('--queue <url>', 'the Redis of the queue: redis://HOST:PORT (rediss:// for TLS)')
    .option('--concurrency <k>', 'chunks computed at once, each on its own thread', positiveInt, 1)
    .option(
      '--data-root <dir>',
      "folder the coordinator's config path (and so its data files) resolve against; default: the working directory",
    )
    .option(
      '--lock-ms <ms>',
      "job lock duration: a killed worker's job is retried after about twice this",
      positiveInt,
      30_000,
    )
    .option('--log-level <level>', 'log level', 'info')
    .action(async (o: { queue: string; concurrency: number; dataRoot?: string; lockMs: number; logLevel: string }) => {
      // Imported here, not at the top: BullMQ and ioredis would slow every `sluice` start.
      const [
        { Worker },
        { createLogger },
        { bullConnection, checkReachable, KEY_PREFIX, parseQueueUrl },
        { DATA_ROOT_ENV },
        { SWEEP_QUEUE },
      ] = await Promise.all([
        import('bullmq'),
        import('../runtime/logger.ts'),
        import('./queue-connection.ts'),
        import('./sweep-processor.ts'),
        import('./sweep-job.ts'),
      ]);
      const logger = createLogger({ json: false, level: o.logLevel });
      const target = parseQueueUrl(o.queue);
      await checkReachable(target);
      // The processor threads inherit the environment: that is how they learn the data root.
      process.env[DATA_ROOT_ENV] = resolve(o.dataRoot ?? process.cwd());
      const worker = new Worker<SweepJobData, SweepJobResult>(SWEEP_QUEUE, fileURLToPath(sweepProcessorFile()), {
        connection: bullConnection(target),
        prefix: KEY_PREFIX,
        concurrency: o.concurrency,
        useWorkerThreads: true,
        lockDuration: o.lockMs,
        stalledInterval: o.lockMs,
        maxStalledCount: 2,
      });
      worker.on('error', (err) => logger.warn({ err: err.message }, 'queue connection error'));
      worker.on('active', (job) =>
        io.out(`job ${job.id} started: ${job.data.keys.length} combinations of ${job.data.phase}`),
      );
      worker.on('completed', (job) => io.out(`job ${job.id} done`));
      worker.on('failed', (job, err) => io.err(`job ${job?.id ?? '?'} failed: ${err.message}`));
      await worker.waitUntilReady();
      // The signal handlers go in before "worker ready" is printed: whoever waits for that
      // line (a supervisor, a test) may signal at once, and a SIGTERM arriving before the
      // handler would kill the worker by the default action instead of stopping it cleanly.
      const stopped = new Promise<void>((done) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          done();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      io.out(`worker ready on ${target.display}: ${o.concurrency} at a time, data root ${process.env[DATA_ROOT_ENV]}`);
      await stopped;
      // Stopping: with Redis up, the chunks in hand are finished and reported (a second
      // signal abandons them: their locks expire and other workers redo them). With Redis
      // unreachable nothing can be reported or released, so the worker does not wait for a
      // connection that may never come back: it drops its jobs and exits within seconds.
      let closed = false;
      const forced = new Promise<string>((resolveForced) => {
        const again = (): void =>
          resolveForced('stopping now: the chunks in hand return to the queue when their locks expire');
        process.once('SIGINT', again);
        process.once('SIGTERM', again);
        // Checked now and every few seconds while the chunks in hand finish: Redis may go away meanwhile.
        const probe = (): void => {
          if (closed) return;
          checkReachable(parseQueueUrl(o.queue, STOP_PROBE_MS)).then(
            () => void setTimeout(probe, STOP_PROBE_MS).unref(),
            (err: unknown) =>
              resolveForced(
                `${err instanceof Error ? err.message : String(err)}: stopping now; the chunks in hand return to the queue when their locks expire`,
              ),
          );
        };
        probe();
      });
      io.err('stopping: finishing the chunks in hand (send the signal again to stop at once)');
      const graceful = worker.close().then(() => {
        closed = true;
      });
      // Raced below; should the forced stop win, a later failure of the graceful close must
      // not be an unhandled rejection that kills the process before its forced exit (0).
      graceful.catch(() => undefined);
      const outcome = await Promise.race([graceful, forced]);
      if (outcome !== undefined) {
        io.err(outcome);
        // A forced close cannot reach Redis either: give it a moment, then leave.
        await Promise.race([
          worker.close(true).catch(() => undefined),
          new Promise((r) => setTimeout(r, FORCED_CLOSE_MS).unref()),
        ]);
        process.exit(0);
      }
      setCode(0);
    });

  program
    .command('queue')
    .description('inspect a sweep queue')
    .command('status')
    .description('progress of the sweeps (flows) in a queue: jobs done, failed, stalled, ETA')
    .requiredOption('--queue <url>', 'the Redis of the queue: redis://HOST:PORT')
    .argument('[flow]', 'a flow id or phase name (default: every flow)')
    .action(async (flow: string | undefined, o: { queue: string }) => {
      const [{ Queue }, { bullConnection, checkReachable, KEY_PREFIX, parseQueueUrl }, { FLOW_QUEUE, SWEEP_QUEUE }] =
        await Promise.all([import('bullmq'), import('./queue-connection.ts'), import('./sweep-job.ts')]);
      const target = parseQueueUrl(o.queue);
      await checkReachable(target);
      const base = { connection: bullConnection(target), prefix: KEY_PREFIX };
      const parents = new Queue(FLOW_QUEUE, base);
      const chunks = new Queue(SWEEP_QUEUE, base);
      try {
        const lines = await statusLines(parents, chunks, flow);
        if (lines.length === 0) {
          io.err(
            flow === undefined
              ? `no sweep in the queue at ${target.display}`
              : `no sweep '${flow}' in the queue at ${target.display}`,
          );
          setCode(1);
        }
        for (const line of lines) io.out(line);
      } finally {
        await Promise.all([parents.close(), chunks.close()]);
      }
    });
}

/** One line per flow: its id, phase, the coordinator's counts, and the jobs running now. */
async function statusLines(
  parents: Queue,
  chunks: Queue,
  wanted: string | undefined,
  clock: Clock = systemClock,
): Promise<string[]> {
  const [{ Job }, { flowLine, flowStatus }] = await Promise.all([import('bullmq'), import('./queue-progress.ts')]);
  const lines: string[] = [];
  for (const parent of await parents.getJobs(['waiting-children', 'waiting', 'completed', 'failed'])) {
    const data = parent.data as { phase?: string; jobs?: number; created?: number };
    if (wanted !== undefined && parent.id !== wanted && data.phase !== wanted) continue;
    const counts = await parent.getDependenciesCount();
    const deps = { processed: counts.processed ?? 0, unprocessed: counts.unprocessed ?? 0, failed: counts.failed ?? 0 };
    const stored = typeof parent.progress === 'object' ? (parent.progress as Partial<FlowProgress>) : {};
    const total = data.jobs ?? deps.processed + deps.unprocessed + deps.failed;
    const progress = flowStatus(deps, stored, total, clock.now() - (data.created ?? parent.timestamp));
    let active = 0;
    for (const id of (await parent.getDependencies({ unprocessed: { count: 10_000 } })).unprocessed ?? []) {
      const job = await Job.fromId(chunks, id.split(':').pop()!);
      if ((await job?.getState()) === 'active') active++;
    }
    lines.push(`${parent.id}  phase ${data.phase ?? '?'}  ${flowLine(progress)}  active ${active}`);
  }
  return lines;
}
