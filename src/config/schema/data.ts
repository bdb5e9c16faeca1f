import { z } from 'zod';

/** One instrument's bar file. Paths are relative to the config file's folder. */
export const DataSourceSchema = z
  .object({
    symbol: z.string().min(1).describe('Instrument symbol, e.g. SPY.'),
    path: z.string().min(1).describe('Bar file (CSV or Parquet), relative to the config file.'),
    format: z.enum(['csv', 'parquet']).optional().describe('File format; default from the file extension.'),
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
    sources: z.array(DataSourceSchema).min(1).optional().describe('Several bar files, one per symbol.'),
    timeframe: z.string().describe("Bar length: '1m', '5m', '15m', '1h', '1d', ... Sets the annualization."),
    calendar: z
      .enum(['us_equity', 'continuous'])
      .default('us_equity')
      .describe('Trading calendar for annualization: us_equity (252 days × 6.5 h) or continuous (24×365).'),
    start: z.string().optional().describe("First timestamp to use (ISO 8601, inclusive). A time without a zone is UTC, not the machine's local time."),
    end: z.string().optional().describe('Timestamp to stop before (ISO 8601, exclusive). A time without a zone is UTC.'),
    on_bad_row: z
      .enum(['fail', 'skip'])
      .default('fail')
      .describe('Policy for unparseable, out-of-order, duplicate or inconsistent rows: fail the run, or skip and count.'),
    chunk_size: z.number().int().min(1).max(1_000_000).default(8192).describe('Bars read per chunk (backpressure unit).'),
  })
  .strict()
  .superRefine((data, ctx) => {
    const single = data.path !== undefined || data.symbol !== undefined;
    if (single && data.sources !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['sources'], message: 'give either path + symbol or sources, not both' });
    } else if (!single && data.sources === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'data needs a bar file: path + symbol, or sources' });
    } else if (single && (data.path === undefined || data.symbol === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [data.path === undefined ? 'symbol' : 'path'],
        message: data.path === undefined ? 'symbol given without path' : 'path given without symbol',
      });
    }
  });

export type DataConfig = z.infer<typeof DataSchema>;
export type DataSourceConfig = z.infer<typeof DataSourceSchema>;
