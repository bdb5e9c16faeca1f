import type { Command } from 'commander';
import type { CausalChain, TraceIndex } from '../tracing/causal-chain.ts';
import type { Trace } from '../tracing/read-trace.ts';
import { TraceError } from '../tracing/trace-error.ts';

/** Where the command prints. */
interface TraceIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Options of `sluice trace`. */
export interface TraceCommandOptions {
  readonly order?: string;
  readonly fill?: string;
  readonly phase?: string;
  readonly json?: boolean;
}

/**
 * Registers `sluice trace <results> [--order <id> | --fill <bar_seq>]` on `program`.
 * `setCode` receives the exit code (1 for a trace problem the user can fix).
 */
export function registerTraceCommand(program: Command, io: TraceIo, setCode: (code: number) => void): void {
  program
    .command('trace')
    .description("explain an order from a run's event trace: bar → features → signal → risk decision → fill")
    .argument('<results>', 'results/<workflow_id> folder, a phase folder, or a trace.ndjson file')
    .option('--order <id>', 'the order to explain (order ids as in the trace)')
    .option('--fill <bar_seq>', "explain the fill(s) on this bar; a trade's bar_seq in trades.ndjson")
    .option('--phase <name>', 'the phase, when several have a trace')
    .option('--json', "print the chain's records as NDJSON")
    .action(async (where: string, o: TraceCommandOptions) => {
      try {
        io.out(await traceCommand(where, o));
      } catch (err) {
        if (!(err instanceof TraceError)) throw err;
        io.err(err.message);
        setCode(1);
      }
    });
}

/**
 * The body of `sluice trace`: the causal chain of an order (`--order`) or of the fills on
 * a bar (`--fill`), or, with neither, a summary of the trace.
 *
 * @throws TraceError for a missing trace, an id that is not a number, or an order or
 *   fill the trace does not hold.
 */
export async function traceCommand(where: string, o: TraceCommandOptions): Promise<string> {
  if (o.order !== undefined && o.fill !== undefined) throw new TraceError('give --order or --fill, not both');
  // Imported when the command runs, not when the CLI starts.
  const [{ fillChains, formatChain, orderChain, TraceIndex }, { findTraceFile, readTrace }, { toJsonLine }] =
    await Promise.all([
      import('../tracing/causal-chain.ts'),
      import('../tracing/read-trace.ts'),
      import('../files/stable-json.ts'),
    ]);
  const trace = await readTrace(findTraceFile(where, o.phase));
  const index = new TraceIndex(trace);
  let chains: CausalChain[];
  if (o.order !== undefined) {
    const id = parseId(o.order, '--order');
    const chain = orderChain(index, id);
    if (chain === undefined) throw new TraceError(`${trace.path}: order ${id} is not in the trace${hint(index)}`);
    chains = [chain];
  } else if (o.fill !== undefined) {
    const seq = parseId(o.fill, '--fill');
    chains = fillChains(index, seq);
    if (chains.length === 0) throw new TraceError(`${trace.path}: no fill on bar ${seq} in the trace${hint(index)}`);
  } else {
    return summary(trace, index);
  }
  if (o.json === true)
    return chains
      .flatMap(chainRecords)
      .map((r) => toJsonLine(r).trimEnd())
      .join('\n');
  return chains.map((c) => formatChain(c, trace.header)).join('\n\n');
}

function parseId(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new TraceError(`${flag}: expected a non-negative integer, received '${text}'`);
  return n;
}

function hint(index: TraceIndex): string {
  const ids = index.orderIds();
  if (ids.length === 0) return ' (it holds no orders: trace level minimal or higher records them)';
  return ` (orders in the trace: ${ids.length <= 10 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} … ${ids.slice(-5).join(', ')}`})`;
}

function chainRecords(c: CausalChain): NonNullable<CausalChain['bar']>[] {
  return [c.bar, c.features, c.signal, c.order, c.approved, c.reject, c.fill, c.trade].filter((r) => r !== undefined);
}

function summary(trace: Trace, index: TraceIndex): string {
  const h = trace.header;
  const byType = new Map<string, number>();
  for (const r of trace.records) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  const lines = [`${trace.path}`];
  if (h !== undefined) {
    lines.push(
      `trace ${h.trace_id}, phase ${h.phase}: level ${h.level}, retention ${h.retention}, max_events ${h.max_events}, sample_every ${h.sample_every}`,
    );
    lines.push(
      `records: ${h.counts.recorded} made, ${h.counts.dropped} dropped by retention, ${h.counts.written} written`,
    );
  }
  lines.push(`by type: ${[...byType].map(([t, n]) => `${t} ${n}`).join(', ') || 'none'}`);
  const ids = index.orderIds();
  if (ids.length > 0)
    lines.push(`orders: ${ids.length} (ids ${ids[0]}…${ids[ids.length - 1]}); explain one with --order <id>`);
  return lines.join('\n');
}
