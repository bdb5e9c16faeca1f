/**
 * The `sluice` command reports every error through one mapping (src/errors/exit.ts): a
 * user mistake exits 1 with its message and no stack; anything else is an engine bug,
 * exits 2 and says so, with the stack under --debug.
 */
import { describe, expect, it } from 'vitest';
import { buildProgram, main } from '../../src/cli/main.ts';
import { BUG_NOTICE, EXIT } from '../../src/errors/exit.ts';
import { sluice } from '../helpers/cli.ts';

/** The command tree of `sluice` with one more command whose action fails the way a bug does. */
const withBrokenCommand: typeof buildProgram = (io, setCode) => {
  const program = buildProgram(io, setCode);
  program.command('broken').action(() => {
    const rows: { close: number }[] = [];
    if (rows[3]!.close > 0) setCode(0);
  });
  return program;
};

async function runMain(args: string[]): Promise<{ code: number; stderr: string[] }> {
  const stderr: string[] = [];
  const code = await main(
    ['node', 'sluice', ...args],
    { out: () => undefined, err: (t) => stderr.push(t) },
    withBrokenCommand,
  );
  return { code, stderr };
}

describe('exit codes and messages', () => {
  it('a config error (the real CLI, spawned): exit 1, the located message, no stack, no bug notice', async () => {
    const r = await sluice(['validate', 'test/fixtures/bad-configs/unknown-strategy-near-miss.yaml']);
    expect(r.code).toBe(EXIT.failed);
    expect(r.stderr).toMatch(/unknown-strategy-near-miss\.yaml:\d+:\d+/);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error|bug in sluice/);
  }, 60_000);

  it('an error no command expects: exit 2, its message and the bug notice, no stack', async () => {
    const r = await runMain(['broken']);
    expect(r.code).toBe(EXIT.bug);
    expect(r.stderr[0]).toMatch(/^sluice: internal error: Cannot read properties of undefined/);
    expect(r.stderr[1]).toContain(BUG_NOTICE);
    expect(r.stderr.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('the same with --debug: the stack too', async () => {
    const r = await runMain(['--debug', 'broken']);
    expect(r.code).toBe(EXIT.bug);
    expect(r.stderr[1]).toBe(BUG_NOTICE);
    expect(r.stderr.join('\n')).toMatch(/TypeError: Cannot read properties of undefined[\s\S]*\n\s+at /);
  });
});
