import { isConfigError } from '../config/config-error.ts';
import { DEFAULT_SPEC_GLOB, findSpecFiles } from './find-spec-files.ts';
import { formatMarbleResult } from './format-marble-diff.ts';
import { loadMarbleSpec, type LoadMarbleSpecOptions } from './load-marble-spec.ts';
import { runMarbleSpec } from './run-marble-spec.ts';

/** Where `sluice marbles` writes. */
export interface MarbleFilesIo {
  out(text: string): void;
  err(text: string): void;
}

/** Counts of a `sluice marbles` run. */
export interface MarbleFilesSummary {
  readonly passed: number;
  readonly failed: number;
  /** Specs that could not be loaded (a mistake in the spec). */
  readonly invalid: number;
  /** Arguments that matched no file. */
  readonly unmatched: number;
}

/**
 * The body of `sluice marbles [globs…]`: finds the spec files, runs each under virtual
 * time and prints `✓ name`, or `✗ name` with the frame-by-frame diff. A mistake in a spec
 * is printed located (file:line:col) and counts as a failure; the other specs still run.
 *
 * @returns the counts; the command exits 1 unless every spec passed and every argument matched.
 */
export async function runMarbleFiles(
  patterns: readonly string[],
  io: MarbleFilesIo,
  options: LoadMarbleSpecOptions & { cwd?: string } = {},
): Promise<MarbleFilesSummary> {
  const { files, unmatched } = findSpecFiles(patterns.length > 0 ? patterns : [DEFAULT_SPEC_GLOB], options.cwd);
  for (const u of unmatched) io.err(`no marble spec matches '${u}'`);
  let passed = 0;
  let failed = 0;
  let invalid = 0;
  for (const file of files) {
    let result;
    try {
      result = await runMarbleSpec(await loadMarbleSpec(file, options));
    } catch (err) {
      if (!isConfigError(err)) throw err;
      io.err(`✗ ${file}\n${err.message}`);
      invalid++;
      continue;
    }
    if (result.pass) passed++;
    else failed++;
    // A failing spec is a test result, not an error of the command: stdout, like the passes.
    io.out(formatMarbleResult(result));
  }
  const parts = [
    `${passed} passed`,
    ...(failed > 0 ? [`${failed} failed`] : []),
    ...(invalid > 0 ? [`${invalid} invalid`] : []),
  ];
  io.out(`${files.length} marble spec${files.length === 1 ? '' : 's'}: ${parts.join(', ')}`);
  return { passed, failed, invalid, unmatched: unmatched.length };
}
