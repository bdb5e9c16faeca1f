import type { SluiceEvent } from '../events/index.ts';

interface Episode {
  /** Signed position from the fills seen. */
  position: number;
  /** Orders sent and not yet filled or rejected. */
  outstanding: number;
}

/** Positions below this are flat: sizing may produce fractional shares whose sum is not exactly 0. */
const FLAT = 1e-9;

/**
 * Follows trades from the events on the routes, for `retention: trade_complete`: a trade
 * (an "episode") is the life of one book's position in one symbol, from the first
 * signal or order while flat until the position is flat again with no order
 * outstanding. The tracer shows it every ORDER, REJECT and FILL, recorded or not, so the
 * bookkeeping never depends on the trace level.
 *
 * Memory: one small entry per open episode and per outstanding order; both are deleted
 * when they close.
 */
export class TradeTracker {
  private readonly episodes = new Map<string, Episode>();
  private readonly orders = new Map<number, string>();

  /** The episode `ev` belongs to (SIGNAL, ORDER, CANCEL, REJECT, FILL), else undefined. */
  episodeOf(ev: SluiceEvent): string | undefined {
    switch (ev.type) {
      case 'SIGNAL':
      case 'ORDER':
      case 'CANCEL':
      case 'REJECT':
      case 'FILL':
        return `${ev.key}\u0000${ev.symbol}`;
      default:
        return undefined;
    }
  }

  /** Number of open episodes (for tests and the trace header). */
  get open(): number {
    return this.episodes.size;
  }

  /**
   * Books `ev` (before it is recorded). For a FILL or REJECT that leaves its episode flat
   * with nothing outstanding, returns the episode, which has just closed; otherwise
   * undefined. An order seen twice (before and after risk) counts once.
   */
  observe(ev: SluiceEvent, episode: string | undefined): string | undefined {
    if (episode === undefined) return undefined;
    switch (ev.type) {
      case 'SIGNAL':
        this.episode(episode);
        return undefined;
      case 'ORDER':
        if (!this.orders.has(ev.orderId)) {
          this.orders.set(ev.orderId, episode);
          this.episode(episode).outstanding++;
        }
        return undefined;
      case 'FILL':
      case 'REJECT': {
        if (this.orders.get(ev.orderId) !== episode) return undefined;
        const e = this.episode(episode);
        if (ev.type === 'FILL') e.position += ev.side === 'buy' ? ev.quantity : -ev.quantity;
        // A partial fill leaves its order outstanding: more FILLs or a REJECT follow.
        if (ev.type === 'FILL' && ev.remaining > 0) return undefined;
        this.orders.delete(ev.orderId);
        e.outstanding--;
        if (e.outstanding > 0 || Math.abs(e.position) > FLAT) return undefined;
        this.episodes.delete(episode);
        return episode;
      }
      default:
        return undefined;
    }
  }

  private episode(key: string): Episode {
    let e = this.episodes.get(key);
    if (e === undefined) this.episodes.set(key, (e = { position: 0, outstanding: 0 }));
    return e;
  }
}
