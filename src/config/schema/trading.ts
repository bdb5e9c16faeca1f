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

export const ExecutionSchema = z
  .object({
    fill: z
      .enum(['next_open', 'close'])
      .default('next_open')
      .describe("When a market order fills: the next bar's open (default, no look-ahead) or the signal bar's close."),
    slippage_bps: nonNegative.max(10_000).default(0).describe('Slippage in basis points, against the trader.'),
    commission: CommissionSchema.default({ per_share: 0, percent: 0, minimum: 0 }),
  })
  .strict();

export type SizingConfig = z.infer<typeof SizingSchema>;
export type PortfolioConfig = z.infer<typeof PortfolioSchema>;
export type RiskConfig = z.infer<typeof RiskSchema>;
export type ExecutionConfig = z.infer<typeof ExecutionSchema>;
