import { expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

async function explain(file: string): Promise<string> {
  let out = '';
  const code = await main(['node', 'sluice', 'explain', file, '--format', 'text'], {
    out: (t) => (out += `${t}\n`),
    err: (t) => (out += `${t}\n`),
  });
  expect(code, out).toBe(0);
  return out;
}

it('explain on a workflow shows its phases, their sequences and windows, then the graph', async () => {
  const out = await explain('examples/spy-optimize.yaml');
  expect(out).toContain('workflow optimize_validate');
  expect(out).toContain('  optimize — ');
  expect(out).toContain('    sequence: { type: parameter_sweep, window: { to: 0.7 } }');
  expect(out).toContain('    sequence: { type: single_pass, window: { from: 0.7 } }');
  expect(out).toContain('    depends on: optimize');
  expect(out).toContain('containers (topological order):');
  expect(out).toContain('    window: 2024-03-26T13:30 → 2024-12-17T14:45 (rows 0 to 14537 of 20769)');
  const wf = await explain('examples/spy-walk-forward.yaml');
  expect(wf).toContain('sequence: { type: walk_forward, mode: rolling, train: 3000, test: 1000 }');
  // The windows the run will use (the README shows the first test range of the run).
  expect(wf).toContain('18 walk-forward windows (rolling):');
  expect(wf).toContain(
    '0  train 2024-03-26T13:30 → 2024-05-17T19:55 (3000 bars)  test 2024-05-17T19:55 → 2024-06-06T17:40 (1000 bars)',
  );
});

it('explain on a single config with a walk-forward sequence lists its windows', async () => {
  let out = '';
  const code = await main(
    [
      'node',
      'sluice',
      'explain',
      'examples/spy-sma-crossover.yaml',
      '--format',
      'text',
      '--set',
      'sequence={type: walk_forward, train: 6000, test: 3000}',
    ],
    { out: (t) => (out += `${t}\n`), err: (t) => (out += `${t}\n`) },
  );
  expect(code, out).toBe(0);
  expect(out).toContain('5 walk-forward windows (rolling):');
  expect(out).toContain('(2769 bars)  (partial)');
});
