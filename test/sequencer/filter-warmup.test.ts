import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { warmupBars } from '../../src/sequencer/data-range.ts';

const CONFIG = 'test/fixtures/configs/spy-small.yaml';

describe('warmup: auto with a filter reading earlier bars', () => {
  it("adds the filter's lags and windows to its features' warm-up", async () => {
    const plain = warmupBars(await loadWorkflow(CONFIG), 'auto');
    expect(plain).toBe(40); // twice SMA(20)'s warm-up
    const lagged = await loadWorkflow(CONFIG, { sets: ['strategies[0].filter=close > prev(close, 50)'] });
    expect(warmupBars(lagged, 'auto')).toBe(100);
    // prev(sma(30), 10): 10 bars before SMA(30) has a value.
    const nested = await loadWorkflow(CONFIG, { sets: ['strategies[0].filter=sma(30) > prev(sma(30), 10)'] });
    expect(warmupBars(nested, 'auto')).toBe(2 * (30 + 10));
  });
});
