import { execSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/** Every recorded bench run, one JSON object a line, each with its `bench` name. */
const HISTORY = 'bench/history.ndjson';

/** The checked-out commit, short, or 'unknown' outside a git checkout. */
export function currentCommit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

/** The last recorded run of `bench`, to print beside this one. */
export function lastRecorded(bench: string): Record<string, unknown> | undefined {
  if (!existsSync(HISTORY)) return undefined;
  const lines = readFileSync(HISTORY, 'utf8').trim().split('\n').filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    const run = JSON.parse(lines[i]!) as Record<string, unknown>;
    if (run['bench'] === bench) return run;
  }
  return undefined;
}

/** Appends a run to the history, stamped with the time. */
export function record(result: { readonly bench: string } & Record<string, unknown>): void {
  appendFileSync(HISTORY, `${JSON.stringify({ ...result, recorded_at: new Date().toISOString() })}\n`);
}
