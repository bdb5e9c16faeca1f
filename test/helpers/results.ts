import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The results folder a run printed: `results: X` on stdout, or `partial results: X (…)` on stderr after a failure. */
export function resultsDir(stdout: string): string {
  const m = /^(?:partial )?results: (.+?)(?: \(marked "status": "\w+"\))?$/m.exec(stdout);
  if (m === null) throw new Error(`no results line in:\n${stdout}`);
  return m[1]!;
}

/** Every file of a results folder but workflow.json (run id, timestamps, durations), by relative path. */
export function resultFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== 'workflow.json') out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** A workflow.json that matches its schema (src/results/schema/workflow-manifest.ts), for hand-made results folders. */
export function manifestJson(phases: readonly { name: string; status: string }[]): string {
  return JSON.stringify({
    workflow_id: '20260101T000000000Z-hand_made-0000',
    name: 'hand_made',
    status: 'completed',
    config_file: 'hand-made.yaml',
    engine: { name: 'sluice', version: '0.0.0', node: 'v20.0.0' },
    plugins: [],
    started_at: '2026-01-01T00:00:00.000Z',
    pid: 1,
    host: 'nowhere',
    phases,
    config: {},
  });
}
