/**
 * How many of the `remaining` combinations a thread takes next: a whole shard while
 * plenty remain, then less — about a share of what is left, per thread twice over (the
 * "guided" schedule of OpenMP) — but never under a quarter shard. With whole shards only,
 * the thread that takes the last one runs it alone while the other idles: shards of one
 * sweep differ in cost (more trades, and each thread's first shard also warms its JIT),
 * so on 2 threads that tail was 0.5–1 s of a 9 s sweep. The floor keeps pieces big
 * enough that a graph's fixed costs stay small.
 */
export function pieceSize(remaining: number, shardSize: number, threads: number): number {
  const floor = Math.max(1, Math.ceil(shardSize / 4));
  return Math.min(remaining, shardSize, Math.max(floor, Math.ceil(remaining / (2 * threads))));
}
