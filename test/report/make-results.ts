/**
 * Real results folders for the report tests: the example configs run in-process through
 * the CLI (`sluice run … --report`) on the bundled SPY bars, cut short with `--set
 * data.end` where the whole year would only add time.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';

/** Runs `sluice run <config> --out <tmp> --report <args…>` and returns the results folder and output. */
export async function runWithReport(
  config: string,
  args: readonly string[] = [],
): Promise<{ dir: string; out: string }> {
  const root = mkdtempSync(join(tmpdir(), 'sluice-report-'));
  const lines: string[] = [];
  const io = { out: (t: string) => void lines.push(t), err: (t: string) => void lines.push(t) };
  const code = await main(
    ['node', 'sluice', 'run', config, '--out', root, '--log-level', 'warn', '--report', ...args],
    io,
  );
  const out = lines.join('\n');
  if (code !== 0) throw new Error(`sluice run ${config} exited ${code}:\n${out}`);
  const dir = /^results: (.+)$/m.exec(out)?.[1];
  if (dir === undefined) throw new Error(`no results folder in:\n${out}`);
  return { dir, out };
}

/** Runs a `sluice` command in-process; its exit code and output. */
export async function sluice(args: readonly string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const io = { out: (t: string) => void lines.push(t), err: (t: string) => void lines.push(t) };
  const code = await main(['node', 'sluice', ...args], io);
  return { code, out: lines.join('\n') };
}
