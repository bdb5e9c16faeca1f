/**
 * CPU seconds of each thread of this process, from Linux's /proc/self/task (empty
 * elsewhere): what a worker thread cost, apart from the main thread and V8's helper
 * threads (compiler, garbage collector), which `process.cpuUsage()` lumps together.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Thread id → CPU seconds (user + system) so far. */
export function threadCpuSeconds(): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in clock ticks (100 a second on Linux).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** CPU seconds each thread spent between two readings, busiest first (threads that ended in between are missing). */
export function cpuBetween(
  before: Map<number, number>,
  after: Map<number, number>,
): { tid: number; seconds: number; isNew: boolean }[] {
  return [...after]
    .map(([tid, s]) => ({ tid, seconds: s - (before.get(tid) ?? 0), isNew: !before.has(tid) }))
    .sort((a, b) => b.seconds - a.seconds);
}
