/**
 * Sweep throughput (issue #7): a 1,000-combination SMA-crossover sweep over SPY 5m
 * (20,769 bars) run as a `parameter_sweep` — combinations in shards that share one data
 * pass and one feature hub — side by side with the same combinations each run as its own
 * graph (shard size 1, a sample of them, extrapolated).
 *
 *   npm run bench:sweep                      # 1,000 combinations, 40 solo samples
 *   npm run bench:sweep -- --solo 100 --shard 500
 *
 * Grid: fast_period 2..41 × slow_period 50..290 step 10 = 1,000 combinations under the
 * constraint slow_period > fast_period (which holds for all of them). Reports
 * combinations × bars per second and the speed-up of the shared hub. Target: the sweep
 * completes in under 20 s on this 2-core machine. Nothing is written to disk and the
 * resume store is off, so every combination is computed.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadWorkflow } from '../src/load/load-workflow.ts';
import { resolveSequence } from '../src/sequencer/resolve-sequence.ts';
import { sweepCombinations, windowed } from '../src/sequencer/passes.ts';
import { loadYamlFile } from '../src/config/yaml-source.ts';

const { values: args } = parseArgs({
  options: {
    solo: { type: 'string', default: '40' },
    shard: { type: 'string', default: '250' },
  },
});
const logger = pino({ level: 'silent' });
const config = 'examples/spy-sma-crossover.yaml';
const sets = [
  'strategies[0].params.fast_period=range(2, 42, 1)',
  'strategies[0].params.slow_period=range(50, 300, 10)',
  "strategies[0].constraint='slow_period > fast_period'",
  'portfolio.sizing={type: fixed, quantity: 100}',
];

const loaded = await loadWorkflow(config, { sets });
const source = await loadYamlFile(config);
const combos = loaded.wf.strategies.length;

async function sweep(strategies: typeof loaded.wf.strategies, shard: number): Promise<{ seconds: number; bars: number }> {
  const sequence = await resolveSequence(source, ['sequence'], { type: 'parameter_sweep', shard_size: shard, resume: false }, []);
  const { wf } = await windowed(loaded, sequence);
  const req = { phase: 'bench', loaded, sequence, phaseDir: null, logger, storeDir: null };
  const t0 = performance.now();
  const out = await sweepCombinations(req, { ...wf, strategies }, { shard_size: shard, resume: false });
  const seconds = (performance.now() - t0) / 1000;
  if (out.status !== 'completed' || out.books.length !== strategies.length) throw new Error(`sweep ${out.status}: ${out.failure}`);
  return { seconds, bars: Number(out.books[0]!.metrics['bars']) };
}

const shard = Number(args.shard);
const shared = await sweep(loaded.wf.strategies, shard);
// Every k-th combination, so the sample spans fast and slow periods alike.
const n = Math.min(Number(args.solo), combos);
const sample = loaded.wf.strategies.filter((_, i) => i % Math.floor(combos / n) === 0).slice(0, n);
const solo = await sweep(sample, 1);
const soloAll = (solo.seconds / sample.length) * combos;

const fmt = (x: number, d = 1) => x.toFixed(d);
const rows = [
  ['combinations', String(combos)],
  ['bars per combination', String(shared.bars)],
  [`shared graphs (shard ${shard})`, `${fmt(shared.seconds, 2)} s, ${fmt((combos * shared.bars) / shared.seconds / 1e6, 2)} M combination-bars/s`],
  [`one graph each (${sample.length} sampled)`, `${fmt(solo.seconds, 2)} s → ${fmt(soloAll, 1)} s for all, ${fmt((sample.length * solo.bars) / solo.seconds / 1e6, 2)} M combination-bars/s`],
  ['speed-up of the shared hub', `${fmt(soloAll / shared.seconds, 2)}×`],
  ['target (< 20 s)', shared.seconds < 20 ? 'met' : 'MISSED'],
];
const w = Math.max(...rows.map((r) => r[0]!.length));
for (const [k, v] of rows) console.log(`${k!.padEnd(w)}  ${v}`);
