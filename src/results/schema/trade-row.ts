/** A row of `trades.ndjson` (and of a walk-forward's `oos_trades.ndjson`): one closed trade. */
import { z } from 'zod';
import { IsoTimeSchema } from './phase-summary.ts';

/** One trade. */
export const TradeRowSchema = z
  .strictObject({
    window: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('oos_trades.ndjson: the walk-forward window of the trade.'),
    trade_id: z.number().int().positive().describe('Trade number within its run.'),
    strategy_id: z.string().describe('The book that traded.'),
    symbol: z.string(),
    direction: z.enum(['long', 'short']),
    quantity: z.number().describe('Shares (contracts, units).'),
    entry_time: IsoTimeSchema,
    entry_price: z.number().describe('Entry fill price, slippage included.'),
    exit_time: IsoTimeSchema,
    exit_price: z.number(),
    gross_pnl: z.number().describe('P&L before commission.'),
    commission: z.number().describe('Commission of entry and exit.'),
    pnl: z.number().describe('Net P&L.'),
    return_pct: z.number().describe('Net return on the entry notional, as a fraction.'),
    bars_held: z.number().int().nonnegative(),
    exit_reason: z.string().describe('signal, stop_loss, take_profit, close_eod, end_of_data, …'),
    bar_seq: z.number().int().nonnegative().describe('Bar sequence number of the exit (`sluice trace --fill`).'),
  })
  .describe('A row of trades.ndjson: one closed trade.');

/** A trade row as written (the writer's type) and read back. */
export type TradeRowJson = z.output<typeof TradeRowSchema>;
