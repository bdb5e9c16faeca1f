import { z } from 'zod';
import { EVENT_TYPES } from '../events/index.ts';
import { ROUTE_KINDS } from '../config/schema/topology.ts';
import { ExecutionSchema, PortfolioSchema, RiskSchema } from '../config/schema/trading.ts';
import { PRICE_INPUTS } from '../domain/indicators/price-input.ts';

/**
 * The marble spec file (`marbles/**\/*.yaml`): what is under test, its input streams as
 * RxJS marble strings with value tables, and the expected output marbles, subscription
 * windows, lifecycle and failure. This schema is the first pass; names (strategies,
 * indicators, stream names), parameters, marble syntax and value tables are checked in a
 * second pass against the subject (`load-marble-spec.ts`), every error located.
 */

/** Characters with a meaning in a marble diagram; they cannot name a value. */
export const MARBLE_SYNTAX = new Set(['-', '|', '#', '^', '!', '(', ')', ' ']);

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lower_snake_case (a-z, 0-9, _), starting with a letter');
const key = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, _ . - only');
const params = z.record(z.string(), z.unknown()).default({});

const marble = z
  .string()
  .min(1)
  .describe('An RxJS marble diagram in run mode: one frame per character, spaces ignored.');

/** A value table: one character → one value. What a value may be depends on the stream. */
export const ValueTableSchema = z.record(
  z
    .string()
    .length(1)
    .refine((c) => !MARBLE_SYNTAX.has(c), {
      message: 'marble syntax characters (- | # ^ ! ( ) and space) cannot name a value',
    }),
  z.unknown(),
);

/** A stream: a marble string (values from the spec's shared table), or the long form. */
export const StreamSchema = z.union([
  marble,
  z.strictObject({
    marble,
    values: ValueTableSchema.optional().describe('Values of this stream; they take precedence over the shared table.'),
    error: z
      .string()
      .optional()
      .describe("For '#': an input errors with this message; an expected error's message must contain it."),
  }),
]);

/** A strategy from the catalogue, fed bars through the feature hub. */
export const StrategySubjectSchema = z.strictObject({
  kind: z.literal('strategy'),
  name: z.string().min(1).describe("Strategy from the catalogue, e.g. 'sma_crossover'."),
  params,
  id: key.optional().describe('Strategy id, the key of its signals; default the name.'),
  symbols: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      "A cross-sectional strategy's universe (rotation): the symbols its bars carry; default the spec's symbol.",
    ),
});

/** An indicator from the catalogue, fed bars through the feature hub. */
export const IndicatorSubjectSchema = z.strictObject({
  kind: z.literal('indicator'),
  name: z.string().min(1).describe("Indicator from the catalogue, e.g. 'sma'."),
  params,
  output: z.string().optional().describe('One output of a multi-output indicator; default all of them, as a mapping.'),
  input: z
    .enum(PRICE_INPUTS as [string, ...string[]])
    .optional()
    .describe('Price series read; default close.'),
});

/** Roles a container subject may have; strategies and features are tested as `strategy` / `indicator`. */
export const CONTAINER_SUBJECT_ROLES = ['portfolio', 'risk', 'execution'] as const;

/** One container, fed hand-written events. */
export const ContainerSubjectSchema = z.strictObject({
  kind: z.literal('container'),
  role: z.enum(CONTAINER_SUBJECT_ROLES),
  id: id.optional().describe('Container id; default the role.'),
  key: key.optional().describe("Foreach key (a portfolio's book); default 'main'."),
  config: z
    .record(z.string(), z.unknown())
    .default({})
    .describe("The role's config section (portfolio, risk or execution), as in a workflow."),
});

/** A route consumer: an id, or an id with a foreach key. */
export const RouteTargetSchema = z.union([id, z.strictObject({ id, key })]);

/** One route, fed by producer streams (the inputs), read by its consumers (the outputs). */
export const RouteSubjectSchema = z.strictObject({
  kind: z.literal('route'),
  route: z.enum(ROUTE_KINDS).describe('broadcast, pipeline, selective, merge or feedback.'),
  targets: z.array(RouteTargetSchema).min(1).describe('Consumers in delivery order.'),
  by_key: z.boolean().optional().describe('Feedback only: deliver by key like a selective route.'),
  events: z
    .array(z.enum(EVENT_TYPES))
    .min(1)
    .optional()
    .describe('Event types carried; default from the input stream names.'),
});

/** Roles a pipeline may list, in graph order. */
export const PIPELINE_ROLES = ['features', 'strategy', 'portfolio', 'risk', 'execution', 'signal_sink'] as const;
export type PipelineRole = (typeof PIPELINE_ROLES)[number];

/** A strategy of a pipeline: as in a workflow, without grids. */
export const PipelineStrategySchema = z.strictObject({
  type: z.string().min(1),
  id: key.optional(),
  params,
});

/** A small graph compiled by the real topology machinery, fed bars by its data container. */
export const PipelineSubjectSchema = z.strictObject({
  kind: z.literal('pipeline'),
  roles: z
    .array(z.enum(PIPELINE_ROLES))
    .min(1)
    .describe('Containers after the data container, e.g. [features, strategy, portfolio, risk, execution].'),
  strategies: z.array(PipelineStrategySchema).default([]),
  portfolio: PortfolioSchema.default(PortfolioSchema.parse({})),
  risk: RiskSchema.default({}),
  execution: ExecutionSchema.default(ExecutionSchema.parse({})),
});

/**
 * What is under test. A union on `kind`, so a new kind (a classifier, say) is one more
 * member and one more harness.
 */
export const SubjectSchema = z
  .discriminatedUnion('kind', [
    StrategySubjectSchema,
    IndicatorSubjectSchema,
    ContainerSubjectSchema,
    RouteSubjectSchema,
    PipelineSubjectSchema,
  ])
  .meta({ noun: 'subject kind' });

/** Lifecycle actions a spec can assert (see `LifecycleAction` in the sequencer). */
export const LIFECYCLE_ACTIONS = [
  'initialize',
  'subscribe',
  'start',
  'finish',
  'stop',
  'unsubscribe',
  'cleanup',
] as const;

/** When one lifecycle action happened and to which containers, in order. */
export const LifecycleExpectationSchema = z.strictObject({
  frame: z.number().int().min(0).optional().describe('Frame at which the action happens to every container listed.'),
  order: z.array(z.string().min(1)).min(1).describe('Container ids in the order the action reaches them.'),
});

/** The whole spec file. */
export const MarbleSpecSchema = z.strictObject({
  name: z.string().min(1).optional().describe('Name printed by the runner; default the file path.'),
  description: z.string().min(1).describe('What the spec shows, for the reader.'),
  plugins: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Plugin modules whose strategies or indicators the subject names: paths or globs relative to the spec file, or package names (docs/extending.md).',
    ),
  subject: SubjectSchema,
  values: ValueTableSchema.default({}).describe('Values shared by every stream; a stream may have its own table.'),
  inputs: z.record(z.string(), StreamSchema).describe('Input streams by name.'),
  expect: z
    .record(z.string(), StreamSchema)
    .describe('Expected output streams by name; only the streams listed are compared.'),
  subscriptions: z
    .record(z.string(), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]))
    .optional()
    .describe("Expected subscription windows of input streams ('^---!')."),
  unsubscribe: z.string().min(1).optional().describe("Stop the subject early: '-----!' stops it at frame 5."),
  lifecycle: z.partialRecord(z.enum(LIFECYCLE_ACTIONS), LifecycleExpectationSchema).optional(),
  failure: z
    .strictObject({
      container: z.string().min(1).optional().describe('Id of the container that throws.'),
      message: z.string().min(1).optional().describe('Text the error message contains.'),
      frame: z.number().int().min(0).optional(),
    })
    .optional()
    .describe('An expected failure (a container throwing); required when a run fails and no expected marble shows #.'),
  tolerance: z
    .number()
    .min(0)
    .default(1e-9)
    .describe('Numbers match when |actual − expected| ≤ tolerance × max(1, |expected|).'),
  bar_ms: z.number().int().positive().default(60_000).describe('Bar timestamps: ts = frame × bar_ms.'),
  symbol: z.string().min(1).default('SPY').describe('Symbol of events that do not name one.'),
});

export type MarbleSpecData = z.infer<typeof MarbleSpecSchema>;
export type SubjectData = z.infer<typeof SubjectSchema>;
export type StreamData = z.infer<typeof StreamSchema>;
export type LifecycleExpectation = z.infer<typeof LifecycleExpectationSchema>;
export type LifecycleActionName = (typeof LIFECYCLE_ACTIONS)[number];
