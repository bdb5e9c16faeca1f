// `npm test` runs this with Node's own test runner, next to `sluice marbles`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath, URL } from 'node:url';
import { loadWorkflow, runWorkflow } from 'sluice';
import { marbleTest } from 'sluice/testing';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

test('my_strategy behaves as its marble spec says', async () => {
  await marbleTest(here('../marbles/my-strategy.yaml'));
});

test('the config backtests my_strategy with trades', async () => {
  const loaded = await loadWorkflow(here('../config.yaml'));
  const result = await runWorkflow(loaded, { inMemory: true });
  assert.equal(result.status, 'completed');
  const mine = result.ranking.find((r) => r.key === 'my_strategy');
  assert.ok(mine, 'my_strategy is ranked');
  assert.ok(mine.metrics.trade_count > 0, 'my_strategy traded');
});
