/**
 * `sluice data fetch`: historical bars from a provider's REST API into the Parquet layout
 * `data:` reads (columns timestamp, open, high, low, close, volume; timestamp the bar's
 * start, UTC milliseconds).
 *
 * - **Binance** (spot, public): `GET <base>/api/v3/klines?symbol=BTCUSDT&interval=5m&
 *   startTime=…&endTime=…&limit=1000` → `[[openTime,"o","h","l","c","v",closeTime,…],…]`;
 *   paged by moving startTime past the last kline. A kline not closed yet is left out.
 * - **Alpaca** (market data v2): `GET <base>/v2/stocks/<symbol>/bars?timeframe=5Min&start=…
 *   &end=…&limit=10000&adjustment=raw&feed=iex[&page_token=…]` → `{"bars":[{"t","o","h",
 *   "l","c","v",…}],"symbol":…,"next_page_token":…}` with the APCA-API-KEY-ID /
 *   APCA-API-SECRET-KEY headers; crypto: `<base>/v1beta3/crypto/us/bars?symbols=BTC/USD&…`
 *   → `{"bars":{"BTC/USD":[…]},"next_page_token":…}`.
 *
 * Rate limits: a 429 (or Binance's 418) waits for `Retry-After` (seconds or an HTTP date)
 * or `X-RateLimit-Reset` (epoch seconds), else an exponential back-off, as do 5xx answers
 * and network errors, up to `retries` times in a row. 401/403 fail at once.
 *
 * Resumable: every page is appended to `<out>.partial` (one JSON line per page) before the
 * next is asked for; a fetch that stops (an error, Ctrl-C, a crash) and is run again with
 * the same arguments goes on after the last bar there. The Parquet file is written, and
 * the partial file removed, only when the range is complete.
 */
import { systemClock, type Clock } from '../runtime/clock.ts';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { ParquetTableWriter, type ColumnDef } from '../files/parquet-table-writer.ts';
import { parseTimeframe } from '../domain/metrics/timeframe.ts';
import type { AlpacaCredentials } from './credentials.ts';
import { DataFetchError } from './fetch-error.ts';

export type Provider = 'binance' | 'alpaca';

export interface FetchOptions {
  readonly provider: Provider;
  readonly symbol: string;
  /** Sluice timeframe: 1m, 5m, 15m, 1h, 1d… */
  readonly timeframe: string;
  /** Epoch ms; bars with start ≤ ts < end. */
  readonly start: number;
  readonly end: number;
  readonly out: string;
  /** REST base URL (default the provider's). */
  readonly baseUrl?: string;
  /** Alpaca: iex | sip | crypto. */
  readonly feed?: 'iex' | 'sip' | 'crypto';
  readonly credentials?: AlpacaCredentials;
  /** Consecutive retries of one request before giving up (default 8). */
  readonly retries?: number;
  /** First back-off wait, ms (default 500), doubled each retry, at most 60 s. */
  readonly backoffMs?: number;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /** Wall time (Binance: klines not closed by then are left out; Retry-After dates) and the back-off waits; default the system's. */
  readonly clock?: Clock;
}

export interface FetchOutcome {
  readonly bars: number;
  readonly requests: number;
  readonly retries: number;
  /** Bars already in the partial file of an earlier, interrupted fetch. */
  readonly resumedBars: number;
}

type Row = [number, number, number, number, number, number];

interface BarRow {
  timestamp: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

const COLUMNS: readonly ColumnDef<BarRow>[] = [
  { name: 'timestamp', kind: 'timestamp_ms', delta: true },
  { name: 'open', kind: 'double' },
  { name: 'high', kind: 'double' },
  { name: 'low', kind: 'double' },
  { name: 'close', kind: 'double' },
  { name: 'volume', kind: 'double' },
];

const BINANCE_INTERVALS = new Set([
  '1s',
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
]);

/** Alpaca's timeframe for a sluice one: 5m → 5Min, 1h → 1Hour, 1d → 1Day. */
export function alpacaTimeframe(tf: string): string {
  const m = /^(\d+)([mhdw])$/.exec(tf);
  if (m === null)
    throw new DataFetchError(`timeframe '${tf}': Alpaca bars are minutes (1m–59m), hours (1h–23h), 1d or 1w`);
  const n = Number(m[1]);
  const unit = m[2];
  if (unit === 'm' && n >= 1 && n <= 59) return `${n}Min`;
  if (unit === 'h' && n >= 1 && n <= 23) return `${n}Hour`;
  if (unit === 'd' && n === 1) return '1Day';
  if (unit === 'w' && n === 1) return '1Week';
  throw new DataFetchError(`timeframe '${tf}': Alpaca bars are minutes (1m–59m), hours (1h–23h), 1d or 1w`);
}

interface Page {
  readonly rows: Row[];
  /** Where the next page starts: a start time, or a provider's page token; undefined: done. */
  readonly next: { start: number; token?: string } | undefined;
}

/** Downloads the range into `out` (Parquet), resuming a partial download of the same arguments. */
export async function fetchBars(o: FetchOptions): Promise<FetchOutcome> {
  const tfMs = parseTimeframe(o.timeframe);
  if (o.provider === 'binance' && !BINANCE_INTERVALS.has(o.timeframe))
    throw new DataFetchError(`timeframe '${o.timeframe}': Binance klines are ${[...BINANCE_INTERVALS].join(', ')}`);
  if (o.provider === 'alpaca') {
    alpacaTimeframe(o.timeframe);
    if (o.credentials === undefined) throw new DataFetchError('alpaca: no credentials');
  }
  if (!(o.end > o.start)) throw new DataFetchError('--end must be after --start');
  const partial = `${o.out}.partial`;
  const header = JSON.stringify({
    provider: o.provider,
    symbol: o.symbol,
    timeframe: o.timeframe,
    start: o.start,
    end: o.end,
    feed: o.feed ?? null,
  });
  const rows: Row[] = [];
  let cursor: { start: number; token?: string } | undefined = { start: o.start };
  if (existsSync(partial)) {
    const lines = readFileSync(partial, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    if (lines[0] !== header)
      throw new DataFetchError(
        `${partial} is a partial download with other arguments (${lines[0] ?? 'empty'}): remove it to start again`,
      );
    for (const line of lines.slice(1)) {
      try {
        for (const r of JSON.parse(line) as Row[]) rows.push(r);
      } catch {
        break; // a line cut short by a crash: fetched again
      }
    }
    const last = rows.at(-1);
    if (last !== undefined) cursor = { start: last[0] + tfMs };
    o.logger.info(
      { partial, bars: rows.length, from: new Date(cursor.start).toISOString() },
      'resuming a partial download',
    );
  } else {
    writeFileSync(partial, `${header}\n`);
  }
  const resumedBars = rows.length;
  const stats = { requests: 0, retries: 0 };
  while (cursor !== undefined && cursor.start < o.end) {
    if (o.signal?.aborted === true)
      throw new DataFetchError(
        `interrupted: ${rows.length} bars so far in ${partial}; run the same command again to go on`,
      );
    const page: Page =
      o.provider === 'binance' ? await binancePage(o, cursor.start, stats) : await alpacaPage(o, cursor, stats);
    const fresh = page.rows.filter(
      (r) => r[0] >= o.start && r[0] < o.end && (rows.length === 0 || r[0] > rows[rows.length - 1]![0]),
    );
    if (fresh.length > 0) {
      appendFileSync(partial, `${JSON.stringify(fresh)}\n`);
      for (const r of fresh) rows.push(r);
    }
    o.logger.debug({ bars: rows.length, page: page.rows.length }, 'page fetched');
    cursor = page.next;
  }
  const writer = await ParquetTableWriter.open<BarRow>(o.out, COLUMNS, {
    rowGroupRows: 65_536,
    createdBy: 'sluice data fetch',
  });
  try {
    for (const [timestamp, open, high, low, close, volume] of rows)
      writer.append({ timestamp, open, high, low, close, volume });
    await writer.finish();
    await writer.publish();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  rmSync(partial, { force: true });
  return { bars: rows.length, requests: stats.requests, retries: stats.retries, resumedBars };
}

async function binancePage(
  o: FetchOptions,
  start: number,
  stats: { requests: number; retries: number },
): Promise<Page> {
  const base = (o.baseUrl ?? 'https://api.binance.com').replace(/\/+$/, '');
  const url = `${base}/api/v3/klines?symbol=${encodeURIComponent(o.symbol.toUpperCase())}&interval=${o.timeframe}&startTime=${start}&endTime=${o.end - 1}&limit=1000`;
  const body = await getJson(o, url, {}, stats);
  if (!Array.isArray(body)) throw new DataFetchError(`binance: unexpected answer to ${url}: not an array of klines`);
  const now = (o.clock ?? systemClock).now();
  const rows: Row[] = [];
  for (const k of body as unknown[]) {
    if (!Array.isArray(k) || k.length < 7)
      throw new DataFetchError(`binance: unexpected kline ${JSON.stringify(k).slice(0, 80)}`);
    const closeTime = Number(k[6]);
    if (closeTime >= now) continue; // still open
    rows.push([Number(k[0]), Number(k[1]), Number(k[2]), Number(k[3]), Number(k[4]), Number(k[5])]);
  }
  const last = (body as unknown[][]).at(-1);
  const next =
    body.length < 1000 || last === undefined ? undefined : { start: Number(last[0]) + parseTimeframe(o.timeframe) };
  return { rows: checkRows(rows, 'binance'), next };
}

async function alpacaPage(
  o: FetchOptions,
  cursor: { start: number; token?: string },
  stats: { requests: number; retries: number },
): Promise<Page> {
  const crypto = o.feed === 'crypto';
  const base = (o.baseUrl ?? 'https://data.alpaca.markets').replace(/\/+$/, '');
  const q = new URLSearchParams({
    timeframe: alpacaTimeframe(o.timeframe),
    start: new Date(cursor.start).toISOString(),
    end: new Date(o.end).toISOString(),
    limit: '10000',
  });
  if (crypto) q.set('symbols', o.symbol);
  else {
    q.set('adjustment', 'raw');
    q.set('feed', o.feed ?? 'iex');
  }
  if (cursor.token !== undefined) q.set('page_token', cursor.token);
  const url = crypto
    ? `${base}/v1beta3/crypto/us/bars?${q.toString()}`
    : `${base}/v2/stocks/${encodeURIComponent(o.symbol)}/bars?${q.toString()}`;
  const creds = o.credentials!;
  const body = (await getJson(
    o,
    url,
    { 'APCA-API-KEY-ID': creds.key.reveal(), 'APCA-API-SECRET-KEY': creds.secret.reveal() },
    stats,
  )) as { bars?: unknown; next_page_token?: unknown } | null;
  const raw = crypto ? ((body?.bars ?? {}) as Record<string, unknown>)[o.symbol] : body?.bars;
  const list = raw === null || raw === undefined ? [] : raw;
  if (!Array.isArray(list)) throw new DataFetchError(`alpaca: unexpected answer: bars is not a list`);
  const rows: Row[] = (list as Record<string, unknown>[]).map((b) => [
    Date.parse(String(b['t'])),
    Number(b['o']),
    Number(b['h']),
    Number(b['l']),
    Number(b['c']),
    Number(b['v']),
  ]);
  const token =
    typeof body?.next_page_token === 'string' && body.next_page_token !== '' ? body.next_page_token : undefined;
  return { rows: checkRows(rows, 'alpaca'), next: token === undefined ? undefined : { start: cursor.start, token } };
}

function checkRows(rows: Row[], provider: string): Row[] {
  for (const r of rows) {
    if (!r.every((v) => Number.isFinite(v)))
      throw new DataFetchError(`${provider}: a bar with a missing or non-numeric field: ${JSON.stringify(r)}`);
  }
  return rows;
}

/** GET with retries on 429/418/5xx/network errors. Never puts the URL's headers in an error. */
async function getJson(
  o: FetchOptions,
  url: string,
  headers: Record<string, string>,
  stats: { requests: number; retries: number },
): Promise<unknown> {
  const retries = o.retries ?? 8;
  let wait = o.backoffMs ?? 500;
  for (let attempt = 0; ; attempt++) {
    stats.requests++;
    let status = 0;
    let delay: number | undefined;
    let why: string;
    try {
      const res = await fetch(url, {
        headers: { accept: 'application/json', ...headers },
        ...(o.signal !== undefined ? { signal: o.signal } : {}),
      });
      status = res.status;
      if (res.ok) return await res.json();
      const text = (await res.text()).slice(0, 200);
      why = `HTTP ${status}${text !== '' ? `: ${text}` : ''}`;
      if (status === 401 || status === 403)
        throw new DataFetchError(
          `${o.provider}: ${why} — the credentials were rejected (APCA_API_KEY_ID / APCA_API_SECRET_KEY)`,
        );
      if (status !== 429 && status !== 418 && status < 500)
        throw new DataFetchError(`${o.provider}: ${why} (${redact(url)})`);
      delay = retryAfter(res.headers, (o.clock ?? systemClock).now());
    } catch (err) {
      if (err instanceof DataFetchError) throw err;
      if (o.signal?.aborted === true) throw new DataFetchError('interrupted');
      why = (err as Error).message;
    }
    if (attempt >= retries) throw new DataFetchError(`${o.provider}: ${why}; gave up after ${retries} retries`);
    const ms = Math.min(60_000, delay ?? wait);
    wait = Math.min(60_000, wait * 2);
    stats.retries++;
    o.logger.warn({ status, attempt: attempt + 1, delay_ms: ms }, `${o.provider}: ${why}: retrying in ${ms} ms`);
    await (o.clock ?? systemClock).sleep(ms);
  }
}

/** Milliseconds to wait by `Retry-After` (seconds or an HTTP date) or `X-RateLimit-Reset` (epoch seconds), if given. */
export function retryAfter(headers: Headers, now: number): number | undefined {
  const ra = headers.get('retry-after');
  if (ra !== null) {
    const s = Number(ra);
    if (Number.isFinite(s)) return Math.max(0, s * 1000);
    const at = Date.parse(ra);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const reset = Number(headers.get('x-ratelimit-reset') ?? Number.NaN);
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  return undefined;
}

/** The URL for an error message: the query string's page token can be long; nothing secret is in URLs. */
function redact(url: string): string {
  return url.length > 200 ? `${url.slice(0, 197)}...` : url;
}
