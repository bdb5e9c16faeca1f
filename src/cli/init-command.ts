import { SluiceError } from '../errors/sluice-error.ts';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ENGINE } from '../engine-info.ts';

/** The scaffold's files, shipped with the package (templates/init). */
const TEMPLATES = fileURLToPath(new URL('../../templates/init/', import.meta.url));
/** The bars the scaffold's config reads, shipped with the package. */
const SPY_BARS = fileURLToPath(new URL('../../examples/data/SPY_5m.csv', import.meta.url));

interface InitIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** A file the scaffold writes: its path in the project, and where its text comes from. */
interface ScaffoldFile {
  readonly path: string;
  readonly from: string;
  /** Text with {{name}} and {{version}} filled in; copied byte for byte when false. */
  readonly template: boolean;
}

/** Every template file (`gitignore` is written as `.gitignore`: npm pack drops dotfiles named so). */
function scaffoldFiles(): ScaffoldFile[] {
  const out: ScaffoldFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const from = join(dir, entry.name);
      if (entry.isDirectory()) walk(from);
      else {
        const rel = relative(TEMPLATES, from).split('\\').join('/');
        out.push({ path: rel === 'gitignore' ? '.gitignore' : rel, from, template: true });
      }
    }
  };
  walk(TEMPLATES);
  out.push({ path: 'data/SPY_5m.csv', from: SPY_BARS, template: false });
  return out;
}

/** An npm package name from a folder name: lower case, letters, digits, - . _ only. */
export function packageName(dir: string): string {
  const name = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[-]+$/g, '');
  return name === '' ? 'my-research' : name;
}

/**
 * Writes a small research project into `dir`: package.json depending on this version of
 * sluice, a config that runs a custom strategy plugin on real SPY bars, the plugin, its
 * marble spec, one test file and a README with the commands. Refuses to overwrite a file.
 *
 * @returns the paths written, relative to `dir`.
 * @throws Error naming the files that exist already.
 */
export function initProject(dir: string): string[] {
  const files = scaffoldFiles();
  const taken = files.filter((f) => existsSync(join(dir, f.path))).map((f) => f.path);
  if (taken.length > 0) throw new InitError(`${dir} already has ${taken.join(', ')}: choose an empty or new folder`);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InitError(`${dir} is a file, not a folder`);
  const values: Record<string, string> = { name: packageName(dir), version: ENGINE.version };
  for (const f of files) {
    const target = join(dir, f.path);
    mkdirSync(join(target, '..'), { recursive: true });
    if (f.template)
      writeFileSync(
        target,
        readFileSync(f.from, 'utf8').replace(/\{\{(\w+)\}\}/g, (m, key: string) => values[key] ?? m),
      );
    else copyFileSync(f.from, target);
  }
  return files.map((f) => f.path);
}

/** A scaffold that cannot be written: a user's choice to change, printed without a stack. */
export class InitError extends SluiceError {
  readonly category = 'init';
  constructor(message: string) {
    super(message);
    this.name = 'InitError';
  }
}

/** Registers `sluice init <dir>`. */
export function registerInitCommand(program: Command, io: InitIo, setCode: (code: number) => void): void {
  program
    .command('init')
    .description(
      'write a small research project: a strategy plugin, its marble spec, a test, a config on real SPY bars, package.json and README',
    )
    .argument('<dir>', 'folder to create (or an empty one)')
    .action((dir: string) => {
      try {
        const written = initProject(dir);
        io.out(
          `wrote ${written.length} files into ${dir}:\n${written.map((f) => `  ${f}`).join('\n')}\n\nnext:\n  cd ${dir}\n  npm install\n  npm run backtest\n  npm test`,
        );
      } catch (err) {
        if (!(err instanceof InitError)) throw err;
        io.err(`sluice init: ${err.message}`);
        setCode(1);
      }
    });
}
