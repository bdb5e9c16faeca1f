import type { RouteSpec } from './route.ts';
import type { InboxFactory } from './subject-fan-out.ts';
import { AllTargets } from './subject-fan-out.ts';

/**
 * One producer to many consumers: every event reaches every consumer, in the order the
 * topology lists them (`to: [portfolio, execution, features]` means portfolio sees a bar
 * first). That order is part of the graph's meaning, so it is declared, not incidental.
 *
 * ```
 * data:      --b1--b2--|
 * features:  --b1--b2--|
 * portfolio: --b1--b2--|
 * ```
 */
export class BroadcastRoute extends AllTargets {
  constructor(spec: RouteSpec, inbox?: InboxFactory) {
    super({ ...spec, kind: 'broadcast' }, inbox);
  }
}
