/**
 * The bad-config corpus: every file in test/fixtures/bad-configs/ holds one realistic
 * mistake, and `sluice validate` must report it the way DESIGN.md ("Errors a user sees")
 * promises — exit code 1, `file:line:col` pointing at the mistake, a message naming what
 * was expected and found (with a "did you mean" where a close name exists), no stack
 * trace, no zod dump, one screen.
 *
 * Each fixture starts with two header comments:
 *
 * ```yaml
 * # expect: did you mean 'sma_crossover'?   ← a substring the error output must contain
 * # at: 11:11                               ← where the first error must point (or `none`)
 * ```
 *
 * The CLI is spawned for real (through bin/sluice.js and tsx), a few at a time, in
 * `beforeAll`; each fixture then gets its own `it` that checks the captured result.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = 'test/fixtures/bad-configs';
/** Processes spawned at once: the CI machine has 2 cores, and each CLI start costs ~1 s of CPU. */
const POOL_SIZE = 2;
/** Most stderr lines a single mistake may take: one screen. */
const MAX_LINES = 40;
/** Fixtures also run through `sluice run`, to show it fails the same way before reading a bar. */
const RUN_TOO = [
  'missing-data-file.yaml',
  'cycle-without-feedback.yaml',
  // Issue 19 item 15: run used to start (0 bars, a RangeError stack, exit 0) on these.
  'shard-size-zero.yaml',
  'close-eod-bad-timezone.yaml',
  'start-after-end.yaml',
  'csv-header-only.yaml',
  'parquet-format-on-csv.yaml',
];

interface Fixture {
  readonly name: string;
  /** Path relative to the repo root, as passed to the CLI and printed in its errors. */
  readonly rel: string;
  readonly expect: string | undefined;
  /** `line:col`, `none`, or undefined when the header is missing. */
  readonly at: string | undefined;
}

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function readFixture(name: string): Fixture {
  const rel = posix.join(DIR, name);
  const [first = '', second = ''] = readFileSync(join(ROOT, rel), 'utf8').split(/\r?\n/);
  return {
    name,
    rel,
    expect: /^# expect: (.+)$/.exec(first)?.[1]?.trim(),
    at: /^# at: (none|\d+:\d+)\s*$/.exec(second)?.[1],
  };
}

const FIXTURES: readonly Fixture[] = readdirSync(join(ROOT, DIR))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map(readFixture);

/** Runs `node bin/sluice.js …args` from the repo root; never rejects. */
function sluice(args: readonly string[]): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['bin/sluice.js', ...args],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000, maxBuffer: 4 * 1024 * 1024 },
      (_err, stdout, stderr) => {
        resolve({ code: child.exitCode, stdout, stderr, ms: performance.now() - started });
      },
    );
  });
}

/** Maps `fn` over `items`, at most `size` at a time, keeping the order of `items`. */
async function pool<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return out;
}

/** Lines that start an issue: `file:line:col  …` or `file  …` (no position). */
function issueHeaders(stderr: string, rel: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith(`${rel}:`) || l.startsWith(`${rel}  `));
}

/** Checks every fixture shares: a user mistake, told plainly, on one screen. */
function expectPlainUserError(o: Outcome): void {
  expect(o.code, `exit code; stderr:\n${o.stderr}`).toBe(1);
  const lines = o.stderr.trimEnd().split('\n');
  expect(
    lines.filter((l) => /^\s+at /.test(l)),
    'stack-trace lines',
  ).toEqual([]);
  expect(o.stderr).not.toContain('node:internal');
  expect(o.stderr).not.toContain('ZodError');
  expect(o.stderr).not.toContain('internal error');
  expect(lines.length, `stderr is one screen:\n${o.stderr}`).toBeLessThanOrEqual(MAX_LINES);
}

const validated = new Map<string, Outcome>();
const ran = new Map<string, Outcome>();
let outRoot = '';

beforeAll(async () => {
  outRoot = mkdtempSync(join(tmpdir(), 'sluice-bad-configs-'));
  const jobs = [
    ...FIXTURES.map((f) => ({ kind: 'validate' as const, f })),
    ...FIXTURES.filter((f) => RUN_TOO.includes(f.name)).map((f) => ({ kind: 'run' as const, f })),
  ];
  await pool(jobs, POOL_SIZE, async ({ kind, f }) => {
    if (kind === 'validate') validated.set(f.name, await sluice(['validate', f.rel]));
    else ran.set(f.name, await sluice(['run', f.rel, '--out', join(outRoot, f.name)]));
  });
}, 300_000);

afterAll(() => {
  if (outRoot !== '') rmSync(outRoot, { recursive: true, force: true });
});

describe('bad-config corpus', () => {
  it('has at least 20 fixtures, each with `# expect:` and `# at:` headers', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(20);
    const malformed = FIXTURES.filter((f) => f.expect === undefined || f.at === undefined).map((f) => f.name);
    expect(malformed, 'fixtures whose first two lines are not `# expect: …` and `# at: L:C|none`').toEqual([]);
  });

  it.each(RUN_TOO)('%s is one of the fixtures', (name) => {
    expect(FIXTURES.map((f) => f.name)).toContain(name);
  });
});

describe('sluice validate <bad config>', () => {
  it.each(FIXTURES.map((f) => [f.name, f] as const))('%s: exit 1, located, plain', (_name, f) => {
    const o = validated.get(f.name)!;
    expect(o, 'the CLI was run').toBeDefined();
    expectPlainUserError(o);
    expect(o.stdout, 'nothing on stdout (no "OK")').toBe('');
    expect(o.stderr).toContain(f.expect);

    const first = o.stderr.split('\n')[0]!;
    if (f.at === 'none') {
      expect(first.startsWith(`${f.rel}  `), `first line names the file, with no position: ${first}`).toBe(true);
    } else {
      expect(first.startsWith(`${f.rel}:`), `first line starts with the file: ${first}`).toBe(true);
      const at = /^:(\d+:\d+)\s/.exec(first.slice(f.rel.length))?.[1];
      expect(at, `position in: ${first}`).toBe(f.at);
    }
  });

  // Each fixture holds one mistake; reporting it twice (or adding follow-on noise a
  // parser produced after the real error) confuses more than it helps.
  it.each(FIXTURES.map((f) => [f.name, f] as const))('%s: one mistake, reported once', (_name, f) => {
    const o = validated.get(f.name)!;
    expect(issueHeaders(o.stderr, f.rel), `stderr:\n${o.stderr}`).toHaveLength(1);
  });
});

describe('sluice run <bad config>', () => {
  it.each(RUN_TOO)('%s: fails like validate, before reading any bar', (name) => {
    const o = ran.get(name)!;
    const v = validated.get(name)!;
    expect(o, 'the CLI was run').toBeDefined();
    expectPlainUserError(o);
    // Same report as validate: the config is checked in full before the run starts.
    expect(o.stderr).toBe(v.stderr);
    // No "N bars" summary, no results folder: nothing was read or written.
    expect(o.stdout).toBe('');
    expect(existsSync(join(outRoot, name)), 'results folder').toBe(false);
  });
});
