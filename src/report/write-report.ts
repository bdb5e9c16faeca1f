/**
 * `sluice report` and `sluice compare` minus the CLI: build the data, render the page,
 * write it atomically (a reader never sees half a file), return where it went.
 */

import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { buildReport, type ReportOptions } from './build-report.ts';
import { buildComparison } from './compare.ts';
import { renderHtml } from './render-html.ts';

/** Where and how big a written report is. */
export interface WrittenReport {
  readonly path: string;
  readonly bytes: number;
}

/** Writes the report of results folder `dir` to `out` (default `<dir>/report.html`). */
export async function writeReport(
  dir: string,
  options: ReportOptions & { out?: string | undefined } = {},
): Promise<WrittenReport> {
  const path = options.out ?? join(dir, 'report.html');
  const html = renderHtml(await buildReport(dir, { x: options.x, y: options.y, reportDir: dirname(path) }));
  await writeFileAtomic(path, html);
  return { path, bytes: Buffer.byteLength(html) };
}

/** Writes the comparison of the results folders `dirs` to `out` (default `<first dir>/compare.html`). */
export async function writeComparison(dirs: readonly string[], out?: string): Promise<WrittenReport> {
  const html = renderHtml(await buildComparison(dirs));
  const path = out ?? join(dirs[0]!, 'compare.html');
  await writeFileAtomic(path, html);
  return { path, bytes: Buffer.byteLength(html) };
}
