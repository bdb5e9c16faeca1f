/**
 * An indicator plugin: Kaufman's efficiency ratio (Perry Kaufman, "Smarter Trading", 1995;
 * the ratio inside his adaptive moving average).
 *
 *   ER(n) at bar t = |x[t] − x[t−n]| / Σ_{i=t−n+1..t} |x[i] − x[i−1]|
 *
 * 1 when the series moved in a straight line over the last n bars, near 0 when it went
 * back and forth. It needs n + 1 values (warm-up n + 1 bars); a window with no movement at
 * all (every change 0) has ER 0.
 */
import { defineIndicator, PriceIndicator, z, type PriceInput } from 'sluice';

class EfficiencyRatio extends PriceIndicator {
  // The last n + 1 values (a ring), and the running sum of the last n absolute changes.
  private readonly values: Float64Array;
  private readonly changes: Float64Array;
  private seen = 0;
  private noise = 0;
  private current = NaN;

  constructor(
    private readonly period: number,
    input: PriceInput,
  ) {
    super(input);
    this.values = new Float64Array(period + 1);
    this.changes = new Float64Array(period);
  }

  push(x: number): void {
    const n = this.period;
    const at = this.seen % (n + 1);
    if (this.seen > 0) {
      const previous = this.values[(this.seen - 1) % (n + 1)]!;
      const slot = (this.seen - 1) % n;
      // Drop the change leaving the window, add the new one.
      this.noise += Math.abs(x - previous) - (this.seen > n ? this.changes[slot]! : 0);
      this.changes[slot] = Math.abs(x - previous);
    }
    this.values[at] = x;
    this.seen++;
    if (this.seen > n) {
      // Re-sum once per window so rounding in the running sum cannot drift.
      if (this.seen % n === 0) this.noise = this.changes.reduce((a, b) => a + b, 0);
      const first = this.values[this.seen % (n + 1)]!;
      this.current = this.noise > 0 ? Math.abs(x - first) / this.noise : 0;
    }
  }

  get ready(): boolean {
    return this.seen > this.period;
  }

  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  reset(): void {
    this.values.fill(0);
    this.changes.fill(0);
    this.seen = 0;
    this.noise = 0;
    this.current = NaN;
  }
}

export const efficiencyRatio = defineIndicator({
  name: 'efficiency_ratio',
  description: "Kaufman's efficiency ratio: net move over the sum of bar-to-bar moves across `period` bars, in [0, 1].",
  params: z.strictObject({ period: z.number().int().min(1).default(10) }),
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period + 1,
  create: (p, input) => new EfficiencyRatio(p.period, input),
});
