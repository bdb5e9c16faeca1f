/**
 * Transaction costs of simulated execution: slippage on the price, commission per order.
 * docs/execution.md states every formula with a worked example.
 */
import type { OrderSide } from '../../events/index.ts';

// ---------------------------------------------------------------------------------------
// Slippage
// ---------------------------------------------------------------------------------------

/**
 * How far a market or stop fill's price moves against the trader (the YAML `slippage`
 * block). Limit fills never slip: they fill at the limit or better.
 *
 * - `fixed`: `bps` basis points of the price.
 * - `spread`: half a quoted spread of `spread_bps` (bars carry no quotes: the spread is
 *   assumed constant).
 * - `volume_share`: zipline's VolumeShareSlippage, `impact_bps × (quantity / bar volume)²`,
 *   at most `cap_bps`.
 */
export type SlippageModel =
  | { readonly model: 'fixed'; readonly bps: number }
  | { readonly model: 'spread'; readonly spreadBps: number }
  | { readonly model: 'volume_share'; readonly impactBps: number; readonly capBps: number };

/**
 * The price an order executes at after slippage of `bps` basis points, always against the
 * trader: a buy pays `price × (1 + bps / 10 000)`, a sell receives `price × (1 − bps / 10 000)`.
 */
export function slippedPrice(side: OrderSide, price: number, bps: number): number {
  const f = bps / 1e4;
  return side === 'buy' ? price * (1 + f) : price * (1 - f);
}

/**
 * Slippage in basis points of a fill of `quantity` shares on a bar that traded `volume`:
 *
 * - fixed: `bps`
 * - spread: `spread_bps / 2`
 * - volume_share: `min(impact_bps × (quantity / volume)², cap_bps)`; a bar without volume
 *   (0, negative or not a number) pays `cap_bps` (nothing when `impact_bps` is 0).
 */
export function slippageBps(model: SlippageModel, quantity: number, volume: number): number {
  switch (model.model) {
    case 'fixed':
      return model.bps;
    case 'spread':
      return model.spreadBps / 2;
    case 'volume_share': {
      if (model.impactBps === 0 || quantity === 0) return 0;
      if (!(volume > 0)) return model.capBps;
      const share = quantity / volume;
      const bps = model.impactBps * share * share;
      return bps < model.capBps ? bps : model.capBps;
    }
  }
}

/** @throws RangeError when a parameter of `model` is negative or not finite. */
export function checkSlippageModel(model: SlippageModel): void {
  const check = (name: string, v: number): void => {
    if (!(v >= 0) || !Number.isFinite(v))
      throw new RangeError(`slippage ${model.model}: ${name} must be a finite number >= 0, got ${v}`);
  };
  switch (model.model) {
    case 'fixed':
      return check('bps', model.bps);
    case 'spread':
      return check('spread_bps', model.spreadBps);
    case 'volume_share':
      check('impact_bps', model.impactBps);
      return check('cap_bps', model.capBps);
    default:
      throw new RangeError(`unknown slippage model ${String((model as { model: unknown }).model)}`);
  }
}

// ---------------------------------------------------------------------------------------
// Commission
// ---------------------------------------------------------------------------------------

/**
 * Per share plus percent of notional, clamped per order (the YAML `commission` block
 * without `model`, or with `model: per_share`). All parts are optional (`undefined` counts
 * as absent, matching zod's inferred optionals); an empty model costs nothing.
 */
export interface PerShareCommission {
  readonly model?: 'per_share' | undefined;
  /** Currency per share. */
  readonly perShare?: number | undefined;
  /** Percent of the fill's notional (0.1 means 0.1 %). */
  readonly percent?: number | undefined;
  /** Lower bound per order. */
  readonly minimum?: number | undefined;
  /** Upper bound per order; none when absent. */
  readonly maximum?: number | undefined;
}

/** A flat fee per order, whatever its size. */
export interface FixedCommission {
  readonly model: 'fixed';
  readonly perOrder: number;
}

/**
 * One tier of a tiered schedule: its rate applies while the book's month-to-date volume
 * (shares or notional, whichever bound the schedule uses) is below `up_to_*`. The last
 * tier may have no bound.
 */
export interface CommissionTier {
  readonly upToShares?: number | undefined;
  readonly upToNotional?: number | undefined;
  readonly perShare?: number | undefined;
  readonly percent?: number | undefined;
}

/**
 * A fee per contract traded, each side (futures; backtrader's `COMM_FIXED` commission):
 * a round trip of n contracts pays 2 × n × `per_contract`.
 */
export interface PerContractCommission {
  readonly model: 'per_contract';
  /** Currency per contract, >= 0. */
  readonly perContract: number;
}

/** Rates by the book's month-to-date traded volume (IBKR's "tiered" pricing), clamped per order. */
export interface TieredCommission {
  readonly model: 'tiered';
  readonly tiers: readonly CommissionTier[];
  readonly minimum?: number | undefined;
  readonly maximum?: number | undefined;
}

/** Commission of an order: see {@link PerShareCommission}, {@link FixedCommission}, {@link PerContractCommission}, {@link TieredCommission}. */
export type CommissionModel = PerShareCommission | FixedCommission | PerContractCommission | TieredCommission;

/** What a tiered schedule's bounds count: traded shares or traded notional. */
export function tierMeasure(model: TieredCommission): 'shares' | 'notional' {
  return model.tiers.some((t) => t.upToNotional !== undefined) ? 'notional' : 'shares';
}

/**
 * The tier whose rate a fill pays: the first whose bound is above `monthToDate`, the
 * book's volume traded this calendar month before the fill. Beyond the last bound, the
 * last tier.
 */
export function tierFor(model: TieredCommission, monthToDate: number): CommissionTier {
  const tiers = model.tiers;
  for (const t of tiers) {
    const bound = t.upToShares ?? t.upToNotional;
    if (bound === undefined || monthToDate < bound) return t;
  }
  const last = tiers[tiers.length - 1];
  if (last === undefined) throw new RangeError('a tiered commission needs at least one tier');
  return last;
}

/**
 * Commission before the per-order minimum and maximum, of a fill of `quantity` shares at
 * `price`: `per_share × quantity + percent / 100 × quantity × price` at the model's rates
 * (a tiered model's rates are those of the tier `monthToDate` is in; a fixed fee has no
 * variable part).
 */
export function rawCommission(model: CommissionModel, quantity: number, price: number, monthToDate = 0): number {
  const q = Math.abs(quantity);
  let rates: { readonly perShare?: number | undefined; readonly percent?: number | undefined };
  if (model.model === 'fixed') return 0;
  if (model.model === 'per_contract') return model.perContract * q;
  else if (model.model === 'tiered') rates = tierFor(model, monthToDate);
  else rates = model;
  return (rates.perShare ?? 0) * q + ((rates.percent ?? 0) / 100) * q * price;
}

/**
 * What a whole order costs given the raw commission of all its fills so far: the fixed
 * fee, or `clamp(raw, minimum, maximum)` (the maximum wins over the minimum if they are
 * the wrong way round).
 */
export function orderCommission(model: CommissionModel, raw: number): number {
  if (model.model === 'fixed') return model.perOrder;
  if (model.model === 'per_contract') return raw;
  let c = raw;
  if (model.minimum !== undefined && c < model.minimum) c = model.minimum;
  if (model.maximum !== undefined && c > model.maximum) c = model.maximum;
  return c;
}

/**
 * Commission of an order filled at once, `quantity` shares at `price`:
 * `clamp(per_share × quantity + percent / 100 × quantity × price, minimum, maximum)`, the
 * fixed fee, or the tiered rate of `monthToDate`'s tier, clamped.
 *
 * A zero quantity is no fill and costs nothing, even under a minimum or a fixed fee.
 */
export function commission(model: CommissionModel, quantity: number, price: number, monthToDate = 0): number {
  if (quantity === 0) return 0;
  return orderCommission(model, rawCommission(model, quantity, price, monthToDate));
}

/** @throws RangeError when `model` has a negative or non-finite rate, or tiers out of order. */
export function checkCommissionModel(model: CommissionModel): void {
  const check = (name: string, v: number | undefined, positive = false): void => {
    if (v === undefined) return;
    if (!Number.isFinite(v) || v < 0 || (positive && v === 0)) {
      throw new RangeError(
        `commission ${model.model ?? 'per_share'}: ${name} must be a finite number ${positive ? '> 0' : '>= 0'}, got ${v}`,
      );
    }
  };
  if (model.model === 'fixed') return check('per_order', model.perOrder);
  if (model.model === 'per_contract') return check('per_contract', model.perContract);
  check('minimum', model.minimum);
  check('maximum', model.maximum);
  if (model.model !== 'tiered') {
    check('per_share', model.perShare);
    return check('percent', model.percent);
  }
  const problem = tiersProblem(model.tiers);
  if (problem !== undefined) throw new RangeError(`commission tiered: ${problem}`);
  model.tiers.forEach((t, i) => {
    check(`tiers[${i}].per_share`, t.perShare);
    check(`tiers[${i}].percent`, t.percent);
  });
}

/**
 * What is wrong with a tier list, or undefined: it needs a tier, bounds of one kind
 * (shares or notional), strictly increasing and > 0, and only the last tier may go
 * without a bound. Shared by the config schema and the broker.
 */
export function tiersProblem(tiers: readonly CommissionTier[]): string | undefined {
  if (tiers.length === 0) return 'needs at least one tier';
  let kind: 'shares' | 'notional' | undefined;
  let previous = 0;
  for (let i = 0; i < tiers.length; i++) {
    const t = tiers[i]!;
    if (t.upToShares !== undefined && t.upToNotional !== undefined)
      return `tiers[${i}] gives both up_to_shares and up_to_notional`;
    const bound = t.upToShares ?? t.upToNotional;
    if (bound === undefined) {
      if (i !== tiers.length - 1)
        return `tiers[${i}] has no bound (up_to_shares or up_to_notional), but only the last tier may go without one`;
      continue;
    }
    const k = t.upToShares !== undefined ? 'shares' : 'notional';
    if (kind !== undefined && k !== kind)
      return `tiers[${i}] counts ${k} but tiers before it count ${kind}: use one kind of bound`;
    kind = k;
    if (!(bound > previous) || !Number.isFinite(bound))
      return `tiers[${i}] bound ${bound} must be finite and above the tier before it (${previous})`;
    previous = bound;
  }
  return undefined;
}

/** Calendar month of `ts` in UTC, as a month count (year × 12 + month). */
export function utcMonth(ts: number): number {
  const d = new Date(ts);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** The commission bookkeeping of one order across its fills. */
export interface OrderCosts {
  /** Raw (unclamped) commission of the fills so far. */
  raw: number;
  /** Commission charged so far. */
  paid: number;
}

/**
 * Charges commission fill by fill so that an order's fills add up to what the whole
 * order costs: fill k pays `orderCommission(raw₁ + … + raw_k) − orderCommission(raw₁ + … + raw_{k−1})`
 * (the first fill pays `orderCommission(raw₁)`). A minimum or a fixed fee is therefore
 * paid once, by the first fill, and a maximum caps the order, not each fill. With one
 * fill per order this is {@link commission}.
 *
 * For a tiered model it keeps each book's month-to-date volume (per `key`, calendar
 * month of the fill time in UTC); other models keep nothing.
 */
export class CommissionSchedule {
  private readonly tiered: TieredCommission | undefined;
  private readonly byNotional: boolean;
  /** Per book: the month counted and the volume traded in it so far. */
  private readonly months = new Map<string, { month: number; volume: number }>();

  /** @throws RangeError when the model is invalid (see {@link checkCommissionModel}). */
  constructor(readonly model: CommissionModel) {
    checkCommissionModel(model);
    this.tiered = model.model === 'tiered' ? model : undefined;
    this.byNotional = this.tiered !== undefined && tierMeasure(this.tiered) === 'notional';
  }

  /** Month-to-date volume of book `key` at time `ts`, before any fill at `ts` is counted. */
  monthToDate(key: string, ts: number): number {
    const m = this.months.get(key);
    return m !== undefined && m.month === utcMonth(ts) ? m.volume : 0;
  }

  /** Commission of a fill of `quantity` at `price` at time `ts` for book `key`, updating `order`. */
  charge(order: OrderCosts, key: string, quantity: number, price: number, ts: number): number {
    if (quantity === 0) return 0;
    let mtd = 0;
    if (this.tiered !== undefined) {
      const month = utcMonth(ts);
      let m = this.months.get(key);
      if (m === undefined) this.months.set(key, (m = { month, volume: 0 }));
      else if (m.month !== month) {
        m.month = month;
        m.volume = 0;
      }
      mtd = m.volume;
      m.volume += this.byNotional ? Math.abs(quantity) * price : Math.abs(quantity);
    }
    order.raw += rawCommission(this.model, quantity, price, mtd);
    const total = orderCommission(this.model, order.raw);
    const c = total - order.paid;
    order.paid = total;
    return c;
  }
}
