/**
 * The authoring API of sequence kinds: how a phase iterates over its topology. The
 * built-in kinds (src/sequencer/sequences/) are written with {@link defineSequence}, and
 * so is a plugin's: a plugin module that exports one adds a `sequence: { type: … }` a
 * config may name.
 *
 * ```ts
 * import { defineSequence, sequenceSettingsSchema, z } from 'sluice';
 *
 * export const firstPart = defineSequence({
 *   type: 'first_part',
 *   description: 'A single pass over the first `part` of the bars.',
 *   settings: sequenceSettingsSchema('first_part', { part: z.number().gt(0).lt(1).default(0.5) }),
 *   run: (req, s, ctx) => ctx.runSequence({ ...req, sequence: { type: 'single_pass', warmup: s.warmup, window: { to: s.part } } }),
 * });
 * ```
 */
import type { z } from 'zod';
import { DEFINITION_KIND, DefinitionError } from '../domain/define.ts';
import type { SequenceSettings } from '../config/schema/sequence.ts';
import type { PhaseResult, SequenceRequest } from './sequence-types.ts';

/** What a sequence kind may call besides its request: the other registered kinds. */
export interface SequenceContext {
  /**
   * Runs the sequence `req.sequence` names (any registered kind, its settings checked by
   * that kind's schema): a sub-sequence inside a step of this one.
   */
  readonly runSequence: (req: SequenceRequest) => Promise<PhaseResult>;
}

/** A sequence kind. */
export interface SequenceDefinition<S extends SequenceSettings = SequenceSettings> {
  /** The name configs write in `sequence: { type: … }`: lower-case snake_case. */
  readonly type: string;
  /** One line, for `sluice list` and errors. */
  readonly description: string;
  /** The whole settings mapping, `type` included: made with `sequenceSettingsSchema(type, {…})`. */
  readonly settings: z.ZodType<S>;
  /**
   * Settings keys that hold another sequence run inside this one's steps (a pattern name
   * or inline settings): resolved and checked with this one when the config is loaded.
   */
  readonly nested?: readonly string[];
  /** Runs one phase: every number comes from executed graphs. */
  run(req: SequenceRequest, settings: S, ctx: SequenceContext): Promise<PhaseResult>;
}

/** Names as YAML writes them: lower-case snake_case, starting with a letter. */
const TYPE = /^[a-z][a-z0-9_]*$/;

/**
 * A sequence kind, checked once when its module is evaluated and marked so that the
 * plugin loader recognises it among a module's exports.
 *
 * @throws DefinitionError when a field is missing or malformed.
 */
export function defineSequence<S extends SequenceSettings>(definition: SequenceDefinition<S>): SequenceDefinition<S> {
  const d = definition as unknown as Record<string, unknown>;
  const label = typeof d['type'] === 'string' ? `sequence '${d['type']}'` : 'a sequence definition';
  if (typeof d['type'] !== 'string' || !TYPE.test(d['type'])) {
    throw new DefinitionError(
      `${label}: type must be lower-case snake_case (letters, digits, _; starting with a letter), as configs write it, got ${JSON.stringify(d['type'])}`,
    );
  }
  if (typeof d['description'] !== 'string' || d['description'].trim() === '' || /[\r\n]/.test(d['description'])) {
    throw new DefinitionError(`${label}: description must be one non-empty line`);
  }
  if (typeof (d['settings'] as { safeParse?: unknown } | undefined)?.safeParse !== 'function') {
    throw new DefinitionError(
      `${label}: settings must be a zod schema, made with sequenceSettingsSchema('${String(d['type'])}', { … })`,
    );
  }
  if (typeof d['run'] !== 'function')
    throw new DefinitionError(`${label}: run must be a function (request, settings, context) => Promise<PhaseResult>`);
  // Marked like the domain's definitions: a registered symbol, not enumerable.
  return Object.freeze(
    Object.defineProperty({ ...definition }, DEFINITION_KIND, { value: 'sequence', enumerable: false }),
  );
}
