import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The project root: the CLI is run from there whatever the test's working directory. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What a spawned `sluice` process did. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI (`node bin/sluice.js …`) as a separate process and waits for it to
 * exit by itself; a run still going after `timeout` ms is killed and fails the test.
 */
export async function sluice(args: string[], timeout = 60_000): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run('node', ['bin/sluice.js', ...args], { cwd: ROOT, timeout, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; killed?: boolean; stdout: string; stderr: string };
    if (e.killed === true) throw new Error(`sluice ${args.join(' ')} did not exit by itself within ${timeout} ms`, { cause: err });
    return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
}
