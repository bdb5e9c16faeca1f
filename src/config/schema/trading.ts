import { z } from 'zod';

const positive = z.number().positive();
const nonNegative = z.number().min(0);

export const SizingSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('fixed'),
      quantity: z.number().int().positive().describe('Shares per position.'),
    })
    .strict(),
  z
    .object({
      type: z.literal('percent_equity'),
      percent: z.number().gt(0).max(1000).describe('Position notional as a percent of equity at the signal bar close.'),
    })
    .strict(),
  z
    .object({
      type: z.literal('atr_risk'),
      risk_percent: z.number().gt(0).max(100).default(1).describe('Percent of equity lost if price moves atr_multiple ATRs against the position.'),
      atr_period: z.number().int().positive().default(14).describe("Period of Wilder's ATR read from the feature hub."),
      atr_multiple: positive.default(2).describe('Distance of the notional stop, in ATRs.'),
      max_percent: z.number().gt(0).max(1000).default(100).describe('Cap on the position notional, percent of equity.'),
    })
    .strict(),
  z
    .object({
      type: z.literal('volatility_target'),
      target_volatility: z.number().gt(0).max(1000).describe('Annualized volatility to aim for, percent (15 = 15 %).'),
      lookback: z.number().int().min(2).default(20).describe('Bars of log returns in the realized volatility estimate.'),
      max_leverage: positive.default(1).describe('Cap on the position notional as a multiple of equity.'),
    })
    .strict(),
]);

export const PortfolioSchema = z
  .object({
    initial_cash: positive.default(100_000).describe('Starting cash of each book.'),
    sizing: SizingSchema.default({ type: 'percent_equity', percent: 100 }).describe('How many shares a signal asks for.'),
    allow_short: z.boolean().default(false).describe('Act on short signals; when false a short signal means flat.'),
    close_at_end: z
      .boolean()
      .default(true)
      .describe("Close open positions at the last bar's close when the data ends (exit reason end_of_data)."),
  })
  .strict();

export const RiskSchema = z
  .object({
    max_position: z.number().int().positive().optional().describe('Largest absolute position per symbol, in shares.'),
    max_position_pct: positive.max(1000).optional().describe('Largest position per symbol as a percent of equity (notional).'),
    max_exposure: positive.optional().describe('Largest gross exposure as a multiple of equity (1 = fully invested, no leverage).'),
  })
  .strict();

export const CommissionSchema = z
  .object({
    per_share: nonNegative.default(0).describe('Commission per share.'),
    percent: nonNegative.default(0).describe('Commission as a percent of notional.'),
    minimum: nonNegative.default(0).describe('Minimum commission per fill.'),
    maximum: positive.optional().describe('Maximum commission per fill.'),
  })
  .strict();

/** Event-tracing levels, from nothing to every event; see docs/tracing.md for what each records. */
export const TRACE_LEVELS = ['none', 'minimal', 'standard', 'detailed', 'debug'] as const;
export type TraceLevel = (typeof TRACE_LEVELS)[number];

const traceLevel = z.enum(TRACE_LEVELS);
const traceMaxEvents = z.number().int().positive().max(10_000_000);
const traceSampleEvery = z.number().int().positive();

/** Per-container tracing override; an absent field inherits the global setting. */
export const ContainerTraceSchema = z
  .object({
    level: traceLevel.optional().describe('Trace level for events delivered to (or, failing that, sent by) the matching containers.'),
    max_events: traceMaxEvents.optional().describe('A retention budget of their own for the matching containers; without it they share the global one.'),
    sample_every: traceSampleEvery.optional().describe('Record every Nth event of each type.'),
  })
  .strict();

export const TraceSettingsSchema = z
  .object({
    level: traceLevel
      .default('none')
      .describe('none | minimal (orders, rejections, fills, errors) | standard (+ signals, portfolio snapshots, trades) | detailed (+ features) | debug (every event, bars too).'),
    // null rather than absent, so the resolved config (workflow.json) shows every key.
    trace_id: z.string().min(1).nullable().default(null).describe('Id written in the trace header; null: the workflow id.'),
    trace_dir: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe('Folder that receives trace.ndjson, relative to the working directory; null: <phase folder>/trace.'),
    max_events: traceMaxEvents.default(100_000).describe('Most trace records kept in memory and written (per retention budget).'),
    retention: z
      .enum(['sliding_window', 'trade_complete'])
      .default('sliding_window')
      .describe('sliding_window: the last max_events records; trade_complete: records of open trades are kept and dropped once the position is flat again.'),
    sample_every: traceSampleEvery.default(1).describe('Record every Nth event of each type (1 = all).'),
    container_settings: z
      .record(z.string().min(1), ContainerTraceSchema)
      .default({})
      .describe('Overrides by container id or glob (`portfolio_*`): { level, max_events, sample_every }; an exact id wins over a glob.'),
  })
  .strict();

export const ExecutionSchema = z
  .object({
    fill: z
      .enum(['next_open', 'close'])
      .default('next_open')
      .describe("When a market order fills: the next bar's open (default, no look-ahead) or the signal bar's close."),
    slippage_bps: nonNegative.max(10_000).default(0).describe('Slippage in basis points, against the trader.'),
    commission: CommissionSchema.default({ per_share: 0, percent: 0, minimum: 0 }),
    // Filled in by parsing (the default), yet optional in the type: code that builds an
    // execution block by hand needs no tracing settings; readers fall back to tracing off.
    trace_settings: TraceSettingsSchema.default(TraceSettingsSchema.parse({})).optional().describe('Event tracing (docs/tracing.md).'),
  })
  .strict();

export type SizingConfig = z.infer<typeof SizingSchema>;
export type PortfolioConfig = z.infer<typeof PortfolioSchema>;
export type RiskConfig = z.infer<typeof RiskSchema>;
export type ExecutionConfig = z.infer<typeof ExecutionSchema>;
export type TraceSettings = z.infer<typeof TraceSettingsSchema>;
export type ContainerTraceSettings = z.infer<typeof ContainerTraceSchema>;
