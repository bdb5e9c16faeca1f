import type { TradeEvent } from '../../events/index.ts';
import type { ClosedTrade } from './book.ts';

/** The fill a trade closed on: its bar (`seq`, `ts`) and symbol. */
export interface TradeCause {
  readonly seq: number;
  readonly ts: number;
  readonly symbol: string;
}

/**
 * The TRADE event of a closed trade, built in one place for the portfolio container and
 * the fused book loop (src/domain/columnar/), so both paths emit the same fields in the
 * same order (the results files serialise them as they come).
 */
export function tradeEvent(t: ClosedTrade, at: TradeCause, source: string, key: string, tradeId: number): TradeEvent {
  return {
    type: 'TRADE',
    seq: at.seq,
    ts: at.ts,
    symbol: at.symbol,
    source,
    key,
    tradeId,
    direction: t.direction,
    quantity: t.quantity,
    entryTs: t.entryTs,
    entryPrice: t.entryPrice,
    exitTs: t.exitTs,
    exitPrice: t.exitPrice,
    pnl: t.pnl,
    grossPnl: t.grossPnl,
    commission: t.commission,
    returnPct: t.returnPct,
    barsHeld: t.barsHeld,
    exitReason: t.exitReason,
  };
}
