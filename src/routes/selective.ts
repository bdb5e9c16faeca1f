import type { RouteSpec } from './route.ts';
import type { InboxFactory } from './subject-fan-out.ts';
import { ByKey } from './subject-fan-out.ts';

/**
 * Delivers each event to the one consumer instance that owns it: a signal from strategy
 * `sma_10_30` goes to `portfolio_sma_10_30` only. Consumers must be foreach instances;
 * events without a matching instance are counted as undelivered.
 */
export class SelectiveRoute extends ByKey {
  constructor(spec: RouteSpec, inbox?: InboxFactory) {
    super({ ...spec, kind: 'selective' }, inbox);
  }
}
