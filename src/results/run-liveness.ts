/**
 * A killed run (kill -9, a crash, a power cut) cannot mark its results: workflow.json keeps
 * saying "running". So the manifest records which process runs it (pid and host), and a
 * reader on the same host asks whether that process still exists; one that does not
 * means the run died. Temporary files of the atomic writers (`.<name>.<pid>.<random>.tmp`)
 * and of a signal store run (`.run-<pid>-<random>/`) left by a dead process are removed by
 * the next run into the same results folder.
 */
import { readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The owner fields of workflow.json. */
export function runOwner(): { pid: number; host: string } {
  return { pid: process.pid, host: hostname() };
}

/** True when process `pid` of this host exists (a process of another user counts). */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/**
 * Why a manifest that says "running" is not: its process, on this host, is gone. Null
 * when the run may be alive (other status, another host, no owner recorded, process alive).
 */
export function deadRunReason(manifest: Readonly<Record<string, unknown>>): string | null {
  if (manifest['status'] !== 'running') return null;
  const { pid, host } = manifest;
  if (typeof pid !== 'number' || typeof host !== 'string' || host !== hostname()) return null;
  if (processAlive(pid)) return null;
  return `the run's process (pid ${pid} on ${host}) is gone: it was killed or crashed before it finished`;
}

const TEMP_FILE = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/;
const RUN_DIR = /^\.run-(\d+)-[0-9a-f]+$/;

/**
 * Removes the temporary files and folders left under `root` by processes of this host
 * that no longer exist (a live process's are left alone: it may be writing them).
 *
 * @returns the paths removed
 */
export function cleanStaleTemps(root: string, maxDepth = 6): string[] {
  const removed: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      const stale = (e.isFile() ? TEMP_FILE : e.isDirectory() ? RUN_DIR : null)?.exec(e.name);
      if (stale != null && !processAlive(Number(stale[1]))) {
        try {
          rmSync(path, { recursive: true, force: true });
          removed.push(path);
        } catch {
          // Not ours to fix: the run goes on; the next one tries again.
        }
      } else if (e.isDirectory() && depth < maxDepth) walk(path, depth + 1);
    }
  };
  walk(root, 0);
  return removed;
}
