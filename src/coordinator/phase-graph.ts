/**
 * The order phases run in. A phase runs after the phases it `depends_on` (hard edges:
 * if one of those does not complete, the phase is skipped) and after every phase its
 * condition or templates read (soft edges: only the order). Among phases that are ready
 * at the same time, declaration order decides, so the order is deterministic.
 */

/** One phase and the phases it must wait for. */
export interface PhaseNode {
  readonly name: string;
  /** `depends_on`: must complete, or this phase is skipped. */
  readonly hard: readonly string[];
  /** Read by the condition or templates: must have an outcome first. */
  readonly soft: readonly string[];
}

/** A topological order, or a cycle when there is none. */
export type PhaseOrder = { readonly order: readonly string[] } | { readonly cycle: readonly string[] };

/**
 * Orders `nodes` so that every phase comes after all phases it waits for. Edges to names
 * outside `nodes` (phases that ran before this group) are ignored.
 *
 * @returns the order, or a cycle `[a, b, …, a]` where each phase waits for the next.
 */
export function orderPhases(nodes: readonly PhaseNode[]): PhaseOrder {
  const names = new Set(nodes.map((n) => n.name));
  const waits = new Map(
    nodes.map((n) => [n.name, [...new Set([...n.hard, ...n.soft])].filter((d) => names.has(d) && d !== n.name)]),
  );
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < nodes.length) {
    const next = nodes.find((n) => !done.has(n.name) && waits.get(n.name)!.every((d) => done.has(d)));
    if (next === undefined)
      return {
        cycle: findCycle(
          nodes.filter((n) => !done.has(n.name)),
          waits,
        ),
      };
    done.add(next.name);
    order.push(next.name);
  }
  return { order };
}

/** A cycle among nodes that all wait for something unfinished; starts at the first declared. */
function findCycle(left: readonly PhaseNode[], waits: ReadonlyMap<string, readonly string[]>): string[] {
  const pending = new Set(left.map((n) => n.name));
  // Every pending node waits for some pending node, so walking always finds a repeat.
  const path: string[] = [];
  let cur = left[0]!.name;
  while (!path.includes(cur)) {
    path.push(cur);
    cur = waits.get(cur)!.find((d) => pending.has(d))!;
  }
  return [...path.slice(path.indexOf(cur)), cur];
}

/** Phases that may read `name`'s results: every phase it (transitively) waits for. */
export function ancestors(name: string, nodes: readonly PhaseNode[]): Set<string> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const out = new Set<string>();
  const stack = [name];
  while (stack.length > 0) {
    const n = byName.get(stack.pop()!);
    for (const d of [...(n?.hard ?? []), ...(n?.soft ?? [])]) {
      if (!out.has(d)) {
        out.add(d);
        stack.push(d);
      }
    }
  }
  return out;
}

/**
 * Runs `task` for each phase in dependency order, at most `limit` at a time: a phase
 * starts once every phase it waits for has finished. Results come back in `order`,
 * whatever order the tasks finished in.
 */
export async function runInOrder<T>(
  order: readonly string[],
  nodes: readonly PhaseNode[],
  limit: number,
  task: (name: string) => Promise<T>,
): Promise<Map<string, T>> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const inGroup = new Set(order);
  const results = new Map<string, T>();
  const running = new Map<string, Promise<void>>();
  const started = new Set<string>();
  let failure: { error: unknown } | undefined;
  while (results.size < order.length && failure === undefined) {
    for (const name of order) {
      if (running.size >= Math.max(1, limit)) break;
      if (started.has(name)) continue;
      const n = byName.get(name)!;
      const ready = [...n.hard, ...n.soft].every((d) => !inGroup.has(d) || d === name || results.has(d));
      if (!ready) continue;
      started.add(name);
      running.set(
        name,
        task(name).then(
          (r) => {
            results.set(name, r);
            running.delete(name);
          },
          (error: unknown) => {
            failure ??= { error };
            running.delete(name);
          },
        ),
      );
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  await Promise.allSettled(running.values());
  if (failure !== undefined) throw failure.error;
  return new Map(order.filter((n) => results.has(n)).map((n) => [n, results.get(n)!]));
}
