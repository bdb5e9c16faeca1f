/**
 * Tracing overhead: the full SMA-crossover backtest graph over ≈ 1,000,000 bars, run with
 * trace level none, standard and debug, each measurement in a fresh process (after a
 * warm-up run there), levels alternating round by round; reported as throughput ratios
 * against `none`.
 *
 *   npm run bench:tracing                      # 49 × SPY 5m ≈ 1.02 M bars, 5 rounds
 *   npm run bench:tracing -- --times 20 --rounds 3 --json tracing.json
 *   npm run bench:tracing -- --levels minimal,detailed   # none is always included
 *
 * `none` builds no tracer and sets no route tap, so it is the engine's plain speed (compare
 * it with `npm run bench`). Traced runs record into the default retention (a sliding window
 * of 100,000 records) and, at the end, turn the retained records into their written form
 * in an in-memory sink, so the bench measures recording, retention and serialisation but
 * not the disk. All three runs must agree on the trade count and final equity: tracing
 * observes, it never changes a result.
 */
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadWorkflow } from '../src/load/load-workflow.ts';
import { runPhase } from '../src/sequencer/run-phase.ts';
import { repeatSource } from '../src/data/repeat-source.ts';
import { MemoryTraceSink } from '../src/tracing/sinks.ts';
import type { TraceLevel } from '../src/config/schema/trading.ts';
import { loadSpyColumns } from './spy-columns.ts';

const { values: args } = parseArgs({
  options: {
    times: { type: 'string', default: '49' },
    rounds: { type: 'string', default: '5' },
    json: { type: 'string' },
    levels: { type: 'string', default: 'none,standard,debug' },
    child: { type: 'string' },
  },
});
const times = Number(args.times);
const rounds = Number(args.rounds);
const CONFIG = 'examples/spy-sma-crossover.yaml';
const LEVELS = args.levels.split(',') as TraceLevel[];
if (!LEVELS.includes('none')) LEVELS.unshift('none');

interface Outcome {
  bars: number;
  seconds: number;
  trades: number;
  finalEquity: number;
  records: number;
  recorded: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Child mode: one warm-up run and one measured run at `level`, printed as JSON. */
async function child(level: TraceLevel): Promise<void> {
  const base = await loadSpyColumns();
  const silent = pino({ level: 'silent' });
  const loaded = await loadWorkflow(CONFIG, { sets: [`execution.trace_settings.level=${level}`] });
  const run = async (): Promise<Outcome> => {
    const source = repeatSource(base, times, { symbol: 'SPY' });
    const sink = new MemoryTraceSink();
    const t0 = process.hrtime.bigint();
    const out = await runPhase({
      wf: loaded.wf,
      plan: loaded.plan,
      source,
      phaseDir: null,
      logger: silent,
      traceSink: sink,
    });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (out.status !== 'completed') throw new Error(`${level} run ${out.status}: ${String(out.failure?.error)}`);
    const m = out.books[0]!.metrics;
    return {
      bars: out.bars,
      seconds,
      trades: m.trade_count,
      finalEquity: m.final_equity,
      records: sink.records.length,
      recorded: sink.header?.counts.recorded ?? 0,
    };
  };
  await run();
  process.stdout.write(`${JSON.stringify(await run())}\n`);
}

if (args.child !== undefined) {
  await child(args.child as TraceLevel);
  process.exit(0);
}

// Each measurement runs in a fresh process: a process that ran a traced level has seen
// the tap paths and the tracer's objects, and its JIT state and heap would slow a later
// untraced run there — a cost no real run pays, since a run has one level. Levels
// alternate within each round so drift in the machine's load hits all alike.
const self = fileURLToPath(import.meta.url);
const measure = (level: TraceLevel): Outcome => {
  const out = execFileSync(process.execPath, [...process.execArgv, self, '--child', level, '--times', String(times)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Outcome;
};
const results = new Map<string, Outcome[]>(LEVELS.map((l) => [l, []]));
for (let r = 0; r < rounds; r++) for (const level of LEVELS) results.get(level)!.push(measure(level));

const first = (l: string) => results.get(l)![0]!;
const rate = (l: string) => first(l).bars / median(results.get(l)!.map((o) => o.seconds));
const none = first('none');
const agree = LEVELS.every((l) => first(l).trades === none.trades && first(l).finalEquity === none.finalEquity);
const result = {
  bench: 'tracing-overhead',
  node: process.version,
  bars: none.bars,
  rounds,
  levels: Object.fromEntries(
    LEVELS.map((l) => [
      l,
      {
        bars_per_second: Math.round(rate(l)),
        throughput_vs_none: Number((rate(l) / rate('none')).toFixed(3)),
        records_made: first(l).recorded,
        records_written: first(l).records,
      },
    ]),
  ),
  results_agree: agree,
};
console.log(
  [
    `tracing-overhead (${process.version}), ${none.bars.toLocaleString('en-US')} bars, median of ${rounds}`,
    ...LEVELS.map((l) => {
      const x = result.levels[l]!;
      return `  ${l.padEnd(9)} ${x.bars_per_second.toLocaleString('en-US').padStart(12)} bars/s   ${x.throughput_vs_none.toFixed(3)}× none   ${x.records_made.toLocaleString('en-US')} records made, ${x.records_written.toLocaleString('en-US')} kept`;
    }),
    `  agreement  trades and final equity ${agree ? 'identical at every level' : 'DIFFERENT'}`,
  ].join('\n'),
);
if (args.json !== undefined) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
if (!agree) {
  console.error('tracing changed the results: the comparison is void');
  process.exitCode = 1;
}
