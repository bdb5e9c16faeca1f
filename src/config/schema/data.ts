import { z } from 'zod';
import type { CamelCaseKeys } from '../case-keys.ts';

/**
 * A provider to download a bar file from when it is not there yet (`path` is then a local
 * cache, written once, as `sluice data fetch` writes it; docs/data.md).
 */
export const DataProviderSchema = z
  .object({
    name: z
      .enum(['binance', 'alpaca'])
      .describe('binance (spot, public) or alpaca (APCA_API_KEY_ID / APCA_API_SECRET_KEY, or credentials_file).'),
    start: z.string().min(1).describe('First bar to download (ISO 8601; a time without a zone is UTC).'),
    end: z.string().min(1).describe('Download the bars before this time (ISO 8601, exclusive).'),
    feed: z.enum(['iex', 'sip', 'crypto']).optional().describe('alpaca: the data feed (default iex).'),
    url: z
      .string()
      .min(1)
      .optional()
      .describe("The provider's REST base URL (default its public one): for proxies and tests."),
    credentials_file: z
      .string()
      .min(1)
      .optional()
      .describe('alpaca: a file with APCA_API_KEY_ID=… and APCA_API_SECRET_KEY=… lines, relative to the config file.'),
  })
  .strict();

/** What a symbol is for the accounting: a share (default) or a futures contract (docs/execution.md). */
export const InstrumentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('equity') }).strict(),
  z
    .object({
      kind: z.literal('future'),
      multiplier: z
        .number()
        .positive()
        .describe('Currency per point of price per contract (ES: 50). P&L = price change × multiplier × contracts.'),
      margin: z.number().positive().describe('Margin posted per contract while it is open, in currency.'),
    })
    .strict(),
]);

/** One instrument's bar file. Paths are relative to the config file's folder. */
export const DataSourceSchema = z
  .object({
    symbol: z.string().min(1).describe('Instrument symbol, e.g. SPY.'),
    path: z.string().min(1).describe('Bar file (CSV or Parquet), relative to the config file.'),
    format: z.enum(['csv', 'parquet']).optional().describe('File format; default from the file extension.'),
    provider: DataProviderSchema.optional().describe(
      'Download `path` from this provider on first use (a Parquet cache).',
    ),
    instrument: InstrumentSchema.optional().describe(
      'What this symbol is: { kind: equity } (default) or { kind: future, multiplier, margin }.',
    ),
  })
  .strict();

/**
 * Where bars come from. Either one file (`symbol` + `path`) or several (`sources`);
 * several symbols are merged by (timestamp, symbol).
 */
export const DataSchema = z
  .object({
    symbol: z.string().min(1).optional().describe('Symbol of the single bar file given by `path`.'),
    path: z.string().min(1).optional().describe('Single bar file (CSV or Parquet), relative to the config file.'),
    format: z.enum(['csv', 'parquet']).optional().describe('Format of `path`; default from the extension.'),
    provider: DataProviderSchema.optional().describe(
      'Download `path` (a Parquet cache) from this provider on first use: `run` fetches it when it is missing, `validate` says it will.',
    ),
    sources: z.array(DataSourceSchema).min(1).optional().describe('Several bar files, one per symbol.'),
    instrument: InstrumentSchema.optional().describe(
      'What the symbol of `path` is: { kind: equity } (default) or { kind: future, multiplier, margin }; with `sources`, give it per source.',
    ),
    timeframe: z.string().describe("Bar length: '1m', '5m', '15m', '1h', '1d', ... Sets the annualization."),
    calendar: z
      .enum(['us_equity', 'continuous'])
      .default('us_equity')
      .describe(
        'Trading calendar for annualization: us_equity (252 days × 6.5 h) or continuous (24×365). Also where higher-timeframe bars (sma(50)@1h) are cut: us_equity from the 09:30 New York open, the day = the regular session; continuous on the UTC clock.',
      ),
    start: z
      .string()
      .optional()
      .describe(
        "First timestamp to use (ISO 8601, inclusive). A time without a zone is UTC, not the machine's local time.",
      ),
    end: z
      .string()
      .optional()
      .describe('Timestamp to stop before (ISO 8601, exclusive). A time without a zone is UTC.'),
    on_bad_row: z
      .enum(['fail', 'skip'])
      .default('fail')
      .describe(
        'Policy for unparseable, out-of-order, duplicate or inconsistent rows: fail the run, or skip and count.',
      ),
    chunk_size: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(8192)
      .describe('Bars read per chunk (backpressure unit).'),
  })
  .strict()
  .superRefine((data, ctx) => {
    const single = data.path !== undefined || data.symbol !== undefined;
    if (single && data.sources !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['sources'], message: 'give either path + symbol or sources, not both' });
    } else if (!single && data.sources === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'data needs a bar file: path + symbol, or sources' });
    } else if (data.instrument !== undefined && !single) {
      ctx.addIssue({
        code: 'custom',
        path: ['instrument'],
        message: 'with sources, give each source its own instrument (sources[i].instrument)',
      });
    } else if (single && (data.path === undefined || data.symbol === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [data.path === undefined ? 'symbol' : 'path'],
        message: data.path === undefined ? 'symbol given without path' : 'path given without symbol',
      });
    }
  });

export type DataProviderConfig = CamelCaseKeys<z.infer<typeof DataProviderSchema>>;
