/**
 * `sluice run … --queue redis://…`: the coordinator's side of a distributed sweep. A sweep
 * (`runAll`) becomes one BullMQ flow — a parent job in FLOW_QUEUE whose children are the
 * chunk jobs in SWEEP_QUEUE, added at once — and each chunk's summaries are handed back to
 * the sweep as its job completes, so the sweep commits them to the resume store under the
 * same keys as a local run, and the coordinator never depends on a worker's disk.
 *
 * Completions arrive through QueueEvents; a slow poll of the jobs still outstanding
 * catches any event missed (a reconnect, a trimmed event stream). A job that fails for
 * good fails the sweep with its reason; Ctrl-C (the signal) and a failure remove the jobs
 * not yet taken, and the flow is removed when the sweep ends.
 */
import { systemClock, type Clock } from '../runtime/clock.ts';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { FlowProducer, Job, Queue, QueueEvents } from 'bullmq';
import type { Logger } from 'pino';
import { dataFingerprint, fileFingerprint } from '../files/combination-store.ts';
import type { ShardBatch, ShardResult, ShardRunner } from '../sequencer/shard-pool.ts';
import { readTimestamps } from '../data/workflow-source.ts';
import { bullConnection, KEY_PREFIX, type QueueTarget } from './queue-connection.ts';
import { QueueProgress } from './queue-progress.ts';
import {
  decodeBooks,
  defaultChunkSize,
  FLOW_QUEUE,
  SWEEP_QUEUE,
  type SweepJobData,
  type SweepJobResult,
} from './sweep-job.ts';

/** Options of {@link queueRunner}. */
export interface QueueRunnerOptions {
  readonly target: QueueTarget;
  readonly logger: Logger;
  /** Combinations per job (`--chunk-size`); absent: {@link defaultChunkSize}. */
  readonly chunkSize?: number | undefined;
  /** Draw a progress line (a TTY); otherwise progress goes to the log. */
  readonly tty: boolean;
  /** Attempts per job for ordinary errors (a refusal is never retried). Default 2. */
  readonly attempts?: number;
  /** Poll for missed completions this often, ms. Default 2000. */
  readonly pollMs?: number;
  /** Where flow ids, the flow's `created` stamp and the progress read the time (default: the system's clock). */
  readonly clock?: Clock;
}

/** A ShardRunner whose `runAll` sends a sweep through the queue. Close it when done. */
export async function queueRunner(opts: QueueRunnerOptions): Promise<ShardRunner> {
  const connection = bullConnection(opts.target);
  const base = { connection, prefix: KEY_PREFIX };
  const chunks = new Queue<SweepJobData, SweepJobResult>(SWEEP_QUEUE, base);
  const parents = new Queue(FLOW_QUEUE, base);
  const events = new QueueEvents(SWEEP_QUEUE, base);
  const producer = new FlowProducer(base);
  const log = opts.logger;
  const onError = (err: Error): void => log.warn({ err: err.message }, 'queue connection error');
  chunks.on('error', onError);
  parents.on('error', onError);
  events.on('error', onError);
  producer.on('error', onError);
  await Promise.all([
    chunks.waitUntilReady(),
    parents.waitUntilReady(),
    events.waitUntilReady(),
    producer.waitUntilReady(),
  ]);

  const runAll = async (
    batch: ShardBatch,
    onResult: (r: ShardResult) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> => {
    const chunk = opts.chunkSize ?? defaultChunkSize(await countBars(batch), batch.keys.length, batch.shardSize);
    const configPath = relative(process.cwd(), batch.file);
    // Paths travel relative to the working directory, as the config's does; a worker reads them under its --data-root.
    const portable = (file: string): string => {
      const rel = relative(process.cwd(), file);
      return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
    };
    const options = {
      ...batch.options,
      ...(batch.options.plugins !== undefined
        ? { plugins: batch.options.plugins.map((p) => (isAbsolute(p) ? portable(p) : p)) }
        : {}),
    };
    const files = await Promise.all(batch.wf.sources.map((s) => fileFingerprint(s.path)));
    const common = {
      phase: batch.phase,
      config: {
        path: configPath.startsWith('..') || isAbsolute(configPath) ? batch.file : configPath,
        text: await readFile(batch.file, 'utf8'),
      },
      options,
      plugins: batch.wf.plugins.map((p) => ({ path: portable(p.file), fingerprint: p.fingerprint, files: p.files })),
      shardSize: batch.shardSize,
      start: batch.wf.start ?? null,
      end: batch.wf.end ?? null,
      tradeFrom: batch.wf.tradeFrom ?? null,
      data: { fingerprint: await dataFingerprint(batch.wf.sources.map((s) => s.path)), files },
    };
    const flow = `${batch.phase.replace(/[^A-Za-z0-9_.-]/g, '_')}-${(opts.clock ?? systemClock).now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const children = [];
    for (let i = 0, n = 0; i < batch.keys.length; i += chunk, n++) {
      const data: SweepJobData = {
        ...common,
        flow,
        keys: batch.keys.slice(i, i + chunk),
        storeKeys: batch.storeKeys.slice(i, i + chunk),
      };
      // removeDependencyOnFailure: a failed chunk must not leave the parent waiting for ever.
      children.push({
        name: 'chunk',
        queueName: SWEEP_QUEUE,
        data,
        opts: { jobId: `${flow}-${n}`, attempts: opts.attempts ?? 2, removeDependencyOnFailure: true },
      });
    }
    const pending = new Set(children.map((c) => c.opts.jobId));
    const progress = new QueueProgress({
      flow,
      total: children.length,
      tty: opts.tty,
      logger: log,
      ...(opts.clock !== undefined ? { clock: opts.clock } : {}),
    });
    let failure: string | null = null;
    let settle: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (settle = resolve));
    // Results are committed one at a time, in the order they arrive.
    let committing = Promise.resolve();
    const complete = (jobId: string, value: SweepJobResult): void => {
      if (!pending.delete(jobId)) return;
      committing = committing.then(async () => {
        const result: ShardResult = { status: value.status, error: value.error, books: decodeBooks(value) };
        await onResult(result);
        if (value.status !== 'completed') failure ??= value.error ?? `job ${jobId} ${value.status}`;
        progress.done();
        if (pending.size === 0 || failure !== null) settle();
      });
      // A failed commit (onResult threw) stays in `committing`, which runAll awaits and so
      // throws; until then it is handled here, so that it is not an unhandled rejection
      // (the process killed) and the wait for the remaining jobs ends.
      committing.catch(() => settle());
    };
    const fail = (jobId: string, reason: string): void => {
      if (!pending.delete(jobId)) return;
      failure ??= reason;
      progress.failed();
      log.error({ flow, job: jobId }, `job failed: ${reason}`);
      settle();
    };
    const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }): void =>
      complete(jobId, parseReturn(returnvalue));
    const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }): void => {
      if (!pending.has(jobId)) return;
      // 'failed' is also emitted for an attempt that will be retried: only a job left in
      // the failed set is final.
      // Not awaited (an event listener); the job stays pending if its state cannot be read,
      // and the next poll (pollOutstanding) reads it again.
      void chunks
        .getJobState(jobId)
        .then((state) => {
          if (state === 'failed') fail(jobId, failedReason);
        })
        .catch((err: unknown) =>
          log.warn({ flow, job: jobId, err: String(err) }, 'job state not read; the next poll reads it'),
        );
    };
    const onStalled = ({ jobId }: { jobId: string }): void => {
      if (!pending.has(jobId)) return;
      progress.stalled();
      log.warn({ flow, job: jobId }, 'job stalled (its worker stopped renewing the lock); it goes back to the queue');
    };
    events.on('completed', onCompleted);
    events.on('failed', onFailed);
    events.on('stalled', onStalled);
    const onAbort = (): void => settle();
    signal?.addEventListener('abort', onAbort);
    // Each poll in the background; a failed one (Redis unreachable for a moment) is logged
    // and the next one tries again, instead of an unhandled rejection killing the process.
    const poll = setInterval(
      () =>
        void pollOutstanding().catch((err: unknown) =>
          log.warn({ flow, err: String(err) }, 'queue poll failed; retrying'),
        ),
      opts.pollMs ?? 2000,
    );
    const pollOutstanding = async (): Promise<void> => {
      for (const id of [...pending].slice(0, 500)) {
        const job = await Job.fromId<SweepJobData, SweepJobResult>(chunks, id);
        if (job === undefined) fail(id, `job ${id} was removed from the queue before it finished`);
        else if (job.finishedOn !== undefined && job.returnvalue !== null && (await job.getState()) === 'completed')
          complete(id, parseReturn(job.returnvalue));
        else if ((await job.getState()) === 'failed') fail(id, job.failedReason);
      }
      const parent = await Job.fromId(parents, flow);
      await parent?.updateProgress(progress.snapshot()).catch(() => undefined);
    };
    try {
      await producer.add({
        name: 'sweep',
        queueName: FLOW_QUEUE,
        data: {
          phase: batch.phase,
          config: common.config.path,
          jobs: children.length,
          combinations: batch.keys.length,
          chunk,
          created: (opts.clock ?? systemClock).now(),
        },
        opts: { jobId: flow },
        children,
      });
      log.info(
        { flow, jobs: children.length, combinations: batch.keys.length, chunk },
        `sweep sent to the queue as flow ${flow}`,
      );
      if (signal?.aborted !== true) await finished;
      await committing;
    } finally {
      clearInterval(poll);
      signal?.removeEventListener('abort', onAbort);
      events.off('completed', onCompleted);
      events.off('failed', onFailed);
      events.off('stalled', onStalled);
      progress.finish();
      // The last counts and the outcome, for `sluice queue status` should the flow outlive its removal.
      const outcome = failure !== null ? 'failed' : signal?.aborted === true ? 'cancelled' : 'completed';
      const parent = await Job.fromId(parents, flow).catch(() => undefined);
      await parent?.updateProgress({ ...progress.snapshot(), outcome }).catch(() => undefined);
      await removeFlow(flow, [...pending]);
    }
    if (failure !== null) await onResult({ status: 'failed', error: failure, books: [] });
  };

  /** The jobs not taken yet, then the flow itself (what is running finishes unseen). */
  const removeFlow = async (flow: string, left: readonly string[]): Promise<void> => {
    for (const id of left) await chunks.remove(id).catch(() => 0);
    await parents
      .remove(flow, { removeChildren: true })
      .catch((err: unknown) => log.debug({ flow, err: String(err) }, 'flow not removed'));
  };

  return {
    threads: 1,
    runAll,
    close: async () => {
      await Promise.all([events.close(), producer.close(), chunks.close(), parents.close()]);
    },
  };
}

/** Bars in the sweep's range: the default chunk size is sized by them. */
async function countBars(batch: ShardBatch): Promise<number> {
  return (await readTimestamps(batch.wf)).length;
}

/** A return value as QueueEvents or a Job gives it (parsed or still JSON text). */
function parseReturn(value: unknown): SweepJobResult {
  const v = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (v === null || typeof v !== 'object' || !Array.isArray((v as SweepJobResult).books)) {
    return {
      status: 'failed',
      error: `a worker returned something that is not a sweep chunk result: ${JSON.stringify(v)?.slice(0, 200)}`,
      books: [],
    };
  }
  return v as SweepJobResult;
}
