/**
 * A book's open tracked orders on the fused exit flow (src/domain/columnar/fused-exit-flow.ts):
 * the portfolio's `openOrders` and the funds each reserves, in the order sent. A book has
 * one or two, so a scanned list in typed arrays: sending and ending an order allocates
 * nothing (two Maps per book, set and deleted per order, were most of this flow's garbage
 * after the broker's).
 */
export class TrackedOrders {
  count = 0;
  private ids: Float64Array = new Float64Array(4);
  /** Signed quantity each counts as pending. */
  private signedQty: Float64Array = new Float64Array(4);
  /** Funds each reserves. */
  private reservedFunds: Float64Array = new Float64Array(4);
  /** 1 for a limit or stop entry resting at the broker (the portfolio's `resting`: a new signal cancels it). */
  private resting: Uint8Array = new Uint8Array(4);

  add(orderId: number, signed: number, reserved: number, resting = false): void {
    if (this.count === this.ids.length) {
      const flags = new Uint8Array(this.ids.length * 2);
      flags.set(this.resting);
      this.resting = flags;
      const grow = (a: Float64Array): Float64Array => {
        const next = new Float64Array(a.length * 2);
        next.set(a);
        return next;
      };
      this.ids = grow(this.ids);
      this.signedQty = grow(this.signedQty);
      this.reservedFunds = grow(this.reservedFunds);
    }
    const i = this.count++;
    this.ids[i] = orderId;
    this.signedQty[i] = signed;
    this.reservedFunds[i] = reserved;
    this.resting[i] = resting ? 1 : 0;
  }

  /** Id of the first resting entry in the order sent, -1 when there is none. */
  firstResting(): number {
    for (let i = 0; i < this.count; i++) if (this.resting[i] === 1) return this.ids[i]!;
    return -1;
  }

  /** Position of `orderId` in the list, -1 when not tracked. */
  indexOf(orderId: number): number {
    for (let i = 0; i < this.count; i++) if (this.ids[i] === orderId) return i;
    return -1;
  }

  /** `power` less each reservation in the order sent (the sum's rounding as the portfolio's). */
  deductReserved(power: number): number {
    for (let i = 0; i < this.count; i++) power -= this.reservedFunds[i]!;
    return power;
  }

  /**
   * Entry i filled in part (`quantity` of it, signed `signed`; `remaining` left): as the
   * portfolio's `filled`, its funds stay reserved pro rata for the rest (the same
   * expression, so the same rounding) and it counts only the rest as pending.
   */
  partFilled(i: number, signed: number, quantity: number, remaining: number): void {
    this.reservedFunds[i] = (this.reservedFunds[i]! * remaining) / (remaining + quantity);
    this.signedQty[i] = this.signedQty[i]! - signed;
  }

  /** Drops entry i (keeping the others' order); returns its signed quantity. */
  remove(i: number): number {
    const signed = this.signedQty[i]!;
    this.ids.copyWithin(i, i + 1, this.count);
    this.signedQty.copyWithin(i, i + 1, this.count);
    this.reservedFunds.copyWithin(i, i + 1, this.count);
    this.resting.copyWithin(i, i + 1, this.count);
    this.count--;
    return signed;
  }
}
