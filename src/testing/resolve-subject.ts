import { ConfigError, type ConfigIssue, type ConfigPath } from '../config/config-error.ts';
import { issueAt, type YamlSource } from '../config/yaml-source.ts';
import { parseConfig, parseWithSchema } from '../config/validate.ts';
import { parseCamel, toSnakeKeys } from '../config/schema-keys.ts';
import { TopologySchema } from '../config/schema/topology.ts';
import { didYouMean } from '../errors/suggest.ts';
import type { ResolvedStrategy, ResolvedWorkflow } from '../config/resolved.ts';
import { ExecutionSchema, PortfolioSchema, RiskSchema } from '../config/schema/trading.ts';
import { WorkflowConfigSchema } from '../config/schema/workflow.ts';
import type { EventType } from '../events/index.ts';
import type { PriceInput } from '../domain/indicators/indicator.ts';
import type { StrategyDefinition } from '../domain/strategies/strategy.ts';
import { createRoute, type RouteSpec, type RouteTarget } from '../routes/index.ts';
import { planGraph } from '../topology/graph-plan.ts';
import { STREAM_TYPES, streamType } from './event-fields.ts';
import { PIPELINE_ROLES, type MarbleSpecData, type PipelineRole, type SubjectData } from './marble-spec-schema.ts';
import type { ResolvedSubject } from './marble-spec.ts';
import { pipelineTopology } from './pipeline-topology.ts';
import { INDICATORS } from '../domain/registry.ts';

/** Default foreach key of containers and of hand-written keyed events. */
export const DEFAULT_KEY = 'main';

/**
 * Second pass over `subject`: names looked up in the catalogues (with a did-you-mean),
 * parameters and role config parsed by their own schemas, routes and pipelines built and
 * checked by the real route and topology code. Problems are appended to `issues`, located;
 * the result is undefined when there were any.
 */
export function resolveSubject(
  source: YamlSource,
  data: MarbleSpecData,
  strategies: ReadonlyMap<string, StrategyDefinition>,
  issues: ConfigIssue[],
): ResolvedSubject | undefined {
  const before = issues.length;
  const parse = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push(...err.issues);
      return undefined;
    }
  };
  const subject: SubjectData = data.subject;
  const at = (...path: ConfigPath): ConfigPath => ['subject', ...path];

  switch (subject.kind) {
    case 'strategy': {
      const definition = lookup(
        source,
        strategies,
        subject.name,
        at('name'),
        'strategy',
        'see `sluice list strategies`',
        issues,
      );
      if (definition === undefined) return undefined;
      const params = parse(
        () => parseWithSchema(source, definition.params, subject.params, at('params')) as Record<string, unknown>,
      );
      if (params === undefined) return undefined;
      // The universe in the data's merge order, as the graph compiler gives it.
      const symbols = [...new Set(subject.symbols ?? [data.symbol])].sort();
      return { kind: 'strategy', definition, params, key: subject.id ?? subject.name, symbols };
    }

    case 'indicator': {
      const definition = lookup(
        source,
        INDICATORS,
        subject.name,
        at('name'),
        'indicator',
        'see `sluice list indicators`',
        issues,
      );
      if (definition === undefined) return undefined;
      const params = parse(
        () => parseWithSchema(source, definition.params, subject.params, at('params')) as Record<string, unknown>,
      );
      if (params === undefined) return undefined;
      let outputs = definition.outputs;
      if (subject.output !== undefined) {
        if (!definition.outputs.includes(subject.output)) {
          const guess = didYouMean(subject.output, definition.outputs);
          issues.push(
            issueAt(
              source,
              at('output'),
              'UNKNOWN_NAME',
              `indicator '${definition.name}' has no output '${subject.output}'`,
              guess !== undefined ? `did you mean '${guess}'?` : `outputs: ${definition.outputs.join(', ')}`,
            ),
          );
          return undefined;
        }
        outputs = [subject.output];
      }
      return {
        kind: 'indicator',
        definition,
        params,
        outputs,
        single: outputs.length === 1,
        input: (subject.input ?? 'close') as PriceInput,
      };
    }

    case 'container': {
      const base = { kind: 'container' as const, id: subject.id ?? subject.role, key: subject.key ?? DEFAULT_KEY };
      const path = at('config');
      switch (subject.role) {
        case 'portfolio': {
          const config = parse(() => parseConfig(source, PortfolioSchema, subject.config, path));
          return config === undefined ? undefined : { ...base, role: 'portfolio', config };
        }
        case 'risk': {
          const config = parse(() => parseConfig(source, RiskSchema, subject.config, path));
          return config === undefined ? undefined : { ...base, role: 'risk', config };
        }
        case 'execution': {
          const config = parse(() => parseConfig(source, ExecutionSchema, subject.config, path));
          return config === undefined ? undefined : { ...base, role: 'execution', config };
        }
      }
      return undefined;
    }

    case 'route': {
      const inputNames = Object.keys(data.inputs);
      const known = inputNames.map(streamType).filter((t): t is EventType => t !== undefined);
      const events = subject.events ?? [...new Set(known)];
      if (events.length === 0) {
        issues.push(
          issueAt(
            source,
            at('route'),
            'MISSING_KEY',
            'say which events the route carries',
            `add events: [SIGNAL] (or name the inputs ${Object.keys(STREAM_TYPES).join(', ')})`,
          ),
        );
        return undefined;
      }
      if (subject.by_key !== undefined && subject.route !== 'feedback') {
        issues.push(
          issueAt(
            source,
            at('by_key'),
            'INVALID_VALUE',
            `by_key is for feedback routes; a ${subject.route} route ${subject.route === 'selective' ? 'always delivers by key' : 'delivers to every consumer'}`,
          ),
        );
        return undefined;
      }
      const targets: RouteTarget[] = subject.targets.map((t) =>
        typeof t === 'string' ? { id: t } : { id: t.id, key: t.key },
      );
      const spec: RouteSpec = {
        name: `${subject.route}_route`,
        kind: subject.route,
        from: inputNames,
        targets,
        events,
        byKey: subject.route === 'selective' || subject.by_key === true,
      };
      try {
        createRoute(spec); // the route's own checks: one consumer for merge, keys for selective…
      } catch (err) {
        issues.push(issueAt(source, at('targets'), 'INVALID_VALUE', (err as Error).message));
        return undefined;
      }
      return { kind: 'route', spec };
    }

    case 'pipeline': {
      if (!checkRoles(source, subject.roles, issues)) return undefined;
      const resolved = resolvePipelineStrategies(source, subject, strategies, issues);
      if (resolved === undefined) return undefined;
      const topology = pipelineTopology(subject.roles);
      const plan = planGraph(topology, { strategies: resolved.map((s) => s.key) }, (_path, code, message, hint) =>
        issues.push(issueAt(source, at('roles'), code, message, hint)),
      );
      if (plan === null) return undefined;
      const config = parseCamel(WorkflowConfigSchema, {
        name: 'marble_spec',
        // compileGraph reads no data settings; the schema needs a data block all the same.
        data: { symbol: data.symbol, path: source.file, timeframe: '1m' },
        topology: toSnakeKeys(TopologySchema, topology),
        strategies: resolved.map((s) => ({ type: s.type, id: s.key, params: s.params })),
        portfolio: subject.portfolio,
        risk: subject.risk,
        execution: subject.execution,
      });
      const wf: ResolvedWorkflow = {
        file: source.file,
        baseDir: '.',
        config,
        topology,
        topologyFile: source.file,
        phase: 'marbles',
        strategies: resolved,
        classifiers: [],
        sources: [],
        plugins: [],
        start: undefined,
        end: undefined,
      };
      return issues.length > before ? undefined : { kind: 'pipeline', plan, wf, strategies: resolved };
    }
  }
}

function lookup<T>(
  source: YamlSource,
  catalogue: ReadonlyMap<string, T>,
  name: string,
  path: ConfigPath,
  noun: string,
  fallbackHint: string,
  issues: ConfigIssue[],
): T | undefined {
  const found = catalogue.get(name);
  if (found !== undefined) return found;
  const guess = didYouMean(name, catalogue.keys());
  issues.push(
    issueAt(
      source,
      path,
      'UNKNOWN_NAME',
      `unknown ${noun} '${name}'`,
      guess !== undefined ? `did you mean '${guess}'?` : fallbackHint,
    ),
  );
  return undefined;
}

/** What each pipeline role needs before it in the list. */
const NEEDS: Readonly<Partial<Record<PipelineRole, PipelineRole>>> = {
  strategy: 'features',
  portfolio: 'strategy',
  risk: 'portfolio',
  execution: 'portfolio',
  signal_sink: 'strategy',
};

/** Roles: features first, each once, in graph order, each with what feeds it. */
function checkRoles(source: YamlSource, roles: readonly PipelineRole[], issues: ConfigIssue[]): boolean {
  const before = issues.length;
  const path: ConfigPath = ['subject', 'roles'];
  if (roles[0] !== 'features') {
    issues.push(
      issueAt(
        source,
        [...path, 0],
        'INVALID_VALUE',
        `a pipeline starts at features (the data container feeding it is implicit), received '${roles[0] ?? ''}'`,
        'e.g. roles: [features, strategy, portfolio, risk, execution]',
      ),
    );
  }
  roles.forEach((role, i) => {
    if (roles.indexOf(role) !== i) {
      issues.push(issueAt(source, [...path, i], 'INVALID_VALUE', `role '${role}' is listed twice`));
      return;
    }
    const prev = roles[i - 1];
    if (prev !== undefined && PIPELINE_ROLES.indexOf(prev) > PIPELINE_ROLES.indexOf(role)) {
      issues.push(
        issueAt(
          source,
          [...path, i],
          'INVALID_VALUE',
          `'${role}' comes before '${prev}' in a graph`,
          `list roles in graph order: ${PIPELINE_ROLES.join(', ')}`,
        ),
      );
    }
    const need = NEEDS[role];
    if (need !== undefined && !roles.includes(need)) {
      issues.push(
        issueAt(
          source,
          [...path, i],
          'INVALID_VALUE',
          `'${role}' needs '${need}' in the pipeline: nothing else feeds it`,
        ),
      );
    }
  });
  return issues.length === before;
}

function resolvePipelineStrategies(
  source: YamlSource,
  subject: Extract<SubjectData, { kind: 'pipeline' }>,
  catalogue: ReadonlyMap<string, StrategyDefinition>,
  issues: ConfigIssue[],
): ResolvedStrategy[] | undefined {
  const before = issues.length;
  const wantsStrategies = subject.roles.includes('strategy');
  if (wantsStrategies && subject.strategies.length === 0) {
    issues.push(
      issueAt(
        source,
        ['subject', 'roles'],
        'MISSING_KEY',
        'the pipeline has a strategy role but no strategies',
        'add strategies: [{ type: sma_crossover, params: {…} }]',
      ),
    );
    return undefined;
  }
  if (!wantsStrategies && subject.strategies.length > 0) {
    issues.push(
      issueAt(
        source,
        ['subject', 'strategies'],
        'INVALID_VALUE',
        'strategies are given but roles has no strategy',
        'add strategy to roles, or remove strategies',
      ),
    );
    return undefined;
  }
  const out: ResolvedStrategy[] = [];
  const used = new Set<string>();
  subject.strategies.forEach((entry, i) => {
    const definition = lookup(
      source,
      catalogue,
      entry.type,
      ['subject', 'strategies', i, 'type'],
      'strategy',
      'see `sluice list strategies`',
      issues,
    );
    if (definition === undefined) return;
    let params: Record<string, unknown>;
    try {
      params = parseWithSchema(source, definition.params, entry.params, [
        'subject',
        'strategies',
        i,
        'params',
      ]) as Record<string, unknown>;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push(...err.issues);
      return;
    }
    // Same rule as a workflow: the id, else the type, suffixed when repeated.
    const base = entry.id ?? entry.type;
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base}_${n}`;
    used.add(key);
    out.push({ key, type: entry.type, params, definition, entry: i, filter: undefined });
  });
  return issues.length > before ? undefined : out;
}
