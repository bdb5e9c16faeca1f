import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

/** Name and version of this engine, recorded in every results folder. */
export const ENGINE = { name: pkg.name, version: pkg.version, node: process.version } as const;
