import { join } from 'node:path';
import type { SluiceEvent } from '../events/index.ts';
import { NdjsonWriter, type NdjsonWriterOptions } from '../results/ndjson-writer.ts';
import { BaseContainer } from './base-container.ts';
import type { ContainerContext } from './container.ts';

/** One sparse signal row, as written to signals.ndjson and kept in memory. */
export interface SignalRow {
  readonly seq: number;
  readonly ts: string;
  readonly symbol: string;
  readonly strategy_id: string;
  readonly direction: number;
  readonly strength: number;
  readonly price: number;
}

/** One sparse regime row, as written to regimes.ndjson: a classifier's label changed. */
export interface RegimeRow {
  readonly seq: number;
  readonly ts: string;
  readonly symbol: string;
  readonly classifier: string;
  readonly regime: string;
}

/**
 * End of a signal-generation graph: records every signal change as one sparse row
 * (a row only when a strategy's direction changes) in `signals/signals.ndjson`, and,
 * when the run has classifiers, every regime change in `signals/regimes.ndjson`.
 * Rows stream to disk as they happen; the files are committed atomically at cleanup.
 */
export class SignalSinkContainer extends BaseContainer {
  private writer: NdjsonWriter | undefined;
  private regimeWriter: NdjsonWriter | undefined;
  private count = 0;
  private regimeCount = 0;
  private readonly perStrategy = new Map<string, number>();
  /** Rows kept in memory (storage memory: all; hybrid: the first `keep`; disk: none). */
  readonly rows: SignalRow[] = [];
  /** Regime rows kept in memory, under the same rule as `rows`. */
  readonly regimeRows: RegimeRow[] = [];

  /**
   * @param keep rows kept in memory at most
   * @param writerOptions buffer capacities of the signal file
   * @param regimes whether the run has classifiers (then regimes.ndjson is written)
   */
  constructor(
    id: string,
    private readonly keep: number,
    private readonly writerOptions: NdjsonWriterOptions = {},
    private readonly regimes = false,
  ) {
    super(id, 'signal_sink');
  }

  async initialize(ctx: ContainerContext): Promise<void> {
    if (ctx.phaseDir === null) return;
    this.writer = await NdjsonWriter.open(join(ctx.phaseDir, 'signals', 'signals.ndjson'), this.writerOptions);
    ctx.registerSink(this.writer);
    if (this.regimes) {
      this.regimeWriter = await NdjsonWriter.open(join(ctx.phaseDir, 'signals', 'regimes.ndjson'), this.writerOptions);
      ctx.registerSink(this.regimeWriter);
    }
  }

  protected onEvent(ev: SluiceEvent): void {
    if (ev.type === 'CLASSIFICATION') {
      this.regimeCount++;
      const row: RegimeRow = { seq: ev.seq, ts: new Date(ev.ts).toISOString(), symbol: ev.symbol, classifier: ev.classifier, regime: ev.regime };
      if (this.regimeRows.length < this.keep) this.regimeRows.push(row);
      this.regimeWriter?.write(row);
      return;
    }
    if (ev.type !== 'SIGNAL') return;
    this.count++;
    this.perStrategy.set(ev.strategyId, (this.perStrategy.get(ev.strategyId) ?? 0) + 1);
    const row: SignalRow = {
      seq: ev.seq,
      ts: new Date(ev.ts).toISOString(),
      symbol: ev.symbol,
      strategy_id: ev.strategyId,
      direction: ev.direction,
      strength: ev.strength,
      price: ev.price,
    };
    if (this.rows.length < this.keep) this.rows.push(row);
    this.writer?.write(row);
  }

  async cleanup(): Promise<void> {
    await this.writer?.commit();
    this.writer = undefined;
    await this.regimeWriter?.commit();
    this.regimeWriter = undefined;
  }

  results(): Record<string, unknown> {
    return {
      signal_rows: this.count,
      per_strategy: Object.fromEntries(this.perStrategy),
      ...(this.regimes ? { regime_rows: this.regimeCount } : {}),
    };
  }
}
