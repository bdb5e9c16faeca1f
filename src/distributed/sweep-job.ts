/**
 * What travels through the queue for a distributed sweep: the job a coordinator adds for
 * each chunk of combinations, the value a worker returns, and the rule that sizes chunks.
 * Plain JSON both ways, since any machine with the same engine code may take a job.
 */
import type { LoadWorkflowOptions } from '../load/load-workflow.ts';
import type { FileFingerprint } from '../files/combination-store.ts';
import type { BookSummary } from '../results/phase-writer.ts';

/** The queue of chunk jobs, processed by `sluice worker`. */
export const SWEEP_QUEUE = 'sweep-chunks';
/**
 * The queue of flow parents: one job per sweep, holding its chunk jobs as children. No
 * worker processes it; it groups the chunks (counts for `sluice queue status`, removal on
 * cancel) and carries the coordinator's progress.
 */
export const FLOW_QUEUE = 'sweep-flows';

/** One chunk of a sweep: everything a worker on another machine needs to compute it. */
export interface SweepJobData {
  /** The flow (parent job) id. */
  readonly flow: string;
  readonly phase: string;
  /**
   * The config as the coordinator loaded it: its YAML text, and its path relative to the
   * coordinator's working directory (absolute when outside it). The worker reads the text
   * as if the file were at that path under its `--data-root`, so data files and pattern
   * folders named relative to the config resolve the same way on both machines.
   */
  readonly config: { readonly path: string; readonly text: string };
  /** Load options (`--set`, pattern folders, a workflow phase's layers) — plain data. */
  readonly options: Omit<LoadWorkflowOptions, 'strategies' | 'text'>;
  /** Strategy keys of the combinations to compute, e.g. `sma_crossover_5_30`. */
  readonly keys: readonly string[];
  /** Their resume-store keys (sha256, see combination-store.ts), or '' without a store. */
  readonly storeKeys: readonly string[];
  /** Combinations per graph (the sweep's `shard_size`): a chunk may run several graphs. */
  readonly shardSize: number;
  /** The bar range of the sweep (a window, a walk-forward train range), epoch ms. */
  readonly start: number | null;
  readonly end: number | null;
  readonly tradeFrom: number | null;
  /** The coordinator's data: a worker whose files differ refuses the job. */
  readonly data: { readonly fingerprint: string; readonly files: readonly FileFingerprint[] };
  /**
   * The coordinator's plugins, in load order: each module's path (as `config.path`), the
   * fingerprint of its code and every file of it with its SHA-256. A worker whose plugin
   * code differs refuses the job, naming the file and both hashes.
   */
  readonly plugins?: readonly JobPlugin[];
}

/** A plugin as a job describes it. */
export interface JobPlugin {
  readonly path: string;
  readonly fingerprint: string;
  readonly files: readonly { readonly path: string; readonly sha256: string }[];
}

/** A number JSON cannot hold (NaN, ±Infinity), tagged so it comes back as itself. */
interface NonFinite {
  readonly $nonfinite: 'NaN' | 'Infinity' | '-Infinity';
}

/** What a worker returns for a chunk: the shard result, non-finite numbers tagged. */
export interface SweepJobResult {
  readonly status: 'completed' | 'failed' | 'cancelled';
  readonly error: string | null;
  /** BookSummary values, encoded by {@link encodeNonFinite}. */
  readonly books: readonly unknown[];
}

/**
 * `value` with every NaN and ±Infinity replaced by a tagged object. BullMQ stores return
 * values as JSON, which would turn them into null; a local run keeps them, and ranking and
 * result files must not differ between the two.
 */
export function encodeNonFinite(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : ({ $nonfinite: String(value) } as NonFinite);
  if (Array.isArray(value)) return value.map(encodeNonFinite);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encodeNonFinite(v);
    return out;
  }
  return value;
}

/** The inverse of {@link encodeNonFinite}. */
export function decodeNonFinite(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeNonFinite);
  if (value !== null && typeof value === 'object') {
    const tag = (value as Partial<NonFinite>).$nonfinite;
    if (tag !== undefined && Object.keys(value).length === 1) return Number(tag);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodeNonFinite(v);
    return out;
  }
  return value;
}

/** The summaries of a returned chunk. */
export function decodeBooks(result: SweepJobResult): BookSummary[] {
  return result.books.map((b) => decodeNonFinite(b) as BookSummary);
}

/**
 * Combination-bars one chunk job should hold by default: about 3 s of work at this
 * project's measured sweep speed (1.25 M combination-bars/s on one core, docs/sequences.md).
 * Long enough that the queue's cost per job (a few ms of Redis round trips, the worker
 * loading the config) stays small next to it; short enough that a lost worker costs
 * seconds, and that jobs spread over many workers.
 */
export const TARGET_COMBINATION_BARS = 4_000_000;

/**
 * The default chunk size: ⌈TARGET_COMBINATION_BARS / bars⌉ combinations, at least 1 and at
 * most the sweep's shard size (one graph per job), and never so many that fewer than
 * `minJobs` jobs exist when the sweep has that many combinations (so several workers have
 * something to take).
 */
export function defaultChunkSize(bars: number, combinations: number, shardSize: number, minJobs = 4): number {
  const byWork = Math.ceil(TARGET_COMBINATION_BARS / Math.max(1, bars));
  const bySpread = Math.ceil(combinations / minJobs);
  return Math.max(1, Math.min(byWork, shardSize, bySpread));
}
