/**
 * Distributed sweep throughput (issue #8): the same SMA-crossover sweep over SPY 5m run
 * locally (one thread) and through a BullMQ queue with 1, 2 and 4 `sluice worker`
 * processes on this machine, plus the queue's cost per job (many jobs of almost no work).
 * It starts its own redis-server on a free port and stops it.
 *
 *   npm run bench:queue
 *   npm run bench:queue -- --combos 400 --workers 1,2,4 --jobs 60
 *
 * Workers are started and warmed up (one small sweep) before timing, as long-lived
 * workers would be: the first job of a worker thread pays seconds of TypeScript loading.
 * On a 2-core machine more than 2 workers only shows the overhead of sharing the cores.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadWorkflow } from '../src/load/load-workflow.ts';
import { loadYamlFile } from '../src/config/yaml-source.ts';
import { resolveSequence } from '../src/sequencer/resolve-sequence.ts';
import { sweepCombinations, windowed } from '../src/sequencer/passes.ts';
import type { ShardRunner } from '../src/sequencer/shard-pool.ts';
import { checkReachable, parseQueueUrl } from '../src/distributed/queue-connection.ts';
import { queueRunner } from '../src/distributed/queue-runner.ts';
import { startRedis } from '../test/queue/redis-server.ts';

const { values: args } = parseArgs({
  options: {
    combos: { type: 'string', default: '400' },
    workers: { type: 'string', default: '1,2,4' },
    jobs: { type: 'string', default: '60' },
  },
});
const logger = pino({ level: 'silent' });
const config = 'examples/spy-sma-crossover.yaml';
const combos = Number(args.combos);
const fastCount = Math.ceil(combos / 25);
const grid = (extra: string[]): string[] => [
  `strategies[0].params.fast_period=range(2, ${2 + fastCount}, 1)`,
  'strategies[0].params.slow_period=range(50, 300, 10)',
  'portfolio.sizing={type: fixed, quantity: 100}',
  ...extra,
];

async function sweep(
  sets: string[],
  pool: ShardRunner | undefined,
  limit?: number,
): Promise<{ seconds: number; n: number }> {
  const loaded = await loadWorkflow(config, { sets });
  const sequence = await resolveSequence(
    await loadYamlFile(config),
    ['sequence'],
    { type: 'parameter_sweep', shard_size: 250, resume: false },
    [],
  );
  const { wf } = await windowed(loaded, sequence);
  const strategies = limit === undefined ? wf.strategies : wf.strategies.slice(0, limit);
  const req = { phase: 'bench', loaded, sequence, phaseDir: null, logger, storeDir: null, workers: pool };
  const t0 = performance.now();
  const out = await sweepCombinations(req, { ...wf, strategies }, { shard_size: 250, resume: false });
  const seconds = (performance.now() - t0) / 1000;
  if (out.status !== 'completed' || out.books.length !== strategies.length)
    throw new Error(`sweep ${out.status}: ${out.failure}`);
  return { seconds, n: strategies.length };
}

function startWorkers(url: string, n: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ChildProcess>((resolve, reject) => {
          const p = spawn('node', ['bin/sluice.js', 'worker', '--queue', url], {
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          p.stdout!.on('data', (chunk: Buffer) => {
            if (chunk.toString().includes('worker ready')) resolve(p);
          });
          p.once('exit', (code) => reject(new Error(`worker exited with ${String(code)}`)));
        }),
    ),
  );
}

async function stopWorkers(ps: ChildProcess[]): Promise<void> {
  await Promise.all(
    ps.map((p) => new Promise<void>((resolve) => (p.once('exit', () => resolve()), p.kill('SIGTERM')))),
  );
}

const redis = await startRedis();
try {
  const target = parseQueueUrl(redis.url);
  await checkReachable(target);
  const local = await sweep(grid([]), undefined);
  const bars = 20_769;
  console.log(`sweep: ${local.n} combinations × ${bars} bars`);
  console.log(
    `local, one thread: ${local.seconds.toFixed(1)} s (${((local.n * bars) / local.seconds / 1e6).toFixed(2)} M combination-bars/s)`,
  );
  for (const w of String(args.workers).split(',').map(Number)) {
    const procs = await startWorkers(redis.url, w);
    const runner = await queueRunner({ target, logger, tty: false, pollMs: 500 });
    try {
      // Warm every worker thread (each loads the engine once).
      await sweep(grid(['data.end=2024-04-05']), { ...runner, runAll: runner.runAll! }, w * 2);
      const q = await sweep(grid([]), runner);
      console.log(
        `queue, ${w} worker process${w === 1 ? '' : 'es'}: ${q.seconds.toFixed(1)} s (${(local.seconds / q.seconds).toFixed(2)}× local)`,
      );
      if (w === 1) {
        // Many jobs of almost no work (one combination over ~400 bars each): time per job.
        const jobs = Number(args.jobs);
        const tiny = await queueRunner({ target, logger, tty: false, pollMs: 500, chunkSize: 1 });
        const small = await sweep(grid(['data.end=2024-04-01']), tiny, jobs);
        const alone = await sweep(grid(['data.end=2024-04-01']), undefined, jobs);
        await tiny.close();
        console.log(
          `queue cost per job (1 worker, ${jobs} one-combination jobs on ~400 bars): ${(((small.seconds - alone.seconds) / jobs) * 1000).toFixed(1)} ms (${small.seconds.toFixed(2)} s queued vs ${alone.seconds.toFixed(2)} s local)`,
        );
      }
    } finally {
      await runner.close();
      await stopWorkers(procs);
    }
  }
} finally {
  await redis.stop();
}
