/**
 * `data.provider:` — a bar file downloaded from a market-data provider the first time a
 * config needs it, into the `path` the config names (a Parquet cache), exactly as
 * `sluice data fetch` writes it; afterwards the file is read like any other. A download
 * interrupted half-way resumes from `<path>.partial` the next time.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { DataProviderConfig } from '../config/schema/data.ts';
import { alpacaCredentials } from './credentials.ts';
import { fetchBars } from './fetch-bars.ts';
import { parseIsoTimestamp } from './parse-timestamp.ts';

/** One provider-backed bar file of a config. */
export interface ProviderCache {
  readonly symbol: string;
  /** The cache file, absolute. */
  readonly path: string;
  readonly provider: DataProviderConfig;
}

/**
 * Downloads every cache file that is missing, one after the other.
 *
 * @param baseDir the config's folder (a credentials file is relative to it)
 * @returns the files downloaded now
 * @throws DataFetchError or LiveError (credentials) with a one-line message
 */
export async function fillProviderCaches(
  caches: readonly ProviderCache[],
  timeframe: string,
  baseDir: string,
  logger: Logger,
): Promise<string[]> {
  const fetched: string[] = [];
  for (const c of caches) {
    if (existsSync(c.path)) continue;
    const p = c.provider;
    const credentials =
      p.name === 'alpaca'
        ? alpacaCredentials(p.credentialsFile, baseDir, process.env, 'data.provider.credentials_file')
        : undefined;
    mkdirSync(dirname(c.path), { recursive: true });
    logger.info({ provider: p.name, symbol: c.symbol, file: c.path }, 'downloading bars into the data cache');
    await fetchBars({
      provider: p.name,
      symbol: c.symbol,
      timeframe,
      start: parseIsoTimestamp(p.start),
      end: parseIsoTimestamp(p.end),
      out: c.path,
      logger,
      ...(p.url !== undefined ? { baseUrl: p.url } : {}),
      ...(p.feed !== undefined ? { feed: p.feed } : {}),
      ...(credentials !== undefined ? { credentials } : {}),
    });
    fetched.push(c.path);
  }
  return fetched;
}
