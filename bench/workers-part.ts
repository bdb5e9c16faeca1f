/**
 * One process's part of bench/workers.ts's machine ceiling: loads the bench's sweep (the
 * same config and `--set`s, passed as JSON), waits for the wall-clock instant it was given
 * (so that the parts start together, each already loaded), computes its share of the
 * combinations in pieces of the bench's shard size, and prints its wall and CPU seconds
 * as one JSON line.
 *
 *   tsx bench/workers-part.ts '{"config":…,"sets":[…],"part":0,"parts":2,"shard":250,"at":…}'
 */
import { loadWorkflow } from '../src/load/load-workflow.ts';
import { runLoadedShard } from '../src/sequencer/run-shard.ts';

interface Part {
  readonly config: string;
  readonly sets: readonly string[];
  readonly part: number;
  readonly parts: number;
  readonly shard: number;
  /** Date.now() at which to start computing. */
  readonly at: number;
}
const job = JSON.parse(process.argv[2] ?? '') as Part;
const loaded = await loadWorkflow(job.config, { sets: [...job.sets] });
const keys = loaded.wf.strategies.map((s) => s.key);
const size = Math.ceil(keys.length / job.parts);
const mine = keys.slice(job.part * size, (job.part + 1) * size);
while (Date.now() < job.at) await new Promise((resolve) => setTimeout(resolve, 2));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < mine.length; i += job.shard) {
  const out = await runLoadedShard(loaded, {
    keys: mine.slice(i, i + job.shard),
    start: null,
    end: null,
    tradeFrom: null,
  });
  if (out.status !== 'completed') throw new Error(`part ${job.part}: ${out.error}`);
}
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    combinations: mine.length,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  }),
);
