/**
 * Merging signal stores: the rows an incremental run computed (a staging store) with the
 * rows an existing store already holds, into one store whose rows are in the order a
 * from-scratch run of all of them would write — by (seq, strategy order), regimes by
 * (seq, classifier order).
 *
 * Both inputs are already sorted by seq, so the merge streams: it reads one row group of
 * each input at a time, collects the rows of one seq from both, sorts that small group by
 * the final order and appends it to the output store, which flushes row groups as it
 * goes. Memory is a few row groups, whatever the stores' sizes.
 */
import { readStoreBatches, type StoreTable } from './read-store.ts';
import { SignalStoreWriter, type SignalStoreMetaDraft } from './store-writer.ts';
import type { RegimeStoreRow, SignalStoreMeta, SignalStoreRow } from './store-format.ts';

/** One input store and how its rows map into the output. */
export interface MergeSource {
  readonly dir: string;
  readonly meta: SignalStoreMeta;
  /** Stored strategy id → id in the output; rows of strategies not listed are dropped. */
  readonly strategies: ReadonlyMap<string, string>;
  /** Stored classifier id → id in the output; rows of classifiers not listed are dropped. */
  readonly classifiers: ReadonlyMap<string, string>;
}

/** What {@link mergeStores} writes. */
export interface MergeRequest {
  readonly sources: readonly MergeSource[];
  readonly outDir: string;
  /** Metadata of the output (strategies and classifiers in output order). */
  readonly draft: SignalStoreMetaDraft;
  readonly rowGroupRows: number;
}

/** Rows of one input, one batch at a time, mapped (renamed, filtered) as they are loaded. */
class Cursor<R extends { readonly seq: number }> {
  private batch: R[] = [];
  private i = 0;
  private done = false;

  constructor(
    private readonly it: AsyncIterator<R[]>,
    private readonly map: (r: R) => R | undefined,
  ) {}

  /** The current row, loading batches as needed; undefined at the end. */
  async head(): Promise<R | undefined> {
    while (this.i >= this.batch.length) {
      if (this.done) return undefined;
      const next = await this.it.next();
      if (next.done === true) {
        this.done = true;
        return undefined;
      }
      const mapped: R[] = [];
      for (const r of next.value) {
        const m = this.map(r);
        if (m !== undefined) mapped.push(m);
      }
      this.batch = mapped;
      this.i = 0;
    }
    return this.batch[this.i];
  }

  /** The current row when it is loaded (no I/O needed), else undefined. */
  peek(): R | undefined {
    return this.batch[this.i];
  }

  advance(): void {
    this.i++;
  }

  /** Stops reading (closes the input file) when the merge ends early. */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.it.return?.();
  }
}

/**
 * Appends the rows of all cursors to `emit` ordered by seq, and within a seq by `rank`
 * (stable: rows of equal rank keep the cursors' order).
 */
async function mergeBySeq<R extends { readonly seq: number }>(
  cursors: readonly Cursor<R>[],
  rank: (r: R) => number,
  emit: (r: R) => void,
  drain: () => Promise<void>,
): Promise<void> {
  const group: R[] = [];
  for (;;) {
    let seq = Number.POSITIVE_INFINITY;
    for (const c of cursors) {
      const h = await c.head();
      if (h !== undefined && h.seq < seq) seq = h.seq;
    }
    if (seq === Number.POSITIVE_INFINITY) return;
    group.length = 0;
    for (const c of cursors) {
      for (let h = c.peek() ?? (await c.head()); h !== undefined && h.seq === seq; h = c.peek() ?? (await c.head())) {
        group.push(h);
        c.advance();
      }
    }
    if (group.length > 1) group.sort((a, b) => rank(a) - rank(b));
    for (const r of group) emit(r);
    await drain();
  }
}

function cursorsOf<T extends StoreTable, R extends SignalStoreRow | RegimeStoreRow>(
  sources: readonly MergeSource[],
  table: T,
  map: (s: MergeSource) => (r: R) => R | undefined,
): Cursor<R>[] {
  return sources.map(
    (s) => new Cursor<R>(readStoreBatches(s.dir, table, s.meta)[Symbol.asyncIterator]() as AsyncIterator<R[]>, map(s)),
  );
}

/**
 * Writes the merged store to `outDir` (atomically, like any store: see store-writer.ts)
 * and returns its metadata. The inputs may include the output folder itself: every input
 * is read to the end before the output's files are renamed over it.
 *
 * @throws SignalStoreError when an input is inconsistent; the I/O error when writing fails
 *   (the output folder then keeps what it held).
 */
export async function mergeStores(req: MergeRequest): Promise<SignalStoreMeta> {
  const writer = await SignalStoreWriter.open(req.outDir, { rowGroupRows: req.rowGroupRows });
  const open: { close(): Promise<void> }[] = [];
  try {
    const drain = async (): Promise<void> => {
      if (writer.needsDrain) await writer.drained();
    };
    const strategyRank = new Map(req.draft.strategies.map((s, i) => [s.id, i]));
    const classifierRank = new Map(req.draft.classifiers.map((c, i) => [c.id, i]));
    const signals = cursorsOf<'signals', SignalStoreRow>(req.sources, 'signals', (s) => (r) => {
      const id = s.strategies.get(r.strategy_id);
      return id === undefined ? undefined : id === r.strategy_id ? r : { ...r, strategy_id: id };
    });
    open.push(...signals);
    await mergeBySeq<SignalStoreRow>(
      signals,
      (r) => strategyRank.get(r.strategy_id) ?? Number.MAX_SAFE_INTEGER,
      (r) => writer.addSignal(r),
      drain,
    );
    const regimes = cursorsOf<'regimes', RegimeStoreRow>(req.sources, 'regimes', (s) => (r) => {
      const id = s.classifiers.get(r.classifier);
      return id === undefined ? undefined : id === r.classifier ? r : { ...r, classifier: id };
    });
    open.push(...regimes);
    await mergeBySeq<RegimeStoreRow>(
      regimes,
      (r) => classifierRank.get(r.classifier) ?? Number.MAX_SAFE_INTEGER,
      (r) => writer.addRegime(r),
      drain,
    );
    return await writer.commit(req.draft);
  } catch (err) {
    for (const c of open) await c.close().catch(() => undefined);
    await writer.abort();
    throw err;
  }
}
