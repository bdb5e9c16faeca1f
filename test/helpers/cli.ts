import { execFile, spawn, type ChildProcess } from 'node:child_process';
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
    const { stdout, stderr } = await run('node', ['bin/sluice.js', ...args], {
      cwd: ROOT,
      timeout,
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; killed?: boolean; stdout: string; stderr: string };
    if (e.killed === true)
      throw new Error(`sluice ${args.join(' ')} did not exit by itself within ${timeout} ms`, { cause: err });
    return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A `sluice` process spawned in the background: its output so far and its exit. */
export interface SluiceProcess {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the real CLI in the background (from the project root) and collects its output;
 * the child is added to `track` so the test can kill whatever is left in its afterEach.
 */
export function spawnSluice(args: string[], track: ChildProcess[], stdin: 'pipe' | 'ignore' = 'ignore'): SluiceProcess {
  const child = spawn('node', ['bin/sluice.js', ...args], {
    cwd: ROOT,
    stdio: [stdin, 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  track.push(child);
  const proc: SluiceProcess = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout!.on('data', (d: Buffer) => (proc.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (proc.stderr += d.toString()));
  return proc;
}

/** Resolves once `test` holds (checked every 10 ms), or fails after `ms` naming `what`. */
export async function until(what: string, test: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
