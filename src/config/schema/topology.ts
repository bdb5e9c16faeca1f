import { z } from 'zod';
import type { CamelCaseKeys } from '../case-keys.ts';
import { EVENT_TYPES } from '../../events/index.ts';
import { TRACE_LEVELS } from './trace-levels.ts';
import { TraceMaxEventsSchema, TraceThrottleSchema } from './trace-limits.ts';

/** What a container does; one file per role in src/containers/. */
export const ROLES = [
  'data',
  'features',
  'classifier',
  'strategy',
  'portfolio',
  'risk',
  'execution',
  'signal_sink',
  'signal_source',
] as const;
export type Role = (typeof ROLES)[number];

/** How a route delivers; one file per kind in src/routes/. */
export const ROUTE_KINDS = ['broadcast', 'pipeline', 'selective', 'merge', 'feedback'] as const;
export type RouteKind = (typeof ROUTE_KINDS)[number];

/** Collections a container may be expanded over, one instance per element. */
export const FOREACH_SOURCES = ['strategies', 'classifiers'] as const;

const idPattern = /^[a-z][a-z0-9_]*$/;

export const ContainerDefSchema = z
  .object({
    id: z
      .string()
      .regex(idPattern, 'use lower_snake_case (a-z, 0-9, _), starting with a letter')
      .describe('Container id, unique in the topology.'),
    role: z.enum(ROLES).describe('What the container does.'),
    foreach: z
      .enum(FOREACH_SOURCES)
      .optional()
      .describe('Expand to one instance per element (instance ids: <id>_<key>).'),
    description: z.string().optional(),
  })
  .strict();

const endpoint = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** Formats a container's output events can be recorded in (`behaviors[].record.format`). */
export const RECORD_FORMATS = ['ndjson', 'parquet'] as const;

/**
 * A capability attached to every container instance whose id matches a glob. Behaviors
 * observe, they never change what a container does: trading results are the same with or
 * without them. `trace`, `sample_every`, `throttle` and `max_events` are
 * `execution.trace_settings.container_settings` entries declared with the topology (the
 * config's own entry for the same key wins); `record` has limits of its own.
 */
export const BehaviorSchema = z
  .object({
    match: z
      .string()
      .min(1)
      .describe(
        'Container instance id or glob (`*` = any run of characters), e.g. `portfolio_*` or `*`; it must match at least one container.',
      ),
    trace: z
      .enum(TRACE_LEVELS)
      .optional()
      .describe('Trace level of the matching containers (as `container_settings.<match>.level`).'),
    sample_every: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'Trace every Nth event of each type of the matching containers (as `container_settings.<match>.sample_every`).',
      ),
    throttle: TraceThrottleSchema.optional().describe(
      "Trace at most one event of each type per container per this span of event time, e.g. '1h' (as `container_settings.<match>.throttle`).",
    ),
    max_events: TraceMaxEventsSchema.optional().describe(
      'A trace budget of their own, the last N records kept (as `container_settings.<match>.max_events`).',
    ),
    record: z
      .object({
        format: z
          .enum(RECORD_FORMATS)
          .default('ndjson')
          .describe('ndjson (one trace record per line) or parquet (one row per event, data as JSON text).'),
        throttle: TraceThrottleSchema.optional().describe(
          "Record at most one event of each type per container per this span of event time (bar timestamps), e.g. '1d'.",
        ),
        max_events: TraceMaxEventsSchema.optional().describe(
          "Most records written per container: the first N; the rest are counted in phase_summary.json's `records` as dropped.",
        ),
      })
      .strict()
      .optional()
      .describe(
        'Record every event the matching containers emit to `<phase>/records/<container>.<format>`, whatever the trace level (unbounded unless throttled or capped).',
      ),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (
      b.trace === undefined &&
      b.sample_every === undefined &&
      b.throttle === undefined &&
      b.max_events === undefined &&
      b.record === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'a behavior attaches nothing: give trace, sample_every or record',
      });
    }
  });

export const RouteDefSchema = z
  .object({
    name: z.string().regex(idPattern, 'use lower_snake_case').optional().describe('Route name (default: from_to).'),
    kind: z
      .enum(ROUTE_KINDS)
      .describe(
        'broadcast (one → many), pipeline (one → one), selective (by key), merge (many → one), feedback (closes a cycle).',
      ),
    from: endpoint.describe(
      'Producer container id(s) or glob(s) over the declared ids (`portfolio_*`); a foreach container id means all its instances.',
    ),
    to: endpoint.describe(
      'Consumer container id(s) or glob(s) over the declared ids (`portfolio_*`); a foreach container id means all its instances.',
    ),
    events: z
      .array(z.enum(EVENT_TYPES))
      .min(1)
      .describe('Event types carried; a producer sends an event on every route that carries its type.'),
    by_key: z
      .boolean()
      .optional()
      .describe(
        "Deliver each event only to the instance whose foreach key equals the event's key (selective; optional on feedback).",
      ),
  })
  .strict();

/** A topology pattern: the graph as data. Lives in patterns/topologies/<name>.yaml. */
export const TopologySchema = z
  .object({
    name: z.string().regex(idPattern, 'use lower_snake_case'),
    description: z.string().default(''),
    containers: z.array(ContainerDefSchema).min(1),
    routes: z.array(RouteDefSchema).default([]),
    defaults: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Config defaults deep-merged under the user config.'),
    behaviors: z
      .array(BehaviorSchema)
      .optional()
      .describe(
        'Capabilities (trace level, sampling, recording) attached to every container instance matching a glob (docs/topologies.md).',
      ),
  })
  .strict();

export type ContainerDef = CamelCaseKeys<z.infer<typeof ContainerDefSchema>>;
export type RouteDef = CamelCaseKeys<z.infer<typeof RouteDefSchema>>;
export type TopologyDef = CamelCaseKeys<z.infer<typeof TopologySchema>>;
export type BehaviorDef = CamelCaseKeys<z.infer<typeof BehaviorSchema>>;
