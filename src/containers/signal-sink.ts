import { join } from 'node:path';
import type { SluiceEvent } from '../events/index.ts';
import { NdjsonWriter } from '../results/ndjson-writer.ts';
import { BaseContainer } from './base-container.ts';
import type { ContainerContext } from './container.ts';

/**
 * End of a signal-generation graph: records every signal change as one sparse row
 * (a row only when a strategy's direction changes) in `signals/signals.ndjson`.
 * Rows stream to disk as they happen; the file is committed atomically at cleanup.
 */
export class SignalSinkContainer extends BaseContainer {
  private writer: NdjsonWriter | undefined;
  private rows = 0;
  private readonly perStrategy = new Map<string, number>();

  constructor(id: string) {
    super(id, 'signal_sink');
  }

  async initialize(ctx: ContainerContext): Promise<void> {
    if (ctx.phaseDir === null) return;
    this.writer = await NdjsonWriter.open(join(ctx.phaseDir, 'signals', 'signals.ndjson'));
    ctx.registerSink(this.writer);
  }

  protected onEvent(ev: SluiceEvent): void {
    if (ev.type !== 'SIGNAL') return;
    this.rows++;
    this.perStrategy.set(ev.strategyId, (this.perStrategy.get(ev.strategyId) ?? 0) + 1);
    this.writer?.write({
      seq: ev.seq,
      ts: new Date(ev.ts).toISOString(),
      symbol: ev.symbol,
      strategy_id: ev.strategyId,
      direction: ev.direction,
      strength: ev.strength,
      price: ev.price,
    });
  }

  async cleanup(): Promise<void> {
    await this.writer?.commit();
    this.writer = undefined;
  }

  results(): Record<string, unknown> {
    return { signal_rows: this.rows, per_strategy: Object.fromEntries(this.perStrategy) };
  }
}
