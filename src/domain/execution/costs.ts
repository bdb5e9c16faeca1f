/**
 * Transaction costs of simulated execution: slippage on the price, commission per fill.
 */
import type { OrderSide } from '../../events/index.ts';

/**
 * Commission of one fill (the YAML `commission` block). All parts are optional (`undefined`
 * counts as absent, matching zod's inferred optionals); an empty model costs nothing.
 */
export interface CommissionModel {
  /** Currency per share. */
  readonly per_share?: number | undefined;
  /** Lower bound per fill. */
  readonly minimum?: number | undefined;
  /** Upper bound per fill; none when absent. */
  readonly maximum?: number | undefined;
  /** Percent of the fill's notional (0.1 means 0.1 %). */
  readonly percent?: number | undefined;
}

/**
 * The price an order executes at after slippage of `bps` basis points, always against the
 * trader: a buy pays `price × (1 + bps / 10 000)`, a sell receives `price × (1 − bps / 10 000)`.
 */
export function slippedPrice(side: OrderSide, price: number, bps: number): number {
  const f = bps / 1e4;
  return side === 'buy' ? price * (1 + f) : price * (1 - f);
}

/**
 * Commission of a fill of `quantity` shares at `price`:
 * `clamp(per_share × quantity + percent / 100 × quantity × price, minimum, maximum)`.
 *
 * The maximum wins over the minimum if a model sets them the wrong way round. A zero
 * quantity is no fill and costs nothing, even under a minimum.
 */
export function commission(model: CommissionModel, quantity: number, price: number): number {
  if (quantity === 0) return 0;
  const q = Math.abs(quantity);
  let c = (model.per_share ?? 0) * q + ((model.percent ?? 0) / 100) * q * price;
  if (model.minimum !== undefined && c < model.minimum) c = model.minimum;
  if (model.maximum !== undefined && c > model.maximum) c = model.maximum;
  return c;
}
