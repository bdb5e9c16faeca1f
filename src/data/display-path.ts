import path from 'node:path';

/**
 * The path to show a user for `file`: relative to the working directory when the file
 * lies inside it (`examples/data/SPY_5m.csv`, what they typed or can click), absolute
 * otherwise, so a message never sends them looking in the wrong place with `../..`.
 */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return abs;
  return rel;
}
