import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { runPhase, type LifecycleAction } from '../../src/sequencer/run-phase.ts';
import { openBarSource } from '../../src/data/open-source.ts';
import type { BarSource } from '../../src/data/bar-source.ts';
import type { StrategyDefinition } from '../../src/domain/strategies/strategy.ts';
import { FLAT, LONG } from '../../src/domain/strategies/decision.ts';
import { silent } from '../helpers/run.ts';

const CONFIG = 'test/fixtures/configs/spy-small.yaml';

/** A strategy that alternates long/flat every 50 bars and throws at bar `at`. */
const explodeAt: StrategyDefinition<{ at: number }> = {
  name: 'explode_at',
  description: 'test strategy: trades, then throws at a given bar',
  params: z.object({ at: z.number().int() }).strict(),
  features: () => [{ indicator: 'sma', params: { period: 2 } }],
  create:
    ({ at }) =>
    (_features, bar) => {
      if (bar.index === at) throw new Error(`boom at bar ${at}`);
      return Math.floor(bar.index / 50) % 2 === 0 ? LONG : FLAT;
    },
};
const extra = new Map<string, StrategyDefinition>([['explode_at', explodeAt as unknown as StrategyDefinition]]);

async function run(sets: string[] = []) {
  const loaded = await loadWorkflow(CONFIG, { sets, strategies: extra });
  const s = loaded.wf.sources[0]!;
  const log: [LifecycleAction, string][] = [];
  const outcome = await runPhase({
    ...loaded,
    source: openBarSource({ path: s.path, symbol: s.symbol, chunkSize: 1000 }, loaded.wf.baseDir),
    phaseDir: null,
    logger: silent,
    onLifecycle: (action, id) => log.push([action, id]),
  });
  return { loaded, outcome, log };
}

const ids = (log: [LifecycleAction, string][], action: LifecycleAction) =>
  log.filter(([a]) => a === action).map(([, id]) => id);

describe('sequencer lifecycle', () => {
  it('subscribes every consumer before any of its producers (reverse topological order)', async () => {
    const { loaded, log } = await run();
    const order = ids(log, 'subscribe');
    expect(order).toEqual([
      'execution',
      'risk',
      'portfolio_sma_crossover',
      'strategy_sma_crossover',
      'features',
      'data',
    ]);
    for (const route of loaded.plan.routes) {
      if (route.kind === 'feedback') continue;
      for (const from of route.from) {
        for (const to of route.targets)
          expect(order.indexOf(to.id), `${to.id} before ${from}`).toBeLessThan(order.indexOf(from));
      }
    }
  });

  it('runs the steps in order and tears down in reverse: stop and unsubscribe producers first, cleanup consumers first', async () => {
    const { log } = await run();
    const steps = log.map(([a]) => a);
    const last = (a: LifecycleAction) => steps.lastIndexOf(a);
    const first = (a: LifecycleAction) => steps.indexOf(a);
    expect(last('initialize')).toBeLessThan(first('subscribe'));
    expect(last('start')).toBeLessThan(first('finish'));
    expect(last('finish')).toBeLessThan(first('stop'));
    expect(last('stop')).toBeLessThan(first('unsubscribe'));
    expect(last('unsubscribe')).toBeLessThan(first('cleanup'));
    const topo = ['data', 'features', 'strategy_sma_crossover', 'portfolio_sma_crossover', 'risk', 'execution'];
    expect(ids(log, 'finish')).toEqual(topo);
    expect(ids(log, 'stop')).toEqual(topo);
    expect(ids(log, 'unsubscribe')).toEqual(topo);
    expect(ids(log, 'cleanup')).toEqual([...topo].reverse());
  });

  it('completes with every bar read and every container folded', async () => {
    const { outcome } = await run();
    expect(outcome.status).toBe('completed');
    expect(outcome.bars).toBe(20769);
    expect(outcome.books).toHaveLength(1);
    expect(outcome.books[0]!.metrics.trade_count).toBeGreaterThan(100);
  });

  it('a container that throws mid-run: the run halts, cleanup still runs in full, partial results are kept', async () => {
    const { outcome, log } = await run(['strategies[0].type=explode_at', 'strategies[0].params={at: 5000}']);
    expect(outcome.status).toBe('failed');
    expect(outcome.failure?.step).toBe('execute');
    expect(outcome.failure?.container).toBe('strategy_explode_at');
    expect((outcome.failure?.error as Error).message).toBe('boom at bar 5000');
    // The data container stopped at the failing bar instead of reading the rest of the file.
    expect(outcome.bars).toBe(5001);
    // No finish step after a failure (no end-of-data orders on a broken graph) ...
    expect(ids(log, 'finish')).toEqual([]);
    // ... but stop, unsubscribe and cleanup reach every container.
    expect(ids(log, 'cleanup')).toHaveLength(6);
    expect(ids(log, 'unsubscribe')).toHaveLength(6);
    // Partial results: the book traded up to the failure and was folded.
    const book = outcome.books[0]!;
    expect(book.metrics.bars).toBeGreaterThan(4900);
    expect(book.metrics.trade_count).toBeGreaterThan(40);
  });

  it('leaves nothing open after a failed run: no handles, no timers', async () => {
    const before = new Set(process.getActiveResourcesInfo());
    const { outcome } = await run(['strategies[0].type=explode_at', 'strategies[0].params={at: 3000}']);
    expect(outcome.status).toBe('failed');
    await new Promise((r) => setImmediate(r));
    const after = process.getActiveResourcesInfo().filter((r) => !before.has(r));
    expect(after).toEqual([]);
  });

  it('cancels on abort after the current chunk, keeping the results so far', async () => {
    const loaded = await loadWorkflow(CONFIG);
    const s = loaded.wf.sources[0]!;
    const abort = new AbortController();
    const file = openBarSource({ path: s.path, symbol: s.symbol, chunkSize: 1000 }, loaded.wf.baseDir);
    // A source that asks for cancellation (as Ctrl-C would) once it has handed out 3 chunks.
    const source: BarSource = {
      description: file.description,
      symbols: file.symbols,
      stats: () => file.stats(),
      close: () => file.close(),
      async *chunks() {
        let n = 0;
        for await (const chunk of file.chunks()) {
          if (++n === 4) abort.abort();
          yield chunk;
        }
      },
    };
    const outcome = await runPhase({ ...loaded, source, phaseDir: null, logger: silent, signal: abort.signal });
    expect(outcome.status).toBe('cancelled');
    expect(outcome.failure).toBeUndefined();
    expect(outcome.bars).toBe(3000);
    expect(outcome.books[0]!.metrics.bars).toBeGreaterThan(2990);
  });
});
