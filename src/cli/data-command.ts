import type { Command } from 'commander';

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

interface FetchCommandOptions {
  provider: string;
  symbol: string;
  timeframe: string;
  start: string;
  end: string;
  out: string;
  url?: string;
  feed: string;
  credentialsFile?: string;
  retries: string;
  logLevel: string;
  logJson?: boolean;
}

/**
 * Registers `sluice data fetch --provider binance|alpaca --symbol S --timeframe 5m --start
 * ISO --end ISO --out file.parquet`: historical bars through the provider's REST API into
 * the Parquet layout `data:` reads (src/data/fetch-bars.ts). Exit 0 when the range is
 * written, 1 with one line otherwise (the partial download stays, for a rerun to resume).
 */
export function registerDataCommand(program: Command, io: Io, setCode: (code: number) => void): void {
  const data = program.command('data').description('bar data: download historical bars from a provider');
  data
    .command('fetch')
    .description(
      "download a provider's historical bars into a Parquet file `data:` reads (paged, rate limits respected, resumable)",
    )
    .requiredOption(
      '--provider <name>',
      'binance (spot, public) or alpaca (APCA_API_KEY_ID / APCA_API_SECRET_KEY, or --credentials-file)',
    )
    .requiredOption('--symbol <symbol>', 'e.g. BTCUSDT (binance), SPY or BTC/USD (alpaca)')
    .requiredOption('--timeframe <tf>', 'bar length: 1m, 5m, 15m, 1h, 1d…')
    .requiredOption('--start <iso>', 'first bar start, ISO 8601 (inclusive)')
    .requiredOption('--end <iso>', 'end of the range, ISO 8601 (exclusive)')
    .requiredOption('--out <file.parquet>', 'Parquet file to write; <file>.partial holds a download under way')
    .option(
      '--url <base>',
      'REST base URL (default https://api.binance.com, https://data.alpaca.markets): proxies, tests',
    )
    .option('--feed <feed>', 'alpaca: iex, sip or crypto', 'iex')
    .option('--credentials-file <path>', 'alpaca: file with APCA_API_KEY_ID=… and APCA_API_SECRET_KEY=… lines')
    .option('--retries <n>', 'retries of one request (429, 5xx, network errors) before giving up', '8')
    .option('--log-json', 'log JSON lines on stderr even in a terminal')
    .option('--log-level <level>', 'log level', 'info')
    .action(async (o: FetchCommandOptions) => {
      const [
        { createLogger },
        { fetchBars },
        { DataFetchError },
        { alpacaCredentials },
        { LiveError },
        { parseTimestamp },
      ] = await Promise.all([
        import('../runtime/logger.ts'),
        import('../data/fetch-bars.ts'),
        import('../data/fetch-error.ts'),
        import('../data/credentials.ts'),
        import('../errors/live-error.ts'),
        import('../data/parse-timestamp.ts'),
      ]);
      const logger = createLogger({ json: o.logJson === true, level: o.logLevel });
      const abort = new AbortController();
      const onSignal = (): void => abort.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        if (o.provider !== 'binance' && o.provider !== 'alpaca')
          throw new DataFetchError(`--provider '${o.provider}': binance or alpaca`);
        if (o.feed !== 'iex' && o.feed !== 'sip' && o.feed !== 'crypto')
          throw new DataFetchError(`--feed '${o.feed}': iex, sip or crypto`);
        const start = parseTimestamp(o.start);
        const end = parseTimestamp(o.end);
        if (Number.isNaN(start) || Number.isNaN(end))
          throw new DataFetchError(
            `cannot read ${Number.isNaN(start) ? `--start '${o.start}'` : `--end '${o.end}'`} as an ISO 8601 date or time`,
          );
        const retries = Number(o.retries);
        if (!Number.isInteger(retries) || retries < 0)
          throw new DataFetchError(`--retries '${o.retries}': a whole number ≥ 0`);
        const credentials =
          o.provider === 'alpaca'
            ? alpacaCredentials(o.credentialsFile, process.cwd(), process.env, '--credentials-file')
            : undefined;
        const r = await fetchBars({
          provider: o.provider,
          symbol: o.symbol,
          timeframe: o.timeframe,
          start,
          end,
          out: o.out,
          feed: o.feed,
          retries,
          logger,
          signal: abort.signal,
          ...(o.url !== undefined ? { baseUrl: o.url } : {}),
          ...(credentials !== undefined ? { credentials } : {}),
        });
        io.err(
          `data fetch: ${r.bars} ${o.symbol} ${o.timeframe} bars written to ${o.out} (${r.requests} requests, ${r.retries} retries${r.resumedBars > 0 ? `, resumed after ${r.resumedBars} bars` : ''})`,
        );
        setCode(0);
      } catch (err) {
        if (!(err instanceof DataFetchError) && !(err instanceof LiveError)) throw err;
        io.err(`data fetch: ${err.message.replace(/^alpaca feed: /, 'alpaca: ')}`);
        setCode(1);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
