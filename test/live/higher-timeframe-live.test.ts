import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadLiveWorkflow } from '../../src/live/load-live.ts';
import { runLive } from '../../src/live/run-live.ts';
import { MemorySink, referenceSignals, silent, splitSpy, SPY_BARS, spyFeed, spyHistory } from '../helpers/live.ts';

const CONFIG = fileURLToPath(new URL('../fixtures/configs/live/spy-live-higher-tf.yaml', import.meta.url));
const HISTORY = 15_000;

describe('higher-timeframe features live, one bar at a time', () => {
  it('after a warm-up from history, emit exactly the signals of the historical run', async () => {
    const reference = await referenceSignals(CONFIG);
    const { history, liveStart } = splitSpy(HISTORY);
    const loaded = await loadLiveWorkflow(CONFIG);
    const feed = await spyFeed(liveStart);
    const memory = new MemorySink();
    const outcome = await runLive({
      loaded,
      feedUrl: feed.url,
      warmup: spyHistory(history),
      sinks: [memory],
      logger: silent,
    });
    await feed.done;
    expect(outcome).toMatchObject({ status: 'completed', warmupBars: HISTORY, liveBars: SPY_BARS - HISTORY });
    const expected = reference.filter((s) => s.seq >= HISTORY);
    expect(new Set(expected.map((s) => s.strategy_id)).size).toBe(2);
    expect(expected.length).toBeGreaterThan(50);
    expect(memory.of('signal')).toEqual(expected);
  }, 60_000);
});
