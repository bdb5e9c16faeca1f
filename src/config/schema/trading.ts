import { z } from 'zod';
import type { CamelCaseKeys } from '../case-keys.ts';
import { TRACE_LEVELS } from './trace-levels.ts';
import { TraceMaxEventsSchema, TraceThrottleSchema } from './trace-limits.ts';

/** Whether `zone` is a time zone this runtime knows (an IANA name such as America/New_York). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

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
      risk_percent: z
        .number()
        .gt(0)
        .max(100)
        .default(1)
        .describe('Percent of equity lost if price moves atr_multiple ATRs against the position.'),
      atr_period: z.number().int().positive().default(14).describe("Period of Wilder's ATR read from the feature hub."),
      atr_first_bar: z
        .enum(['skip', 'high_low'])
        .default('skip')
        .describe(
          "The ATR's first bar, which has no previous close: skip it (TA-Lib, backtrader) or take its high - low (see the atr indicator).",
        ),
      atr_multiple: positive.default(2).describe('Distance of the notional stop, in ATRs.'),
      max_percent: z.number().gt(0).max(1000).default(100).describe('Cap on the position notional, percent of equity.'),
    })
    .strict(),
  z
    .object({
      type: z.literal('volatility_target'),
      target_volatility: z.number().gt(0).max(1000).describe('Annualized volatility to aim for, percent (15 = 15 %).'),
      lookback: z
        .number()
        .int()
        .min(2)
        .default(20)
        .describe('Bars of log returns in the realized volatility estimate.'),
      max_leverage: positive.default(1).describe('Cap on the position notional as a multiple of equity.'),
    })
    .strict(),
]);

/** Margin rates of a margin account; the defaults are Reg T initial and FINRA maintenance margin. */
export const MarginRatesSchema = z
  .object({
    initial: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe('Free equity needed to open a long share position, as a fraction of its notional (Reg T: 0.5).'),
    maintenance: z
      .number()
      .gt(0)
      .max(1)
      .default(0.25)
      .describe(
        'Equity needed to keep long share positions, as a fraction of their notional; below it a margin call liquidates (FINRA: 0.25).',
      ),
    short_initial: z
      .number()
      .gt(0)
      .max(2)
      .default(0.5)
      .describe('Free equity needed to open a short share position, as a fraction of its notional.'),
    short_maintenance: z
      .number()
      .gt(0)
      .max(2)
      .default(0.3)
      .describe('Equity needed to keep short share positions, as a fraction of their notional.'),
    max_leverage: positive.max(100).default(2).describe('Largest gross exposure as a multiple of equity.'),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.maintenance > m.initial)
      ctx.addIssue({
        code: 'custom',
        path: ['maintenance'],
        message: `maintenance ${m.maintenance} is above initial ${m.initial}: a new position would be called at once; lower maintenance or raise initial`,
      });
    if (m.short_maintenance > m.short_initial) {
      ctx.addIssue({
        code: 'custom',
        path: ['short_maintenance'],
        message: `short_maintenance ${m.short_maintenance} is above short_initial ${m.short_initial}: lower short_maintenance or raise short_initial`,
      });
    }
  });

export const PortfolioSchema = z
  .object({
    initial_cash: positive.default(100_000).describe('Starting cash of each book.'),
    sizing: SizingSchema.default({ type: 'percent_equity', percent: 100 }).describe(
      'How many shares a signal asks for.',
    ),
    allow_short: z.boolean().default(false).describe('Act on short signals; when false a short signal means flat.'),
    entry_order: z
      .object({
        type: z
          .enum(['market', 'limit', 'stop'])
          .default('market')
          .describe(
            "Order type of entries: market (next open), limit (a better price than the signal's close), stop (a breakout beyond it).",
          ),
        offset_bps: nonNegative
          .max(10_000)
          .default(0)
          .describe(
            "limit: this many bps better than the signal bar's close (below for a buy); stop: this many bps beyond it (above for a buy).",
          ),
        expires_after_bars: z
          .number()
          .int()
          .positive()
          .optional()
          .describe(
            'Cancel an unfilled entry after this many bars; absent: until filled or replaced by the next signal.',
          ),
      })
      .strict()
      .default({ type: 'market', offset_bps: 0 })
      .describe('How signals enter positions; orders that only reduce a position are always market orders.'),
    close_at_end: z
      .boolean()
      .default(true)
      .describe("Close open positions at the last bar's close when the data ends (exit reason end_of_data)."),
    account: z
      .enum(['cash', 'margin'])
      .default('cash')
      .describe(
        'cash: entries are paid from cash (shares at their price, futures at their margin, plus costs) and shares cannot be sold short; margin: entries need initial margin of free equity, gross exposure is capped at margin.max_leverage, and equity below the maintenance margin liquidates (exit reason margin_call).',
      ),
    insufficient_funds: z
      .enum(['reject', 'resize'])
      .default('reject')
      .describe(
        'An entry beyond buying power: reject its opening part (a REJECT naming the shortfall), or resize it to the largest whole quantity that fits.',
      ),
    margin: MarginRatesSchema.optional().describe(
      'Margin rates of a margin account (absent: the defaults); only with account: margin.',
    ),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.margin !== undefined && p.account !== 'margin') {
      ctx.addIssue({
        code: 'custom',
        path: ['margin'],
        message:
          'margin rates apply to a margin account only: set portfolio.account: margin, or remove portfolio.margin',
      });
    }
  });

export const RiskSchema = z
  .object({
    max_position: z.number().int().positive().optional().describe('Largest absolute position per symbol, in shares.'),
    max_position_pct: positive
      .max(1000)
      .optional()
      .describe('Largest position per symbol as a percent of equity (notional).'),
    max_exposure: positive
      .optional()
      .describe('Largest gross exposure as a multiple of equity (1 = fully invested, no leverage).'),
    stop_loss_pct: positive
      .max(100)
      .optional()
      .describe('Exit at a resting stop this percent below (long) / above (short) the average entry price.'),
    take_profit_pct: positive
      .optional()
      .describe('Exit at a resting limit this percent above (long) / below (short) the average entry price.'),
    trailing_stop_pct: positive
      .max(100)
      .optional()
      .describe(
        'Exit at a resting stop this percent behind the best price since entry (highest high / lowest low of closed bars).',
      ),
    max_holding_bars: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Exit at the next open once a position has been held this many bars.'),
    max_drawdown_pct: positive
      .max(100)
      .optional()
      .describe(
        'Halt the book once equity is this percent below its peak: close everything and ignore further signals.',
      ),
    close_eod: z
      .union([
        z.boolean(),
        z
          .object({
            at: z
              .string()
              .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM (24 h)')
              .default('16:00')
              .describe('Session close, wall-clock time in `timezone`.'),
            timezone: z
              .string()
              .min(1)
              .refine(isTimeZone, "not a time zone: write an IANA name such as 'America/New_York' or 'Europe/London'")
              .default('America/New_York')
              .describe('IANA time zone of the exchange.'),
          })
          .strict(),
      ])
      .optional()
      .describe(
        'Be flat at each session close: a market-on-close order fills at the close of the bar ending at the session close. true = 16:00 America/New_York.',
      ),
  })
  .strict();

const PerShareCommissionSchema = z
  .object({
    model: z
      .literal('per_share')
      .default('per_share')
      .describe('Per share plus percent of notional; the model when `model` is absent.'),
    per_share: nonNegative.default(0).describe('Commission per share.'),
    percent: nonNegative.default(0).describe('Commission as a percent of notional.'),
    minimum: nonNegative.default(0).describe('Minimum commission per order (paid by its first fill).'),
    maximum: positive.optional().describe('Maximum commission per order.'),
  })
  .strict();

const FixedCommissionSchema = z
  .object({
    model: z.literal('fixed'),
    per_order: nonNegative.describe('Fee per order, whatever its size (paid by its first fill).'),
  })
  .strict();

const PerContractCommissionSchema = z
  .object({
    model: z.literal('per_contract'),
    per_contract: nonNegative.describe(
      'Fee per contract traded, each side (a round trip of n contracts pays 2 × n × per_contract); for futures.',
    ),
  })
  .strict();

const CommissionTierSchema = z
  .object({
    up_to_shares: positive
      .optional()
      .describe("The tier applies while the book's shares traded this month are below this."),
    up_to_notional: positive
      .optional()
      .describe("The tier applies while the book's notional traded this month is below this."),
    per_share: nonNegative.default(0).describe('Commission per share in this tier.'),
    percent: nonNegative.default(0).describe('Commission as a percent of notional in this tier.'),
  })
  .strict();

/** Tier bounds: of one kind, strictly increasing; only the last tier may go without one. */
function checkTiers(tiers: readonly z.infer<typeof CommissionTierSchema>[], ctx: z.RefinementCtx): void {
  let kind: string | undefined;
  let previous = 0;
  tiers.forEach((t, i) => {
    const issue = (message: string): void => ctx.addIssue({ code: 'custom', path: [i], message });
    if (t.up_to_shares !== undefined && t.up_to_notional !== undefined)
      return issue('give up_to_shares or up_to_notional, not both');
    const bound = t.up_to_shares ?? t.up_to_notional;
    if (bound === undefined) {
      if (i < tiers.length - 1) issue('only the last tier may go without a bound (up_to_shares or up_to_notional)');
      return;
    }
    const k = t.up_to_shares !== undefined ? 'up_to_shares' : 'up_to_notional';
    if (kind !== undefined && k !== kind) return issue(`use one kind of bound: earlier tiers use ${kind}`);
    kind = k;
    if (!(bound > previous)) issue(`bounds must increase: ${bound} is not above ${previous}`);
    previous = bound;
  });
}

const TieredCommissionSchema = z
  .object({
    model: z.literal('tiered'),
    tiers: z
      .array(CommissionTierSchema)
      .min(1)
      .superRefine(checkTiers)
      .describe(
        "Rates by the book's month-to-date volume (calendar month, UTC): a fill pays the rate of the first tier whose bound is above the volume traded this month before it.",
      ),
    minimum: nonNegative.default(0).describe('Minimum commission per order (paid by its first fill).'),
    maximum: positive.optional().describe('Maximum commission per order.'),
  })
  .strict();

/** Commission per order; docs/execution.md has the formulas. A block without `model` is `per_share`. */
export const CommissionSchema = z.discriminatedUnion('model', [
  PerShareCommissionSchema,
  FixedCommissionSchema,
  PerContractCommissionSchema,
  TieredCommissionSchema,
]);

/** Slippage of market and stop fills, against the trader; docs/execution.md has the formulas. */
export const SlippageSchema = z.discriminatedUnion('model', [
  z
    .object({
      model: z.literal('fixed'),
      bps: nonNegative.max(10_000).describe('Basis points of the price.'),
    })
    .strict(),
  z
    .object({
      model: z.literal('spread'),
      spread_bps: nonNegative
        .max(20_000)
        .describe(
          'Assumed quoted bid-ask spread in basis points (constant: bars carry no quotes); a fill pays half of it.',
        ),
    })
    .strict(),
  z
    .object({
      model: z.literal('volume_share'),
      impact_bps: nonNegative
        .default(1000)
        .describe(
          "impact_bps × (fill quantity / bar volume)²; 1000 is zipline's VolumeShareSlippage default price_impact 0.1.",
        ),
      cap_bps: nonNegative.max(10_000).default(100).describe('Largest slippage, also paid on a bar without volume.'),
    })
    .strict(),
]);

// In a file of their own so the CLI can offer them as choices without loading zod at start-up.
export { TRACE_LEVELS, type TraceLevel } from './trace-levels.ts';

const traceLevel = z.enum(TRACE_LEVELS);
const traceSampleEvery = z.number().int().positive();

/** Per-container tracing override; an absent field inherits the global setting. */
export const ContainerTraceSchema = z
  .object({
    level: traceLevel
      .optional()
      .describe('Trace level for events delivered to (or, failing that, sent by) the matching containers.'),
    max_events: TraceMaxEventsSchema.optional().describe(
      'A retention budget of their own for the matching containers; without it they share the global one.',
    ),
    sample_every: traceSampleEvery.optional().describe('Record every Nth event of each type.'),
    throttle: TraceThrottleSchema.optional().describe(
      "At most one record of each event type per container per this span of event time (bar timestamps), e.g. '1h'.",
    ),
  })
  .strict();

export const TraceSettingsSchema = z
  .object({
    level: traceLevel
      .default('none')
      .describe(
        'none | minimal (orders, cancels, rejections, fills, errors) | standard (+ signals, portfolio snapshots, trades) | detailed (+ features) | debug (every event, bars too).',
      ),
    // null rather than absent, so the resolved config (workflow.json) shows every key.
    trace_id: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe('Id written in the trace header; null: the workflow id.'),
    trace_dir: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe('Folder that receives trace.ndjson, relative to the working directory; null: <phase folder>/trace.'),
    max_events: TraceMaxEventsSchema.default(100_000).describe(
      'Most trace records kept in memory and written (per retention budget).',
    ),
    retention: z
      .enum(['sliding_window', 'trade_complete'])
      .default('sliding_window')
      .describe(
        'sliding_window: the last max_events records; trade_complete: records of open trades are kept and dropped once the position is flat again.',
      ),
    sample_every: traceSampleEvery.default(1).describe('Record every Nth event of each type (1 = all).'),
    container_settings: z
      .record(z.string().min(1), ContainerTraceSchema)
      .default({})
      .describe(
        'Overrides by container id or glob (`portfolio_*`): { level, max_events, sample_every, throttle }; an exact id wins over a glob.',
      ),
  })
  .strict();

export const ExecutionSchema = z
  .object({
    fill: z
      .enum(['next_open', 'close'])
      .default('next_open')
      .describe(
        "When a market order fills: the next bar's open (default, no look-ahead) or the signal bar's close, which is optimistic (a price gone once the signal is known; validate, run and lookahead warn). Limit and stop orders always rest until a later bar.",
      ),
    slippage_bps: nonNegative
      .max(10_000)
      .default(0)
      .describe('Slippage in basis points, against the trader: shorthand for `slippage: { model: fixed, bps }`.'),
    slippage: SlippageSchema.optional().describe(
      'Slippage model of market and stop fills (fixed, spread, volume_share); absent: fixed at slippage_bps.',
    ),
    commission: CommissionSchema.default({ model: 'per_share', per_share: 0, percent: 0, minimum: 0 }).describe(
      'Commission model (per_share, fixed, per_contract, tiered); without `model`: per_share.',
    ),
    max_volume_share: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .describe(
        "Largest part of a bar's volume one order fills on that bar (0.1 = 10 %, whole shares); the rest waits for later bars. Absent: no limit.",
      ),
    engine: z
      .enum(['auto', 'per_event'])
      .optional()
      .describe(
        'How a backtest graph runs: auto (the default, when absent) runs it on the fused columnar path when that computes exactly what the per-event graph does, otherwise event by event (`sluice explain` says which, and why); per_event always runs it event by event. Results are identical; see docs/performance.md.',
      ),
    // Filled in by parsing (the default), yet optional in the type: code that builds an
    // execution block by hand needs no tracing settings; readers fall back to tracing off.
    trace_settings: TraceSettingsSchema.default(TraceSettingsSchema.parse({}))
      .optional()
      .describe('Event tracing (docs/tracing.md).'),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.slippage !== undefined && e.slippage_bps !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['slippage_bps'],
        message:
          'give slippage_bps or slippage, not both (slippage_bps is shorthand for slippage: { model: fixed, bps })',
      });
    }
  });

export type PortfolioConfig = CamelCaseKeys<z.infer<typeof PortfolioSchema>>;
export type RiskConfig = CamelCaseKeys<z.infer<typeof RiskSchema>>;
export type ExecutionConfig = CamelCaseKeys<z.infer<typeof ExecutionSchema>>;
export type TraceSettings = CamelCaseKeys<z.infer<typeof TraceSettingsSchema>>;
export type ContainerTraceSettings = CamelCaseKeys<z.infer<typeof ContainerTraceSchema>>;
