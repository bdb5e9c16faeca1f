/**
 * A classifier plugin: names the market 'trending' while the efficiency ratio over
 * `period` bars is at least `threshold`, else 'choppy'. Strategies and filters read it by
 * the classifier's id (`filter: "market == 'trending'"`, or a regime_switch).
 */
import { defineClassifier, z } from 'sluice';

export const efficiencyRegime = defineClassifier({
  name: 'efficiency_regime',
  description: "'trending' while the efficiency ratio is at least the threshold, else 'choppy'.",
  params: z.strictObject({ period: z.number().int().positive().default(20), threshold: z.number().min(0).max(1).default(0.3) }),
  labels: ['trending', 'choppy'],
  features: (p) => [{ indicator: 'efficiency_ratio', params: { period: p.period } }],
  create: (p) => (features) => {
    const er = features[0]!;
    if (Number.isNaN(er)) return null;
    return er >= p.threshold ? 'trending' : 'choppy';
  },
});
