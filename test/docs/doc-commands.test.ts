import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ROOT } from '../helpers/cli.ts';

// Every `sluice` command in a sh block of README.md and docs/*.md runs as written, from the
// repository root and from another folder (its file arguments then named by absolute
// paths), and every marble spec block passes `sluice marbles`. Commands that need a
// server (Redis, NATS, a WebSocket feed), a pipe, a placeholder other than a results
// folder (`<config.yaml>`, `[--out FILE]`, `…`) or a file the reader writes themselves
// (my-replay.yaml) are the only ones left out; `results/<workflow_id>` is the results
// folder of the last run before it. Whole configs in yaml blocks pass `sluice validate`. From another folder, `sluice marbles` without
// arguments (the specs of that folder) is left out too.

const run = promisify(execFile);

interface Block {
  readonly file: string;
  readonly line: number;
  readonly lang: string;
  readonly body: string;
}

function blocks(file: string): Block[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: Block[] = [];
  for (const m of text.matchAll(/```(\w*)\n([\s\S]*?)```/g)) {
    out.push({ file, line: text.slice(0, m.index).split('\n').length, lang: m[1] ?? '', body: m[2] ?? '' });
  }
  return out;
}

const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md') && f !== 'cli.md' && f !== 'config-reference.md')
    .map((f) => `docs/${f}`),
];
const ALL = DOCS.flatMap(blocks);

/** Shell words of a line (single and double quotes; no expansion). */
function words(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let any = false;
  for (const ch of line) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      any = true;
    } else if (ch === ' ') {
      if (cur !== '' || any) out.push(cur);
      cur = '';
      any = false;
    } else if (ch === '#' && cur === '' && !any) {
      break;
    } else cur += ch;
  }
  if (cur !== '' || any) out.push(cur);
  return out;
}

// A provider feed or download (`live` on Binance/Alpaca, `data fetch`) needs the internet; `init` writes a project into the folder (test/package runs it).
const NEEDS_SERVER = /redis:\/\/|nats:\/\/|ws:\/\/|--open\b|\bsluice live\b|\bdata fetch\b|\bsluice init\b/;
const UNRUNNABLE = /[[\]…|>]|<(?!workflow_id>|id>)|my-replay|my-specs|spy\.yaml|history\.csv/;

interface Command {
  readonly where: string;
  readonly args: string[];
}

/** The runnable `sluice` commands of a sh block, in order. */
function commands(block: Block): Command[] {
  const lines = block.body.replace(/\\\n/g, ' ').split('\n');
  const out: Command[] = [];
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!/^(npx )?sluice /.test(line)) continue;
    const w = words(line);
    const code = w.join(' ');
    if (NEEDS_SERVER.test(code) || UNRUNNABLE.test(code.replace(/results\/<(workflow_id|id)>/g, ''))) continue;
    out.push({ where: `${block.file}:${block.line + 1 + i}`, args: w.slice(w[0] === 'npx' ? 2 : 1) });
  }
  return out;
}

const SH = ALL.filter((b) => b.lang === 'sh')
  .map((b) => ({ block: b, cmds: commands(b) }))
  .filter((b) => b.cmds.length > 0);
// Whole configs (name: and data:; not a pattern file, not a replay of a placeholder store).
const CONFIGS = ALL.filter(
  (b) =>
    b.lang === 'yaml' &&
    /^name:/m.test(b.body) &&
    /^data:/m.test(b.body) &&
    !/^replay:/m.test(b.body) &&
    !/^# patterns\//.test(b.body),
);
const SPECS = ALL.filter((b) => b.lang === 'yaml' && /^subject:/m.test(b.body) && /^expect:/m.test(b.body));

async function sluice(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [join(ROOT, 'bin/sluice.js'), ...args], {
      cwd,
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
}

// Folders the root runs create (results/<id>, a store), removed afterwards.
const created: string[] = [];
const preexisting = new Set(readdirSync(ROOT));
const elsewhere = mkdtempSync(join(tmpdir(), 'sluice-doc-commands-'));
afterAll(() => {
  for (const d of created) rmSync(d, { recursive: true, force: true });
  // The stores the docs' commands name (--store signals-spy, stores/spy-5m), if they made them.
  for (const f of ['signals-spy', 'stores'])
    if (!preexisting.has(f)) rmSync(join(ROOT, f), { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});

it('finds the commands, configs and specs of the docs', () => {
  expect(SH.flatMap((b) => b.cmds).length).toBeGreaterThanOrEqual(15);
  expect(SPECS.length).toBeGreaterThanOrEqual(2);
  expect(CONFIGS.length).toBeGreaterThanOrEqual(2);
});

// Config fragments (only keys of a workflow config, no placeholder): merged over
// examples/spy-sma-crossover.yaml, with the classifiers declared earlier in the same
// page, they must validate too. A data: fragment names the reader's own files: left out.
const FRAGMENT_KEYS = new Set([
  'strategies',
  'classifiers',
  'sequence',
  'execution',
  'portfolio',
  'risk',
  'results',
  'signals',
]);
const FRAGMENTS = ALL.filter((b) => {
  if (b.lang !== 'yaml' || b.body.includes('…') || CONFIGS.includes(b)) return false;
  let doc: unknown;
  try {
    doc = parseYaml(b.body);
  } catch {
    return false; // alternatives listed one per line (sequence: a / sequence: b), not one config
  }
  return (
    doc !== null &&
    typeof doc === 'object' &&
    !Array.isArray(doc) &&
    Object.keys(doc).every((k) => FRAGMENT_KEYS.has(k))
  );
});

describe("configs in the docs validate as written (next to the examples' data/)", () => {
  const base = parseYaml(readFileSync(join(ROOT, 'examples/spy-sma-crossover.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  for (const config of [...CONFIGS, ...FRAGMENTS]) {
    it(`${config.file}:${config.line}${CONFIGS.includes(config) ? '' : ' (over the example config)'}`, async () => {
      const dir = mkdtempSync(join(elsewhere, 'config-'));
      symlinkSync(join(ROOT, 'examples', 'data'), join(dir, 'data'));
      const declared = FRAGMENTS.filter(
        (f) => f.file === config.file && f.line < config.line && /^classifiers:/m.test(f.body),
      ).at(-1);
      const fragment = parseYaml(config.body) as Record<string, unknown>;
      const context =
        declared !== undefined && fragment['classifiers'] === undefined
          ? (parseYaml(declared.body) as Record<string, unknown>)
          : {};
      const text = CONFIGS.includes(config) ? config.body : stringifyYaml({ ...base, ...context, ...fragment });
      writeFileSync(join(dir, 'config.yaml'), text);
      const r = await sluice(['validate', join(dir, 'config.yaml')], ROOT);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    });
  }
});

for (const [label, cwd] of [
  ['from the repository root', ROOT],
  ['from another folder', elsewhere],
] as const) {
  describe(`doc commands run ${label}`, () => {
    let results: string | undefined;
    for (const { block, cmds } of SH) {
      it(`${block.file}:${block.line}`, async () => {
        for (const cmd of cmds) {
          if (cwd !== ROOT && cmd.args.length === 1 && cmd.args[0] === 'marbles') continue;
          const args = cmd.args.map((a) => {
            const withDir = results === undefined ? a : a.replace(/^results\/<(workflow_id|id)>/, results);
            // From another folder, a file of the repository is named by its absolute path.
            // A glob (`--plugin 'examples/plugins/*.ts'`) counts when the folder before its first wildcard does.
            const exists =
              existsSync(join(ROOT, withDir)) ||
              (/[*?]/.test(withDir) &&
                existsSync(join(ROOT, withDir.slice(0, withDir.search(/[*?]/)).replace(/[^/]*$/, ''))));
            return cwd !== ROOT && !isAbsolute(withDir) && /[/.]/.test(withDir) && exists
              ? join(ROOT, withDir)
              : withDir;
          });
          const r = await sluice(args, cwd);
          expect(r.code, `${cmd.where}: sluice ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
          const dir = /^results: (.+)$/m.exec(r.stdout)?.[1];
          if (dir !== undefined) {
            results = resolve(cwd, dir);
            if (cwd === ROOT) created.push(results);
          }
        }
      });
    }
  });
}

describe('marble specs in the docs pass as written', () => {
  for (const spec of SPECS) {
    it(`${spec.file}:${spec.line}`, async () => {
      const file = join(elsewhere, `spec-${spec.line}.yaml`);
      writeFileSync(file, spec.body);
      const r = await sluice(['marbles', file], ROOT);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    });
  }
});
