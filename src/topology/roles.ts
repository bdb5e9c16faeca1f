import type { EventType } from '../events/index.ts';
import type { Role } from '../config/schema/topology.ts';

/** What each role consumes from routes and produces onto them; the compiler checks routes against it. */
export const ROLE_IO: Readonly<Record<Role, { consumes: readonly EventType[]; produces: readonly EventType[] }>> = {
  data: { consumes: [], produces: ['BAR'] },
  features: { consumes: ['BAR'], produces: ['FEATURES'] },
  classifier: { consumes: ['FEATURES'], produces: ['CLASSIFICATION'] },
  strategy: { consumes: ['FEATURES', 'CLASSIFICATION'], produces: ['SIGNAL'] },
  portfolio: { consumes: ['BAR', 'FEATURES', 'SIGNAL', 'FILL', 'REJECT'], produces: ['ORDER', 'CANCEL'] },
  // Risk passes CANCEL through untouched, so it travels the same way as the order it cancels.
  risk: { consumes: ['ORDER', 'CANCEL'], produces: ['ORDER', 'CANCEL', 'REJECT'] },
  execution: { consumes: ['BAR', 'ORDER', 'CANCEL'], produces: ['FILL', 'REJECT'] },
  // BAR: the sink records each bar's index, range and count per symbol for the signal store.
  signal_sink: { consumes: ['BAR', 'SIGNAL', 'CLASSIFICATION'], produces: [] },
  // Signal replay: the stored signals of each bar, in place of strategies.
  signal_source: { consumes: ['BAR'], produces: ['SIGNAL'] },
};

/** Event types that carry a book `key`, so a route can deliver them by key. */
export const KEYED_EVENTS: ReadonlySet<EventType> = new Set([
  'SIGNAL',
  'ORDER',
  'CANCEL',
  'REJECT',
  'FILL',
  'PORTFOLIO',
  'TRADE',
]);
