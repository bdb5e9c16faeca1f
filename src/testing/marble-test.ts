import { SluiceError } from '../errors/sluice-error.ts';
import { loadMarbleSpec, marbleSpecFromData, parseMarbleSpec, type LoadMarbleSpecOptions } from './load-marble-spec.ts';
import type { MarbleResult } from './marble-result.ts';
import { runMarbleSpec } from './run-marble-spec.ts';
import { formatMarbleDiff } from './format-marble-diff.ts';

/** Options of {@link marbleTest}. */
export type MarbleTestOptions = LoadMarbleSpecOptions;

/** The error {@link marbleTest} throws when a spec does not hold; `result` has the details. */
export class MarbleMismatchError extends SluiceError {
  readonly category = 'marble';
  constructor(readonly result: MarbleResult) {
    super(`marble spec '${result.name}' failed\n${formatMarbleDiff(result)}`);
    this.name = 'MarbleMismatchError';
  }
}

/**
 * Checks a marble spec from a test of your own (vitest, jest, node:test): resolves when
 * the subject behaves as the spec says, rejects with a {@link MarbleMismatchError}
 * carrying the frame-by-frame diff otherwise.
 *
 * @param spec a spec as plain data, YAML text, or the path of a YAML file (a string with
 *   no line break ending in `.yaml` / `.yml`).
 * @throws ConfigError (rejects with) for a mistake in the spec itself, located.
 *
 * @example
 * import { marbleTest } from 'sluice/testing';
 * it('crosses over', () => marbleTest('marbles/strategies/sma-crossover.yaml'));
 * it('my strategy', () => marbleTest({ description: '…', subject: { kind: 'strategy', name: 'mine' }, … },
 *   { strategies: new Map([['mine', mine]]) }));
 */
export async function marbleTest(spec: object | string, options: MarbleTestOptions = {}): Promise<MarbleResult> {
  const loaded =
    typeof spec !== 'string'
      ? marbleSpecFromData(spec, options)
      : isPath(spec)
        ? await loadMarbleSpec(spec, options)
        : parseMarbleSpec(spec, undefined, options);
  const result = await runMarbleSpec(loaded);
  if (!result.pass) throw new MarbleMismatchError(result);
  return result;
}

function isPath(s: string): boolean {
  return !s.includes('\n') && /\.ya?ml$/i.test(s.trim());
}
