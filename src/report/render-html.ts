/**
 * A report as ONE self-contained HTML file: the chart library, the page's script and
 * style and the data are all inlined, so the file opens from disk, offline, forever —
 * no CDN, no server, nothing next to it.
 *
 * The chart library is the installed `lightweight-charts` standalone build (its path
 * resolved through Node's module resolution, never hard-coded); the page's own script
 * and CSS are real files in ./assets, read at generation time.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReportData } from './report-data.ts';

const ASSETS = join(dirname(fileURLToPath(import.meta.url)), 'assets');

/** The standalone (global `LightweightCharts`) production build of the installed library. */
export function chartLibraryPath(): string {
  // The package exports only its ESM entry; its package.json is exported, and the
  // standalone build sits in the same dist folder as every published version.
  const pkg = createRequire(import.meta.url).resolve('lightweight-charts/package.json');
  return join(dirname(pkg), 'dist', 'lightweight-charts.standalone.production.js');
}

/**
 * JSON that is safe inside a `<script>` element: `<` is escaped so no `</script>` or
 * `<!--` in a strategy name or note can end the element, and U+2028/U+2029 are escaped
 * for old parsers that treat them as line ends.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Text for an HTML element or attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The whole page. */
export function renderHtml(data: ReportData): string {
  const library = readFileSync(chartLibraryPath(), 'utf8');
  // report-core.js defines the helpers report.js uses: order matters.
  const script = ['report-core.js', 'report.js'].map((f) => readFileSync(join(ASSETS, f), 'utf8')).join('\n');
  const style = readFileSync(join(ASSETS, 'report.css'), 'utf8');
  // A script body must not contain "</script"; the library and our script are checked
  // rather than trusted, since escaping them would change the code.
  for (const [name, code] of [
    ['lightweight-charts', library],
    ['report scripts', script],
  ] as const) {
    if (/<\/script/i.test(code)) throw new Error(`${name} contains "</script" and cannot be inlined`);
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)} — Sluice report</title>
<style>
${style}
</style>
</head>
<body>
<header><h1>${escapeHtml(data.title)}</h1><p class="subtitle">${escapeHtml(data.subtitle)}</p></header>
<main id="report"><noscript>This report draws its charts and tables with JavaScript.</noscript></main>
<script id="report-data" type="application/json">${scriptSafeJson(data)}</script>
<script>
${library}
</script>
<script>
${script}
</script>
</body>
</html>
`;
}
