import { expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

async function explain(file: string): Promise<string> {
  let out = '';
  const code = await main(['node', 'sluice', 'explain', file, '--format', 'text'], { out: (t) => (out += `${t}\n`), err: (t) => (out += `${t}\n`) });
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
  expect(await explain('examples/spy-walk-forward.yaml')).toContain('sequence: { type: walk_forward, mode: rolling, train: 3000, test: 1000 }');
});
