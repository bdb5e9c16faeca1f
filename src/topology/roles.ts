import type { EventType } from '../events/index.ts';
import type { Role } from '../config/schema/topology.ts';

/** What each role consumes from routes and produces onto them; the compiler checks routes against it. */
export const ROLE_IO: Readonly<Record<Role, { consumes: readonly EventType[]; produces: readonly EventType[] }>> = {
  data: { consumes: [], produces: ['BAR'] },
  features: { consumes: ['BAR'], produces: ['FEATURES'] },
  strategy: { consumes: ['FEATURES'], produces: ['SIGNAL'] },
  portfolio: { consumes: ['BAR', 'FEATURES', 'SIGNAL', 'FILL', 'REJECT'], produces: ['ORDER'] },
  risk: { consumes: ['ORDER'], produces: ['ORDER', 'REJECT'] },
  execution: { consumes: ['BAR', 'ORDER'], produces: ['FILL'] },
  signal_sink: { consumes: ['SIGNAL'], produces: [] },
};

/** Event types that carry a book `key`, so a route can deliver them by key. */
export const KEYED_EVENTS: ReadonlySet<EventType> = new Set(['SIGNAL', 'ORDER', 'REJECT', 'FILL', 'PORTFOLIO', 'TRADE']);
