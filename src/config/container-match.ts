/**
 * Matching container ids against globs: the keys of `trace_settings.container_settings`,
 * a topology's `behaviors[].match` and glob route endpoints (`from: portfolio_*`).
 *
 * A key is either an exact container id (`portfolio_sma_5_20`) or a glob in which `*`
 * stands for any run of characters (`portfolio_*`, `*_sma_*`, `*`). An exact key always
 * wins over a glob; among several matching globs the most specific one wins (the most
 * literal, non-`*` characters), and on a tie the one declared first.
 */

/** A matched key and its value. */
export interface ContainerMatch<T> {
  readonly pattern: string;
  readonly value: T;
}

interface Glob<T> {
  readonly pattern: string;
  readonly re: RegExp;
  readonly literal: number;
  readonly value: T;
}

/** Looks container ids up in a `container_settings`-style mapping. */
export class ContainerMatcher<T> {
  private readonly exact = new Map<string, T>();
  private readonly globs: Glob<T>[] = [];

  constructor(entries: Readonly<Record<string, T>>) {
    for (const [pattern, value] of Object.entries(entries)) {
      if (!pattern.includes('*')) {
        this.exact.set(pattern, value);
        continue;
      }
      this.globs.push({ pattern, re: globToRegExp(pattern), literal: pattern.replace(/\*/g, '').length, value });
    }
    // Stable sort: most specific first, declaration order among equals.
    this.globs.sort((a, b) => b.literal - a.literal);
  }

  /** True when there is no entry at all. */
  get empty(): boolean {
    return this.exact.size === 0 && this.globs.length === 0;
  }

  /** The entry for container `id`: the exact key if there is one, else the most specific matching glob. */
  match(id: string): ContainerMatch<T> | undefined {
    const exact = this.exact.get(id);
    if (exact !== undefined) return { pattern: id, value: exact };
    for (const g of this.globs) if (g.re.test(id)) return { pattern: g.pattern, value: g.value };
    return undefined;
  }
}

/** `portfolio_*` → /^portfolio_.*$/; every other character is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}
