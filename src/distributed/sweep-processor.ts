/**
 * The sandboxed processor of `sluice worker`: BullMQ runs this file in a worker thread
 * (with tsx's loader, like --workers' pool), so a chunk that computes for minutes never
 * blocks the worker's main thread, which keeps renewing the job's lock.
 *
 * A chunk: rebuild the coordinator's workflow from the YAML text in the job, refuse to run
 * on data that differs from the coordinator's, compute the combinations in graphs of the
 * sweep's shard size, and return their summaries. Refusals are UnrecoverableErrors:
 * another attempt on the same machine would fail the same way.
 */
import { hostname } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import { isUserError } from '../errors/exit.ts';
import { loadWorkflow, type LoadedWorkflow } from '../load/load-workflow.ts';
import { fileFingerprint, type FileFingerprint } from '../files/combination-store.ts';
import { isPathLike } from '../plugins/load-plugins.ts';
import { runLoadedShard } from '../sequencer/run-shard.ts';
import type { BookSummary } from '../results/phase-writer.ts';
import { encodeNonFinite, type SweepJobData, type SweepJobResult } from './sweep-job.ts';

/**
 * Set by `sluice worker --data-root` for its threads (they inherit the environment): the
 * folder the job's config path is resolved against. Default: the working directory.
 */
export const DATA_ROOT_ENV = 'SLUICE_DATA_ROOT';

/** Loaded workflows by config text and options: a worker takes many chunks of one sweep. */
const cache = new Map<string, Promise<LoadedWorkflow>>();

export default async function processSweepChunk(
  job: SandboxedJob<SweepJobData, SweepJobResult>,
): Promise<SweepJobResult> {
  const data = job.data;
  const root = process.env[DATA_ROOT_ENV] ?? process.cwd();
  const file = isAbsolute(data.config.path) ? data.config.path : resolve(root, data.config.path);
  // `--plugin` paths travel relative to the coordinator's working directory, like the config's.
  const plugins = data.options.plugins?.map((p) => (isPathLike(p) && !isAbsolute(p) ? resolve(root, p) : p));
  const loaded = await load(file, plugins === undefined ? data : { ...data, options: { ...data.options, plugins } });
  await checkData(loaded, data);
  checkPlugins(loaded, data);
  const books: BookSummary[] = [];
  for (let i = 0; i < data.keys.length; i += data.shardSize) {
    const result = await runLoadedShard(loaded, {
      keys: data.keys.slice(i, i + data.shardSize),
      start: data.start,
      end: data.end,
      tradeFrom: data.tradeFrom,
    });
    if (result.status !== 'completed') return { status: result.status, error: result.error, books: [] };
    books.push(...result.books);
    await job.updateProgress(Math.round(((i + data.shardSize) / data.keys.length) * 100));
  }
  return { status: 'completed', error: null, books: books.map(encodeNonFinite) };
}

async function load(file: string, data: SweepJobData): Promise<LoadedWorkflow> {
  const key = JSON.stringify([file, data.config.text, data.options]);
  let loading = cache.get(key);
  if (loading === undefined) {
    loading = loadWorkflow(file, { ...data.options, text: data.config.text });
    cache.set(key, loading);
    // A failed load is not kept: the files may be put in place before the next job.
    loading.catch(() => cache.delete(key));
  }
  try {
    return await loading;
  } catch (err) {
    if (!isUserError(err)) throw err;
    throw new UnrecoverableError(
      `worker ${hostname()}: the sweep's config does not load here (config read as ${file}): ${err.message}`,
    );
  }
}

/** Every plugin file must have the coordinator's content hash. */
function checkPlugins(loaded: LoadedWorkflow, data: SweepJobData): void {
  const theirs = data.plugins ?? [];
  const mine = loaded.wf.plugins;
  if (mine.length !== theirs.length) {
    throw new UnrecoverableError(
      `worker ${hostname()}: the sweep loads ${mine.length} plugin module${mine.length === 1 ? '' : 's'} here but ${theirs.length} on the coordinator (${theirs.map((p) => p.path).join(', ') || 'none'})`,
    );
  }
  for (let i = 0; i < mine.length; i++) {
    const here = mine[i]!;
    const there = theirs[i]!;
    if (here.fingerprint === there.fingerprint) continue;
    const root = dirname(here.file);
    const differing =
      there.files.find((f) => here.files.find((h) => h.path === f.path)?.sha256 !== f.sha256) ?? there.files[0];
    const local = here.files.find((h) => h.path === differing?.path);
    throw new UnrecoverableError(
      `worker ${hostname()}: plugin file ${differing === undefined ? here.file : join(root, differing.path)} does not match the coordinator's ${there.path}: ` +
        `here sha256 ${local?.sha256 ?? '(missing)'}; coordinator sha256 ${differing?.sha256 ?? there.fingerprint}`,
    );
  }
}

/** Every data file must have the coordinator's size and content hash. */
async function checkData(loaded: LoadedWorkflow, data: SweepJobData): Promise<void> {
  const here = loaded.wf.sources.map((s) => s.path);
  if (here.length !== data.data.files.length) {
    throw new UnrecoverableError(
      `worker ${hostname()}: the config names ${here.length} data files here but ${data.data.files.length} on the coordinator`,
    );
  }
  for (let i = 0; i < here.length; i++) {
    const theirs = data.data.files[i]!;
    const mine: FileFingerprint = await fileFingerprint(here[i]!);
    if (mine.sha256 !== theirs.sha256 || mine.size !== theirs.size) {
      throw new UnrecoverableError(
        `worker ${hostname()}: data file ${here[i]} does not match the coordinator's ${theirs.name}: ` +
          `here ${mine.size} bytes, sha256 ${mine.sha256}; coordinator ${theirs.size} bytes, sha256 ${theirs.sha256}`,
      );
    }
  }
}
