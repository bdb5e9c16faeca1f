/**
 * A row of `equity.ndjson` (a book's equity at a bar's close, written with
 * `results.storage: disk` or `hybrid`) and of a walk-forward's `oos_equity.ndjson` (the
 * stitched out-of-sample curve: no book, no cash).
 */
import { z } from 'zod';
import { IsoTimeSchema } from './phase-summary.ts';

/** One equity point. */
export const EquityRowSchema = z
  .strictObject({
    strategy_id: z.string().optional().describe('The book; absent on the stitched out-of-sample curve.'),
    ts: IsoTimeSchema.describe('Bar time.'),
    equity: z.number().nullable().describe("Equity at the bar's close."),
    cash: z.number().nullable().optional().describe("Cash at the bar's close; absent on the stitched curve."),
  })
  .describe('A row of equity.ndjson / oos_equity.ndjson: one equity point.');
