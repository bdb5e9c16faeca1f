import type { RouteSpec } from './route.ts';
import type { InboxFactory } from './subject-fan-out.ts';
import { AllTargets } from './subject-fan-out.ts';

/**
 * Many producers to one consumer (fan-in). Events arrive in the order producers emit
 * them; since the graph is synchronous per bar, that order is deterministic.
 */
export class MergeRoute extends AllTargets {
  constructor(spec: RouteSpec, inbox?: InboxFactory) {
    if (spec.targets.length !== 1) throw new Error(`merge route ${spec.name} needs exactly one consumer`);
    super({ ...spec, kind: 'merge' }, inbox);
  }
}
