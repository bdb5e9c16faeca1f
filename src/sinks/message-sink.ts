/**
 * What live sinks are and what they send: shared by the sinks (sinks.ts, nats-sink.ts) and
 * the live driver (run-live.ts), so none of them imports another for a type.
 */
import type { DrainableSink } from '../files/drainable-sink.ts';

/**
 * Where live messages (signals, regime changes, gaps, the end) go: one JSON text per
 * message. A sink is drainable, so the live run reads the next bars only once every sink
 * has caught up (backpressure), as file sinks do in a historical run.
 */
export interface MessageSink extends DrainableSink {
  readonly description: string;
  /** Starts the sink (a server listens); resolves once it is ready. */
  open(): Promise<void>;
  send(json: string): void;
  /** Told of every live bar the graph takes (a NATS sink republishes them); undefined: not interested. */
  bar?(symbol: string, ts: number, open: number, high: number, low: number, close: number, volume: number): void;
  /** Flushes and releases; sends `final` first when given. */
  close(final?: string): Promise<void>;
}

/** A signal as the live sinks send it (one JSON object per message). */
export interface SignalMessage {
  readonly type: 'signal';
  /** Run-wide bar number (warm-up bars included): equal to the backtest's over the same bars. */
  readonly seq: number;
  readonly ts: string;
  readonly symbol: string;
  readonly strategy_id: string;
  readonly direction: number;
  readonly strength: number;
  readonly price: number;
  /** A cross-sectional strategy's target weight (rotation), as the signal store's `weight`; absent otherwise. */
  readonly weight?: number;
}

/** A classifier's regime change, as the live sinks send it. */
export interface RegimeMessage {
  readonly type: 'regime';
  readonly seq: number;
  readonly ts: string;
  readonly symbol: string;
  readonly classifier: string;
  readonly regime: string;
}
