/**
 * `sluice report <results dir>` and `sluice compare <dir> <dir> …`: write a
 * self-contained HTML report (src/report/) and say where; `run --report` calls
 * {@link reportAfterRun} once a run has written its results.
 */

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { WrittenReport } from '../report/write-report.ts';

// The report modules are imported when a command runs, not when the CLI starts.
const reportModules = () => Promise.all([import('../report/read-results.ts'), import('../report/write-report.ts')]);

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

interface ReportCommandOptions {
  out?: string;
  open?: boolean;
  x?: string;
  y?: string;
}

/** Registers `report` and `compare` on the program. */
export function registerReportCommand(program: Command, io: Io, setCode: (code: number) => void): void {
  program
    .command('report')
    .description('write a self-contained HTML report of a results folder (charts, metrics, trades; opens offline)')
    .argument('<results>', 'results/<workflow_id> folder')
    .option('--out <file>', 'HTML file to write (default: <results>/report.html)')
    .option('--open', 'open the report in the default browser')
    .option('--x <param>', 'sweep heatmap: parameter on the x axis (default: the first grid parameter)')
    .option('--y <param>', 'sweep heatmap: parameter on the y axis (default: the second)')
    .action(async (dir: string, o: ReportCommandOptions) => {
      await guarded(io, setCode, async () => {
        const [, { writeReport }] = await reportModules();
        const written = await writeReport(resolve(dir), {
          x: o.x,
          y: o.y,
          ...(o.out !== undefined ? { out: resolve(o.out) } : {}),
        });
        done(written, o.open === true, io);
      });
    });
  program
    .command('compare')
    .description('write an HTML page comparing several results folders: metrics side by side, overlaid equity')
    .argument('<results...>', 'two or more results/<workflow_id> folders')
    .option('--out <file>', 'HTML file to write (default: compare.html in the first folder)')
    .option('--open', 'open the page in the default browser')
    .action(async (dirs: string[], o: ReportCommandOptions) => {
      await guarded(io, setCode, async () => {
        const [{ ReportError }, { writeComparison }] = await reportModules();
        if (dirs.length < 2) throw new ReportError('compare needs at least two results folders');
        done(
          await writeComparison(
            dirs.map((d) => resolve(d)),
            o.out === undefined ? undefined : resolve(o.out),
          ),
          o.open === true,
          io,
        );
      });
    });
}

/** `run --report`: the report of the folder a run just wrote; a failure to report does not fail the run. */
export async function reportAfterRun(dir: string, io: Io): Promise<void> {
  try {
    const [, { writeReport }] = await reportModules();
    const written = await writeReport(dir);
    io.out(`report: ${written.path} (${kb(written.bytes)})`);
  } catch (err) {
    io.err(`report not written: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function guarded(io: Io, setCode: (code: number) => void, body: () => Promise<void>): Promise<void> {
  const [{ ReportError }] = await reportModules();
  try {
    await body();
  } catch (err) {
    // A wrong folder or axis name is the user's mistake: one line, no stack.
    if (!(err instanceof ReportError)) throw err;
    io.err(err.message);
    setCode(1);
  }
}

function done(written: WrittenReport, open: boolean, io: Io): void {
  io.out(`report: ${written.path} (${kb(written.bytes)})`);
  if (open) openInBrowser(written.path, io);
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KB`;
}

/** Hands the file to the platform's opener; says so (and where the file is) when there is none. */
function openInBrowser(path: string, io: Io): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  if (process.platform === 'linux' && !['/usr/bin/xdg-open', '/bin/xdg-open'].some((p) => existsSync(p))) {
    io.err(`--open: no xdg-open on this machine; open ${path} in a browser`);
    return;
  }
  const child = spawn(opener, [path], { detached: true, stdio: 'ignore' });
  child.on('error', () => io.err(`--open: could not start ${opener}; open ${path} in a browser`));
  child.unref();
}
