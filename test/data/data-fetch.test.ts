import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { openBarSource } from '../../src/data/open-source.ts';
import { fetchBars, retryAfter } from '../../src/data/fetch-bars.ts';
import { alpacaCredentials } from '../../src/data/credentials.ts';
import { runPhase } from '../../src/sequencer/run-phase.ts';
import { ROOT } from '../helpers/cli.ts';
import { LIVE_CONFIG, referenceSignals, silent, SPY_BARS } from '../helpers/live.ts';
import { spyBars, type Bar } from '../helpers/provider-servers.ts';

const KEY = 'PKFETCHKEY000000000B';
const SECRET = 'fetch-SeCrEt-0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const START = '2024-03-26T00:00:00Z';
const END = '2025-04-03T00:00:00Z';
let bars: Bar[];

beforeAll(() => {
  bars = spyBars(START);
});

interface Rest {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** A local HTTP server; `handle` answers each request (its index given). */
async function rest(handle: (req: IncomingMessage, url: URL, n: number, res: ServerResponse) => void): Promise<Rest> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.pathname + url.search);
    handle(req, url, requests.length, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/** Binance `GET /api/v3/klines`: up to `limit` klines from startTime to endTime, prices as strings. */
function binanceKlines(url: URL, res: ServerResponse): void {
  const start = Number(url.searchParams.get('startTime'));
  const end = Number(url.searchParams.get('endTime'));
  const limit = Math.min(1000, Number(url.searchParams.get('limit') ?? 500));
  const page = bars.filter((b) => b.ts >= start && b.ts <= end).slice(0, limit);
  json(
    res,
    200,
    page.map((b) => [
      b.ts,
      String(b.open),
      String(b.high),
      String(b.low),
      String(b.close),
      String(b.volume),
      b.ts + 299_999,
      '0',
      10,
      '0',
      '0',
      '0',
    ]),
  );
}

async function readParquet(path: string): Promise<Bar[]> {
  const out: Bar[] = [];
  const src = openBarSource({ path, symbol: 'SPY' }, process.cwd());
  for await (const chunk of src.chunks()) {
    for (let i = 0; i < chunk.length; i++)
      out.push({
        ts: chunk.ts[i]!,
        open: chunk.open[i]!,
        high: chunk.high[i]!,
        low: chunk.low[i]!,
        close: chunk.close[i]!,
        volume: chunk.volume[i]!,
      });
  }
  return out;
}

describe('sluice data fetch from a local Binance REST server', () => {
  it('pages through /api/v3/klines, waits out a 429 and a 500, writes Parquet that a run reads to the same signals', async () => {
    const server = await rest((_req, url, n, res) => {
      if (n === 2) return json(res, 429, { code: -1003, msg: 'Too many requests' }, { 'retry-after': '0' });
      if (n === 5) return json(res, 500, { code: -1000, msg: 'internal' });
      binanceKlines(url, res);
    });
    const dir = mkdtempSync(join(tmpdir(), 'sluice-fetch-'));
    const out = join(dir, 'SPY_5m.parquet');
    const r = await fetchBars({
      provider: 'binance',
      symbol: 'SPY',
      timeframe: '5m',
      start: Date.parse(START),
      end: Date.parse(END),
      out,
      baseUrl: server.url,
      backoffMs: 5,
      logger: silent,
    });
    await server.close();
    expect(r).toMatchObject({ bars: SPY_BARS, retries: 2, resumedBars: 0 });
    expect(server.requests[0]).toBe(
      `/api/v3/klines?symbol=SPY&interval=5m&startTime=${Date.parse(START)}&endTime=${Date.parse(END) - 1}&limit=1000`,
    );
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect(await readParquet(out)).toEqual(bars);
    // The run over the downloaded file: the signals of the run over the CSV.
    const loaded = await loadWorkflow(LIVE_CONFIG, { sets: ['results.storage=memory', `data.path=${out}`] });
    const outcome = await runPhase({
      ...loaded,
      source: openBarSource({ path: out, symbol: 'SPY' }, process.cwd()),
      phaseDir: null,
      logger: silent,
    });
    expect(outcome.status).toBe('completed');
    const reference = await referenceSignals(LIVE_CONFIG);
    expect(reference.length).toBeGreaterThan(1000);
    expect(outcome.signals?.map((r) => [r.seq, r.strategy_id, r.direction, r.strength, r.price])).toEqual(
      reference.map((r) => [r.seq, r.strategy_id, r.direction, r.strength, r.price]),
    );
  });

  it('resumes an interrupted download where it stopped', async () => {
    let healthy = false;
    const server = await rest((_req, url, n, res) => {
      if (!healthy && n > 3) return json(res, 503, { msg: 'down' });
      binanceKlines(url, res);
    });
    const dir = mkdtempSync(join(tmpdir(), 'sluice-fetch-resume-'));
    const out = join(dir, 'SPY_5m.parquet');
    const opts = {
      provider: 'binance' as const,
      symbol: 'SPY',
      timeframe: '5m',
      start: Date.parse(START),
      end: Date.parse(END),
      out,
      baseUrl: server.url,
      backoffMs: 1,
      retries: 2,
      logger: silent,
    };
    await expect(fetchBars(opts)).rejects.toThrow(/binance: HTTP 503.*gave up after 2 retries/);
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(`${out}.partial`, 'utf8').trim().split('\n')).toHaveLength(4); // the header and 3 pages
    healthy = true;
    const before = server.requests.length;
    const r = await fetchBars(opts);
    await server.close();
    expect(r).toMatchObject({ bars: SPY_BARS, resumedBars: 3000 });
    expect(server.requests[before]).toContain(`startTime=${bars[3000]!.ts}&`);
    expect(await readParquet(out)).toEqual(bars);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});

describe('sluice data fetch from a local Alpaca REST server', () => {
  /** `GET /v2/stocks/SPY/bars`: pages of `limit` bars, next_page_token, the key headers checked; one 429 with X-RateLimit-Reset. */
  const alpaca = () =>
    rest((req, url, n, res) => {
      if (req.headers['apca-api-key-id'] !== KEY || req.headers['apca-api-secret-key'] !== SECRET)
        return json(res, 401, { message: 'unauthorized.' });
      if (n === 2)
        return json(
          res,
          429,
          { message: 'too many requests.' },
          { 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)) },
        );
      const start = Date.parse(url.searchParams.get('start')!);
      const end = Date.parse(url.searchParams.get('end')!);
      const limit = Number(url.searchParams.get('limit'));
      const offset = Number(Buffer.from(url.searchParams.get('page_token') ?? 'MA==', 'base64').toString());
      const all = bars.filter((b) => b.ts >= start && b.ts < end);
      const page = all.slice(offset, offset + limit);
      const next = offset + limit < all.length ? Buffer.from(String(offset + limit)).toString('base64') : null;
      json(res, 200, {
        bars: page.map((b) => ({
          t: new Date(b.ts).toISOString().replace('.000Z', 'Z'),
          o: b.open,
          h: b.high,
          l: b.low,
          c: b.close,
          v: b.volume,
          n: 7,
          vw: b.close,
        })),
        symbol: 'SPY',
        next_page_token: next,
      });
    });

  it('follows next_page_token with the key headers and waits out a 429', async () => {
    const server = await alpaca();
    const dir = mkdtempSync(join(tmpdir(), 'sluice-fetch-alpaca-'));
    const out = join(dir, 'SPY_5m.parquet');
    const r = await fetchBars({
      provider: 'alpaca',
      symbol: 'SPY',
      timeframe: '5m',
      start: Date.parse(START),
      end: Date.parse(END),
      out,
      baseUrl: server.url,
      credentials: alpacaCredentials(undefined, dir, { APCA_API_KEY_ID: KEY, APCA_API_SECRET_KEY: SECRET }),
      logger: silent,
    });
    await server.close();
    expect(r).toMatchObject({ bars: SPY_BARS, retries: 1 });
    expect(server.requests[0]).toBe(
      '/v2/stocks/SPY/bars?timeframe=5Min&start=2024-03-26T00%3A00%3A00.000Z&end=2025-04-03T00%3A00%3A00.000Z&limit=10000&adjustment=raw&feed=iex',
    );
    expect(server.requests.at(-1)).toContain('page_token=');
    expect(await readParquet(out)).toEqual(bars);
  });

  it('as a process: exit 0 and one line; a rejected key is one line and exit 1; the secret in no output', async () => {
    const server = await alpaca();
    const dir = mkdtempSync(join(tmpdir(), 'sluice-fetch-cli-'));
    const out = join(dir, 'SPY.parquet');
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('APCA_')));
    const cli = (secret: string) =>
      new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
        const child = spawn(
          'node',
          [
            'bin/sluice.js',
            'data',
            'fetch',
            '--provider',
            'alpaca',
            '--symbol',
            'SPY',
            '--timeframe',
            '5m',
            '--start',
            '2025-01-02',
            '--end',
            '2025-01-03',
            '--out',
            out,
            '--url',
            server.url,
            '--log-level',
            'debug',
          ],
          {
            cwd: ROOT,
            env: { ...base, NO_COLOR: '1', APCA_API_KEY_ID: KEY, APCA_API_SECRET_KEY: secret },
          },
        );
        let stderr = '';
        let stdout = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.on('exit', (code) => resolve({ code, stderr, stdout }));
      });
    const ok = await cli(SECRET);
    const day = bars.filter((b) => b.ts >= Date.parse('2025-01-02') && b.ts < Date.parse('2025-01-03'));
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain(`data fetch: ${day.length} SPY 5m bars written to ${out}`);
    expect(await readParquet(out)).toEqual(day);
    const rejected = await cli('wrong-secret');
    await server.close();
    expect(rejected.code).toBe(1);
    expect(
      rejected.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('{')),
    ).toEqual([expect.stringMatching(/^data fetch: alpaca: HTTP 401: .* the credentials were rejected/) as string]);
    for (const text of [ok.stderr, ok.stdout, rejected.stderr, rejected.stdout, readFileSync(out).toString('latin1')]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(KEY);
    }
  }, 60_000);

  it('reads Retry-After in seconds or as a date, and X-RateLimit-Reset', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfter(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(retryAfter(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfter(new Headers({ 'x-ratelimit-reset': String(now / 1000 + 2) }), now)).toBe(2000);
    expect(retryAfter(new Headers(), now)).toBeUndefined();
  });
});

describe('data.provider: a bar file downloaded on first use', () => {
  it('validate says the first run downloads it; run downloads it once, then reads the cache like any file', async () => {
    let klines = 0;
    const server = await rest((_req, url, _n, res) => {
      klines++;
      binanceKlines(url, res);
    });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'sluice-provider-cache-'));
      const config = join(dir, 'cached.yaml');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(
        config,
        [
          'name: provider_cache',
          'data:',
          '  symbol: SPY',
          '  path: cache/SPY_5m.parquet',
          '  timeframe: 5m',
          `  provider: { name: binance, start: '${START}', end: '2024-05-01T00:00:00Z', url: '${server.url}' }`,
          'strategies: [ { type: sma_crossover } ]',
          '',
        ].join('\n'),
      );
      const sluice = (args: string[]) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = spawn('node', [join(ROOT, 'bin/sluice.js'), ...args], { cwd: dir });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          child.on('exit', (code) => resolve({ code, stdout, stderr }));
        });
      const v = await sluice(['validate', 'cached.yaml']);
      expect(v.code, v.stderr).toBe(0);
      expect(v.stdout).toMatch(/data: .*cache\/SPY_5m\.parquet is not there yet; the first run downloads it/);
      expect(klines).toBe(0);
      expect(existsSync(join(dir, 'cache/SPY_5m.parquet'))).toBe(false);

      const first = await sluice(['run', 'cached.yaml', '--out', 'results']);
      expect(first.code, first.stderr).toBe(0);
      const expected = bars.filter((b) => b.ts < Date.parse('2024-05-01T00:00:00Z')).length;
      expect(first.stdout).toContain(`provider_cache: ${expected} bars`);
      const requests = klines;
      expect(requests).toBeGreaterThan(0);
      expect((await readParquet(join(dir, 'cache/SPY_5m.parquet'))).length).toBe(expected);

      const second = await sluice(['run', 'cached.yaml', '--out', 'results']);
      expect(second.code, second.stderr).toBe(0);
      expect(klines).toBe(requests); // the cache was read, nothing downloaded again
      const table = (out: string) => out.slice(out.indexOf('Trades'), out.indexOf('results:'));
      expect(table(second.stdout)).toBe(table(first.stdout));
    } finally {
      await server.close();
    }
  }, 120_000);

  it('a provider that refuses is a located config error, in one line', async () => {
    const server = await rest((_req, _url, _n, res) => json(res, 403, { code: -2015, msg: 'forbidden' }));
    try {
      const dir = mkdtempSync(join(tmpdir(), 'sluice-provider-cache-'));
      const { writeFileSync } = await import('node:fs');
      writeFileSync(
        join(dir, 'c.yaml'),
        `name: refused\ndata:\n  symbol: SPY\n  path: cache/x.parquet\n  timeframe: 5m\n  provider: { name: binance, start: '2024-04-01', end: '2024-05-01', url: '${server.url}' }\nstrategies: [ { type: sma_crossover } ]\n`,
      );
      const loaded = loadWorkflow(join(dir, 'c.yaml'));
      await expect(loaded).rejects.toThrow(/c\.yaml:6:\d+ {2}data\.provider: downloading the bars failed: /);
    } finally {
      await server.close();
    }
  });
});
