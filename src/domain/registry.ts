import { SluiceError } from '../errors/sluice-error.ts';
import type { ClassifierDefinition } from './classifiers/classifier.ts';
import { BUILT_IN_CLASSIFIERS } from './classifiers/catalogue.ts';
import { COMPOSITES } from './composition/catalogue.ts';
import { definitionKind, type DefinitionKind } from './define.ts';
import { BUILT_IN_INDICATORS } from './indicators/catalogue.ts';
import type { IndicatorDefinition } from './indicators/indicator.ts';
import { BUILT_IN_STRATEGIES } from './strategies/catalogue.ts';
import type { StrategyDefinition } from './strategies/strategy.ts';

/**
 * Where a definition comes from: the engine itself, or a plugin module (its file and the
 * fingerprint of its code, which every identity depending on the definition includes:
 * signal-store reuse, resume keys, queue jobs).
 */
export type DefinitionOrigin =
  | { readonly kind: 'built-in' }
  | {
      readonly kind: 'plugin';
      /** The plugin module, absolute. */
      readonly file: string;
      readonly fingerprint: string;
      /** Every file of its code (the module and the local modules it imports), absolute: a stack frame in any of them is the plugin's. */
      readonly files?: readonly string[];
    };

/** The built-in origin. */
export const BUILT_IN: DefinitionOrigin = Object.freeze({ kind: 'built-in' });

/** A definition of any kind, as the registry stores it. */
export type AnyDefinition = StrategyDefinition | IndicatorDefinition | ClassifierDefinition;

/** Two definitions under one name. The plugin loader turns it into a located config error. */
export class RegistryCollisionError extends SluiceError {
  readonly category = 'registry';
  constructor(
    /** Strategy, indicator or classifier (not `kind`: that is the error's user-or-bug kind). */
    readonly definitionKind: DefinitionKind,
    readonly definitionName: string,
    readonly existing: DefinitionOrigin,
    readonly incoming: DefinitionOrigin,
  ) {
    super(
      `${definitionKind} '${definitionName}' of ${describeOrigin(incoming)} collides with the ${definitionKind} of that name of ${describeOrigin(existing)}`,
    );
    this.name = 'RegistryCollisionError';
  }
}

/** `the built-in catalogue` or `plugin path/to/file.ts`. */
export function describeOrigin(origin: DefinitionOrigin): string {
  return origin.kind === 'built-in' ? 'the built-in catalogue' : `plugin ${origin.file}`;
}

/**
 * Every strategy, indicator and classifier kind the engine knows, by name, with its origin.
 * One registry per process: the built-ins are added when this module is first imported,
 * plugins when the loader imports them (once per process), through the same `add`.
 * Everything that names a kind — config validation, the feature hub, `sluice list`, the
 * JSON Schema, marbles, look-ahead — asks it.
 *
 * Names are unique across origins within a kind; the composite strategy kinds
 * (`ensemble`, `regime_switch`) are reserved strategy names.
 */
export class Registry {
  private readonly maps = {
    strategy: new Map<string, StrategyDefinition>(),
    indicator: new Map<string, IndicatorDefinition>(),
    classifier: new Map<string, ClassifierDefinition>(),
  };
  private readonly origins = {
    strategy: new Map<string, DefinitionOrigin>(),
    indicator: new Map<string, DefinitionOrigin>(),
    classifier: new Map<string, DefinitionOrigin>(),
  };

  /** Strategies by name (a live view: plugins loaded later appear in it). */
  get strategies(): ReadonlyMap<string, StrategyDefinition> {
    return this.maps.strategy;
  }

  /** Indicators by name (a live view). */
  get indicators(): ReadonlyMap<string, IndicatorDefinition> {
    return this.maps.indicator;
  }

  /** Classifiers by name (a live view). */
  get classifiers(): ReadonlyMap<string, ClassifierDefinition> {
    return this.maps.classifier;
  }

  /**
   * Adds a definition made by `defineStrategy`, `defineIndicator` or `defineClassifier`.
   * Adding the same definition object from the same origin again is a no-op (a module
   * imported twice); another definition under a taken name is a collision.
   *
   * @throws RegistryCollisionError for a name already taken in its kind.
   * @throws TypeError for a value that no define function made.
   */
  add(definition: AnyDefinition, origin: DefinitionOrigin): void {
    const kind = definitionKind(definition);
    if (kind === undefined)
      throw new TypeError(`not a definition: make it with defineStrategy, defineIndicator or defineClassifier`);
    const map = this.maps[kind] as Map<string, AnyDefinition>;
    const name = definition.name;
    const existing = map.get(name);
    if (existing !== undefined) {
      const was = this.origins[kind].get(name)!;
      if (existing === definition && sameOrigin(was, origin)) return;
      throw new RegistryCollisionError(kind, name, was, origin);
    }
    if (kind === 'strategy' && COMPOSITES.has(name)) throw new RegistryCollisionError(kind, name, BUILT_IN, origin);
    map.set(name, definition);
    this.origins[kind].set(name, origin);
  }

  /** The origin of a kind's name, or undefined when it is not registered. */
  originOf(kind: DefinitionKind, name: string): DefinitionOrigin | undefined {
    return this.origins[kind].get(name);
  }

  /** The names of a kind registered by plugins, with their origins, in registration order. */
  plugins(
    kind: DefinitionKind,
  ): { readonly name: string; readonly origin: Extract<DefinitionOrigin, { kind: 'plugin' }> }[] {
    const out: { name: string; origin: Extract<DefinitionOrigin, { kind: 'plugin' }> }[] = [];
    for (const [name, origin] of this.origins[kind]) if (origin.kind === 'plugin') out.push({ name, origin });
    return out;
  }

  /**
   * The strategy called `name`.
   * @throws Error naming the known strategies when there is none by that name.
   */
  strategy(name: string): StrategyDefinition {
    return this.get('strategy', name) as StrategyDefinition;
  }

  /**
   * The indicator called `name`.
   * @throws Error naming the known indicators when there is none by that name.
   */
  indicator(name: string): IndicatorDefinition {
    return this.get('indicator', name) as IndicatorDefinition;
  }

  /**
   * The classifier called `name`.
   * @throws Error naming the known classifiers when there is none by that name.
   */
  classifier(name: string): ClassifierDefinition {
    return this.get('classifier', name) as ClassifierDefinition;
  }

  private get(kind: DefinitionKind, name: string): AnyDefinition {
    const map = this.maps[kind] as Map<string, AnyDefinition>;
    const def = map.get(name);
    if (def === undefined) throw new Error(`unknown ${kind} '${name}' (known: ${[...map.keys()].sort().join(', ')})`);
    return def;
  }
}

function sameOrigin(a: DefinitionOrigin, b: DefinitionOrigin): boolean {
  return a.kind === 'built-in'
    ? b.kind === 'built-in'
    : b.kind === 'plugin' && a.file === b.file && a.fingerprint === b.fingerprint;
}

/** The process's registry: the built-ins, and every plugin loaded so far. */
export const registry = new Registry();
for (const d of BUILT_IN_STRATEGIES) registry.add(d, BUILT_IN);
for (const d of BUILT_IN_INDICATORS) registry.add(d, BUILT_IN);
for (const d of BUILT_IN_CLASSIFIERS) registry.add(d, BUILT_IN);

/** Strategies by name, built-in and plugin (a live view of {@link registry}). */
export const STRATEGIES: ReadonlyMap<string, StrategyDefinition> = registry.strategies;
/** Indicators by name, built-in and plugin (a live view of {@link registry}). */
export const INDICATORS: ReadonlyMap<string, IndicatorDefinition> = registry.indicators;
/** Classifiers by name, built-in and plugin (a live view of {@link registry}). */
export const CLASSIFIERS: ReadonlyMap<string, ClassifierDefinition> = registry.classifiers;

/**
 * The strategy called `name`.
 * @throws Error naming the known strategies when there is none by that name.
 */
export function getStrategy(name: string): StrategyDefinition {
  return registry.strategy(name);
}

/**
 * The indicator called `name`.
 * @throws Error naming the known indicators when there is none by that name.
 */
export function getIndicator(name: string): IndicatorDefinition {
  return registry.indicator(name);
}

/**
 * The classifier called `name`.
 * @throws Error naming the known classifiers when there is none by that name.
 */
export function getClassifier(name: string): ClassifierDefinition {
  return registry.classifier(name);
}
