import type { RouteSpec } from './route.ts';
import type { InboxFactory } from './subject-fan-out.ts';
import { AllTargets } from './subject-fan-out.ts';

/** One producer to one consumer: a link in a chain (portfolio → risk → execution). */
export class PipelineRoute extends AllTargets {
  constructor(spec: RouteSpec, inbox?: InboxFactory) {
    if (spec.from.length !== 1 || spec.targets.length !== 1) {
      throw new Error(`pipeline route ${spec.name} needs exactly one producer and one consumer`);
    }
    super({ ...spec, kind: 'pipeline' }, inbox);
  }
}
