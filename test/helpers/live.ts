import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import type { BarSource } from '../../src/data/bar-source.ts';
import { openBarSource } from '../../src/data/open-source.ts';
import { loadLiveWorkflow } from '../../src/live/load-live.ts';
import { runLive, type LiveOutcome, type RunLiveOptions, type SignalMessage } from '../../src/live/run-live.ts';
import { startReplayServer, type ReplayServer, type ReplayServerOptions } from '../../src/live/replay-server.ts';
import type { MessageSink } from '../../src/sinks/sinks.ts';
import { runPhase } from '../../src/sequencer/run-phase.ts';
import { until } from './cli.ts';

export const SPY_CSV = fileURLToPath(new URL('../../examples/data/SPY_5m.csv', import.meta.url));
export const LIVE_CONFIG = fileURLToPath(new URL('../fixtures/configs/live/spy-live.yaml', import.meta.url));
/** Bars in SPY_5m.csv. */
export const SPY_BARS = 20_769;

export const silent = pino({ level: 'silent' });

/** The CSV's first `n` bars in a temporary file, and the timestamp (ISO) of bar `n`, the first one left out. */
export function splitSpy(n: number): { history: string; liveStart: string; dir: string } {
  const lines = readFileSync(SPY_CSV, 'utf8').trim().split('\n');
  const dir = mkdtempSync(join(tmpdir(), 'sluice-live-'));
  const history = join(dir, 'history.csv');
  writeFileSync(history, `${lines.slice(0, n + 1).join('\n')}\n`);
  const first = lines[n + 1]!.split(',')[0]!;
  return { history, liveStart: new Date(Date.parse(first.replace(' ', 'T'))).toISOString(), dir };
}

/** SPY bars from `start` (ISO, inclusive) on, or all. */
export function spySource(start?: string): BarSource {
  return openBarSource(
    { path: SPY_CSV, symbol: 'SPY', ...(start !== undefined ? { start: Date.parse(start) } : {}) },
    process.cwd(),
  );
}

/** The warm-up source of a live run: the bars of `history` (splitSpy's file). */
export function spyHistory(history: string): BarSource {
  return openBarSource({ path: history, symbol: 'SPY' }, process.cwd());
}

/**
 * A replay feed serving SPY bars from `start` (ISO, splitSpy's `liveStart`) on, over a
 * WebSocket on a free port, as fast as the client takes them; `options` adds or overrides.
 */
export function spyFeed(start: string, options: Partial<ReplayServerOptions> = {}): Promise<ReplayServer> {
  return startReplayServer({
    source: spySource(start),
    listen: 'ws://127.0.0.1:0',
    speed: 'max',
    logger: silent,
    ...options,
  });
}

/**
 * The signals of the config's signal_generation run over the whole SPY series (the
 * historical run, storage memory), in the live message shape.
 */
export async function referenceSignals(config: string): Promise<SignalMessage[]> {
  const loaded = await loadWorkflow(config, { sets: ['results.storage=memory'] });
  const outcome = await runPhase({ ...loaded, source: spySource(), phaseDir: null, logger: silent });
  if (outcome.status !== 'completed' || outcome.signals === undefined)
    throw new Error(`reference run ${outcome.status}`);
  return outcome.signals.map((r) => ({
    type: 'signal',
    seq: r.seq,
    ts: typeof r.ts === 'number' ? new Date(r.ts).toISOString() : String(r.ts),
    symbol: r.symbol,
    strategy_id: r.strategy_id,
    direction: r.direction,
    strength: r.strength,
    price: r.price,
  }));
}

/** A sink that keeps every message in memory. */
export class MemorySink implements MessageSink {
  readonly description = 'memory';
  readonly needsDrain = false;
  readonly messages: Record<string, unknown>[] = [];
  closed = false;
  open(): Promise<void> {
    return Promise.resolve();
  }
  send(json: string): void {
    this.messages.push(JSON.parse(json) as Record<string, unknown>);
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  close(final?: string): Promise<void> {
    if (final !== undefined) this.send(final);
    this.closed = true;
    return Promise.resolve();
  }
  of(type: string): Record<string, unknown>[] {
    return this.messages.filter((m) => m['type'] === type);
  }
}

/** TCP handles still open in this process (servers, sockets): none should outlive a test. */
export function openTcpHandles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP'));
}

/** What {@link runLiveUntilSignals} runs and when it stops. */
interface LiveRunToEnd {
  readonly live: NonNullable<RunLiveOptions['live']>;
  readonly env?: RunLiveOptions['env'];
  /** The warm-up bars (splitSpy's `history`). */
  readonly history: string;
  /** True once the test server has sent everything; `what` names it in a timeout. */
  readonly sentAll: () => boolean;
  readonly what: string;
  /** Signals the run should give: it is stopped once that many arrived. */
  readonly signals: number;
}

/**
 * Runs LIVE_CONFIG live against a test server until the server has sent everything and
 * the expected signals arrived, then 300 ms more (a signal too many would show), and
 * stops it. Reconnect jitter is fixed (random 0.5), so reconnect delays repeat.
 */
export async function runLiveUntilSignals(opts: LiveRunToEnd): Promise<{ outcome: LiveOutcome; memory: MemorySink }> {
  const memory = new MemorySink();
  const abort = new AbortController();
  const run = runLive({
    loaded: await loadLiveWorkflow(LIVE_CONFIG),
    live: opts.live,
    ...(opts.env !== undefined ? { env: opts.env } : {}),
    warmup: spyHistory(opts.history),
    sinks: [memory],
    logger: silent,
    signal: abort.signal,
    random: () => 0.5,
  });
  await until(opts.what, opts.sentAll, 60_000);
  await until('the last signal', () => memory.of('signal').length >= opts.signals, 60_000);
  await new Promise((r) => setTimeout(r, 300));
  abort.abort();
  return { outcome: await run, memory };
}
