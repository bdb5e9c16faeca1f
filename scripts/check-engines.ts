/**
 * Is package.json's `engines.node` true? Every package an install of Sluice brings
 * (the production tree of package-lock.json: dependencies and theirs, optional platform
 * binaries included) must accept every Node version our range accepts.
 *
 * `npm run check:engines` prints the packages that do not; test/package/engines.test.ts
 * fails on them, so a dependency bump that raises the floor is noticed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

export interface EngineConflict {
  /** Where it installs, e.g. node_modules/@nats-io/nuid. */
  readonly path: string;
  readonly version: string;
  /** Its engines.node. */
  readonly requires: string;
}

/** The production packages whose engines.node does not contain `floor` (default: package.json's). */
export function engineConflicts(root: string, floor?: string): { floor: string; conflicts: EngineConflict[] } {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines?: { node?: string } };
  const range = floor ?? pkg.engines?.node;
  if (range === undefined) throw new Error('package.json has no engines.node');
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; dev?: boolean; engines?: { node?: string } | string[] }>;
  };
  const conflicts: EngineConflict[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.dev === true) continue;
    // The installed package.json when there is one; the lock's copy for other platforms' binaries.
    const file = join(root, path, 'package.json');
    const engines = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as { engines?: unknown }).engines
      : entry.engines;
    const node =
      engines !== null && typeof engines === 'object' && !Array.isArray(engines)
        ? (engines as { node?: unknown }).node
        : undefined;
    if (typeof node !== 'string') continue;
    if (!semver.subset(range, node, { includePrerelease: false }))
      conflicts.push({ path, version: entry.version ?? '?', requires: node });
  }
  return { floor: range, conflicts };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { floor, conflicts } = engineConflicts(process.cwd(), process.argv[2]);
  for (const c of conflicts) console.log(`${c.path}@${c.version} requires node ${c.requires}`);
  console.log(
    conflicts.length === 0
      ? `engines.node '${floor}' holds for every production package`
      : `${conflicts.length} production package(s) do not accept every node in '${floor}'`,
  );
  process.exitCode = conflicts.length === 0 ? 0 : 1;
}
