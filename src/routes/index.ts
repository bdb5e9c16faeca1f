import type { Route, RouteSpec } from './route.ts';
import { BroadcastRoute } from './broadcast.ts';
import { createFeedbackRoute } from './feedback.ts';
import { MergeRoute } from './merge.ts';
import { PipelineRoute } from './pipeline.ts';
import { SelectiveRoute } from './selective.ts';
import type { InboxFactory } from './subject-fan-out.ts';

export type { Route, RouteSpec, RouteTarget } from './route.ts';
export type { InboxFactory } from './subject-fan-out.ts';
export { RouteSubject } from './route-subject.ts';
export { BroadcastRoute, MergeRoute, PipelineRoute, SelectiveRoute, createFeedbackRoute };

/** Builds the route of a spec's kind. */
export function createRoute(spec: RouteSpec, inbox?: InboxFactory): Route {
  switch (spec.kind) {
    case 'broadcast':
      return new BroadcastRoute(spec, inbox);
    case 'pipeline':
      return new PipelineRoute(spec, inbox);
    case 'merge':
      return new MergeRoute(spec, inbox);
    case 'selective':
      return new SelectiveRoute(spec, inbox);
    case 'feedback':
      return createFeedbackRoute(spec, inbox);
  }
}
