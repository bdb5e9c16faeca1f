/**
 * What a symbol is, for the accounting: a share (the default) or a futures contract.
 *
 * A share costs its price and its position is worth position × price. A futures contract
 * costs nothing to buy: the book posts `margin` per contract as a deposit, and the price
 * change × `multiplier` is settled in cash (variation margin). docs/execution.md has the
 * formulas and a worked example.
 */

/** A share: one unit is worth its price. */
export interface EquityInstrument {
  readonly kind: 'equity';
}

/** A futures contract (the YAML `data.instrument` block with `kind: future`). */
export interface FutureInstrument {
  readonly kind: 'future';
  /** Currency per point of price per contract (ES: 50, backtrader's `mult`). */
  readonly multiplier: number;
  /** Margin posted per contract while it is open (backtrader's `margin`), in currency. */
  readonly margin: number;
}

export type Instrument = EquityInstrument | FutureInstrument;

/** The instrument of every symbol that has no entry of its own. */
export const EQUITY: EquityInstrument = Object.freeze({ kind: 'equity' });

/** Currency per point of price per unit: the multiplier of a future, 1 for a share. */
export function pointValue(instrument: Instrument): number {
  return instrument.kind === 'future' ? instrument.multiplier : 1;
}

/** @throws RangeError when a future's multiplier or margin is not a finite number > 0. */
export function checkInstrument(symbol: string, instrument: Instrument): void {
  if (instrument.kind !== 'future') return;
  for (const [name, v] of [
    ['multiplier', instrument.multiplier],
    ['margin', instrument.margin],
  ] as const) {
    if (!(v > 0) || !Number.isFinite(v))
      throw new RangeError(`instrument of ${symbol}: ${name} must be a finite number > 0, got ${v}`);
  }
}
