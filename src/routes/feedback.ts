import type { Route, RouteSpec } from './route.ts';
import { AllTargets, ByKey, type InboxFactory } from './subject-fan-out.ts';

class FeedbackToAll extends AllTargets {}
class FeedbackByKey extends ByKey {}

/**
 * The only kind of route allowed to close a cycle: fills (and risk rejections) flowing
 * back to the portfolio that sent the order. Delivery is synchronous, so a fill reaches
 * its portfolio before the next bar does. With `by_key` it delivers like a selective
 * route, otherwise like a broadcast.
 */
export function createFeedbackRoute(spec: RouteSpec, inbox?: InboxFactory): Route {
  const withKind = { ...spec, kind: 'feedback' as const };
  return spec.byKey ? new FeedbackByKey(withKind, inbox) : new FeedbackToAll(withKind, inbox);
}
