import type { SluiceEvent } from '../events/index.ts';
import type { YamlSource } from '../config/yaml-source.ts';
import type { ResolvedStrategy, ResolvedWorkflow } from '../config/resolved.ts';
import type { ExecutionConfig, PortfolioConfig, RiskConfig } from '../config/schema/trading.ts';
import type { StrategyDefinition } from '../domain/strategies/strategy.ts';
import type { IndicatorDefinition, PriceInput } from '../domain/indicators/indicator.ts';
import type { RouteSpec } from '../routes/route.ts';
import type { GraphPlan } from '../topology/graph-plan.ts';
import type { SubscriptionWindow } from './marble-frames.ts';
import type { InputEventType, StreamShape } from './marble-values.ts';
import type { LifecycleActionName, LifecycleExpectation } from './marble-spec-schema.ts';
import type { ExpectedValue } from './value-match.ts';

/**
 * A marble spec after loading and validation: names resolved against the catalogues,
 * parameters parsed, every input value turned into the event it emits and every expected
 * value into a matcher. Plain data, ready to run any number of times.
 */
export interface MarbleSpec {
  /** The file as the user named it (or `<inline spec>`). */
  readonly file: string;
  /** What the runner prints: the spec's `name`, else the file. */
  readonly name: string;
  readonly description: string;
  /** The parsed YAML, for locating anything found later. */
  readonly source: YamlSource;
  readonly subject: ResolvedSubject;
  readonly inputs: readonly InputStream[];
  readonly expect: readonly ExpectedStream[];
  readonly subscriptions: readonly ExpectedSubscriptions[];
  /** Frame at which the subject is stopped early, if the spec says so. */
  readonly unsubscribeFrame: number | undefined;
  readonly lifecycle: Readonly<Partial<Record<LifecycleActionName, LifecycleExpectation>>>;
  readonly failure: ExpectedFailure | undefined;
  readonly tolerance: number;
}

/** An expected failure: a container throwing. Each field given must match. */
export interface ExpectedFailure {
  readonly container?: string | undefined;
  readonly message?: string | undefined;
  readonly frame?: number | undefined;
}

/** What is under test, resolved. */
export type ResolvedSubject =
  StrategySubject | IndicatorSubject | ContainerSubject | RouteSubjectResolved | PipelineSubject;

export interface StrategySubject {
  readonly kind: 'strategy';
  readonly definition: StrategyDefinition;
  readonly params: Record<string, unknown>;
  /** Strategy id: the `key` of its signals. */
  readonly key: string;
  /** The symbols a cross-sectional strategy ranks, sorted. */
  readonly symbols: readonly string[];
}

export interface IndicatorSubject {
  readonly kind: 'indicator';
  readonly definition: IndicatorDefinition;
  readonly params: Record<string, unknown>;
  /** Outputs emitted: one (a number per bar) or all (a mapping per bar). */
  readonly outputs: readonly string[];
  readonly single: boolean;
  readonly input: PriceInput;
}

export type ContainerSubject = {
  readonly kind: 'container';
  readonly id: string;
  readonly key: string;
} & (
  | { readonly role: 'portfolio'; readonly config: PortfolioConfig }
  | { readonly role: 'risk'; readonly config: RiskConfig }
  | { readonly role: 'execution'; readonly config: ExecutionConfig }
);

export interface RouteSubjectResolved {
  readonly kind: 'route';
  readonly spec: RouteSpec;
}

export interface PipelineSubject {
  readonly kind: 'pipeline';
  /** The graph, planned and validated by `planGraph`. */
  readonly plan: GraphPlan;
  /** What `compileGraph` reads: strategies and the portfolio, risk and execution config. */
  readonly wf: ResolvedWorkflow;
  readonly strategies: readonly ResolvedStrategy[];
}

/** One input stream: a hot observable under the TestScheduler. */
export interface InputStream {
  readonly name: string;
  /** The diagram as written. */
  readonly marble: string;
  /** What each next notification emits, in order. */
  readonly events: readonly SluiceEvent[];
  /** Message of the error a `#` emits. */
  readonly error: string | undefined;
  readonly types: readonly InputEventType[];
}

/** One expected output stream. */
export interface ExpectedStream {
  readonly name: string;
  readonly marble: string;
  readonly shape: StreamShape;
  /** The expected value of each character the diagram uses (this stream's table over the shared one). */
  readonly table: ReadonlyMap<string, ExpectedValue>;
  /** Text an expected error's message must contain (any error when undefined). */
  readonly error: string | undefined;
}

/** Expected subscription windows of one input. */
export interface ExpectedSubscriptions {
  readonly input: string;
  readonly marbles: readonly string[];
  readonly windows: readonly SubscriptionWindow[];
}
