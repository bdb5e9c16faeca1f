import type { Json } from '@duckdb/node-api';
import type { QueryResult } from './run-query.ts';

/** Output formats of `sluice query`. */
export const QUERY_FORMATS = ['table', 'csv', 'json'] as const;
export type QueryFormat = (typeof QUERY_FORMATS)[number];

/** The result in `format`: an aligned table, RFC 4180 CSV, or one JSON object per line. */
export function formatResult(result: QueryResult, format: QueryFormat): string {
  switch (format) {
    case 'table':
      return formatTable(result);
    case 'csv':
      return formatCsv(result);
    case 'json':
      return formatJsonLines(result);
  }
}

/** A cell as text: lists, structs and maps as JSON, so nothing prints as [object Object]. */
function cellText(value: Json): string | null {
  if (value === null) return null;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Columns padded to their widest cell, numbers right-aligned so digits line up, NULL
 * spelled out (an empty cell could be an empty string), and the row count last.
 */
export function formatTable(result: QueryResult): string {
  const header = result.columns.map((c) => c.name);
  // A line break inside a cell would break every column after it: shown escaped instead.
  const body = result.rows.map((row) =>
    result.columns.map((_, i) => (cellText(row[i] ?? null) ?? 'NULL').replace(/\r?\n/g, '\\n')),
  );
  const widths = header.map((h, i) => Math.max(width(h), ...body.map((r) => width(r[i] ?? ''))));
  const right = result.columns.map((c) => c.kind === 'number');
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        right[i] === true ? cell.padStart((widths[i] ?? 0) + cell.length - width(cell)) : pad(cell, widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const count = `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`;
  return [line(header), rule, ...body.map(line), count].join('\n');
}

/** Display width by code points, so '→' or 'é' count once. */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, to: number): string {
  return text + ' '.repeat(Math.max(0, to - width(text)));
}

/** RFC 4180: CRLF line ends; a field with a comma, quote, CR or LF quoted, quotes doubled; NULL empty. */
export function formatCsv(result: QueryResult): string {
  const field = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const lines = [
    result.columns.map((c) => field(c.name)),
    ...result.rows.map((row) => result.columns.map((_, i) => field(cellText(row[i] ?? null) ?? ''))),
  ];
  return lines.map((l) => `${l.join(',')}\r\n`).join('');
}

/**
 * One JSON object per row. DuckDB hands 64-bit integers and decimals over as strings
 * (a JS number could round them); they become numbers unless an integer is too large, and JSON
 * columns (params, summaries) are embedded as values rather than as quoted text.
 */
export function formatJsonLines(result: QueryResult): string {
  return result.rows
    .map((row) => {
      const obj: Record<string, Json> = {};
      result.columns.forEach((c, i) => {
        const v = row[i] ?? null;
        obj[c.name] =
          c.kind === 'number' ? asNumber(v) : c.kind === 'json' && typeof v === 'string' ? (JSON.parse(v) as Json) : v;
      });
      return JSON.stringify(obj);
    })
    .join('\n');
}

function asNumber(v: Json): Json {
  if (typeof v !== 'string') return v;
  const n = Number(v);
  if (!Number.isFinite(n)) return v;
  // An integer beyond 2^53 would silently change; a decimal is approximate in JSON anyway.
  return /^-?\d+$/.test(v) && !Number.isSafeInteger(n) ? v : n;
}
