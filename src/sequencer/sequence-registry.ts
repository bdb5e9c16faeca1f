/**
 * Every sequence kind the engine knows, by `type`: the built-in ones
 * (src/sequencer/sequences/) and those plugins define. Both go through
 * {@link registerSequence}; a type is taken once. Config resolution looks kinds up here
 * (settings schema, nested sequences), and so does the runner (runSequence).
 */
import { BUILT_IN, describeOrigin, type DefinitionOrigin } from '../domain/registry.ts';
import { pluginSequenceDefinitions } from '../plugins/load-plugins.ts';
import type { SequenceDefinition } from './define-sequence.ts';
import { BUILT_IN_SEQUENCES } from './sequences/built-in.ts';

const definitions = new Map<string, { readonly definition: SequenceDefinition; readonly origin: DefinitionOrigin }>();

/**
 * Adds a sequence kind.
 *
 * @throws Error when another origin already registered that type.
 */
function registerSequence(definition: SequenceDefinition, origin: DefinitionOrigin): void {
  const was = definitions.get(definition.type);
  if (was !== undefined) {
    if (was.definition === definition) return;
    throw new Error(
      `sequence '${definition.type}' of ${describeOrigin(origin)} collides with the sequence of that name of ${describeOrigin(was.origin)}: rename one of them`,
    );
  }
  definitions.set(definition.type, { definition, origin });
}

for (const d of BUILT_IN_SEQUENCES) registerSequence(d as unknown as SequenceDefinition, BUILT_IN);

/** Registers the kinds plugins loaded since the last look (the loader records them). */
function registerPluginSequences(): void {
  for (const p of pluginSequenceDefinitions()) registerSequence(p.definition as SequenceDefinition, p.origin);
}

/** The sequence kind called `type`, or undefined. */
export function sequenceDefinition(type: string): SequenceDefinition | undefined {
  registerPluginSequences();
  return definitions.get(type)?.definition;
}

/** Every registered type, built-in first, then plugins' in load order. */
export function sequenceTypes(): string[] {
  registerPluginSequences();
  return [...definitions.keys()];
}

/** Where the kind `type` comes from (built-in or a plugin file), or undefined when none is registered. */
export function sequenceOrigin(type: string): DefinitionOrigin | undefined {
  registerPluginSequences();
  return definitions.get(type)?.origin;
}
