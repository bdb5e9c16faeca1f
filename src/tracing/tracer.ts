import type { SluiceEvent } from '../events/index.ts';
import type { Route, RouteTarget } from '../routes/index.ts';
import { ByKey } from '../routes/subject-fan-out.ts';
import { TraceSettingsSchema, type ContainerTraceSettings, type TraceSettings } from '../config/schema/trading.ts';
import { toSnakeKeys } from '../config/schema-keys.ts';
import { ContainerMatcher } from '../config/container-match.ts';
import { parseTimeframe } from '../domain/metrics/timeframe.ts';
import { presetMask, TRACE_TYPE_INDEX, TRACE_TYPES } from './presets.ts';
import type { TraceRetention } from './retention.ts';
import { SlidingWindowRetention } from './sliding-window-retention.ts';
import { TradeCompleteRetention } from './trade-complete-retention.ts';
import { TradeTracker } from './trade-tracker.ts';
import {
  toTraceRecord,
  type TraceEntry,
  type TraceFailure,
  type TraceHeader,
  type TraceRecord,
} from './trace-record.ts';
import type { TraceSink } from './sinks.ts';
import { countBySource, summarizeTrace, type TraceSummary } from './trace-summary.ts';

/** Route name of a book's metric stream (PORTFOLIO, TRADE) in a trace: it feeds the results fold, not a container. */
export const METRICS_ROUTE = 'metrics';

/** What the trace header says about the run besides the settings. */
export interface TracerInfo {
  readonly traceId: string;
  readonly phase: string;
  /** Feature names by hub slot. */
  readonly features?: readonly string[];
  /** The features each strategy reads, by strategy key. */
  readonly strategies?: Readonly<Record<string, readonly string[]>>;
}

/**
 * The settings one event is traced under: the global settings or one
 * `container_settings` entry (fields it leaves out inherit the global ones).
 */
interface Group {
  readonly name: string;
  readonly mask: Uint8Array;
  readonly sampleEvery: number;
  /** Events of each type offered so far: sampling keeps every `sampleEvery`th of each type. */
  readonly offered: Float64Array;
  /** `throttle` in ms of event time; 0: none. */
  readonly throttleMs: number;
  /** Per sending container, per trace type: the event time from which its next record may be made (throttle). */
  readonly nextAt: Map<string, Float64Array>;
  readonly retention: TraceRetention;
}

/** Who records an event of one type on one route, for one (producer, target) situation. */
interface Selection {
  readonly group: Group;
  readonly target: string | readonly string[] | null;
  /** Records made per type for the sending container (the trace summary), held here so counting costs no lookup. */
  readonly counts: Float64Array;
  /** The group's throttle times of the sending container (undefined when the group does not throttle), held here for the same reason. */
  readonly nextAt: Float64Array | undefined;
}

/** Per trace type (TRACE_TYPE_INDEX): the selection, or undefined when nobody traces it. */
type Selections = readonly (Selection | undefined)[];

/** A route as the tracer sees it, with its selections cached per producer (and, by key, per target). */
interface RoutePlan {
  readonly name: string;
  /** The route's one producer, or undefined when several feed it (the event's `source` says which). */
  readonly producer: string | undefined;
  readonly targets: readonly RouteTarget[];
  /** Target by foreach key, for routes that deliver by key. */
  readonly byKey: ReadonlyMap<string, RouteTarget> | undefined;
  /** Selections by target (a target id, ALL_TARGETS or NO_TARGET), then by producer. */
  readonly cache: Map<string, Map<string, Selections>>;
}

/** What the scratch entry holds between records (so it keeps no event alive). */
const PLACEHOLDER: TraceFailure = { type: 'ERROR', step: '', container: undefined, message: '' };

/** Cache keys of {@link RoutePlan.cache} that no container id can equal. */
const ALL_TARGETS = '\u0000all';
const NO_TARGET = '\u0000none';

/**
 * The event tracer: taps routes (never a container's internals) and records the events
 * they carry as {@link TraceEntry}s, bounded by the configured retention.
 *
 * For each event on a route it decides whether to record, in this order:
 *
 * 1. **settings** — per target container of the delivery: the `container_settings` entry
 *    of its id (exact id, else the most specific glob); failing that, the entry of the
 *    container that sent it; failing that, the global settings. A by-key route has one
 *    target per event (the instance of the event's key); a broadcast has all of its.
 * 2. **level** — the event's type must be in the preset of that level (see presets.ts).
 *    On a broadcast, the targets whose level selects the type are the record's `target`
 *    (a list when several), and the first of them in declared order decides sampling and
 *    budget. One route event gives at most one record.
 * 3. **sampling** — `sample_every: N` keeps the 1st, (N+1)th… event of each type;
 *    `throttle: <span>` then keeps at most one per type and sending container per span of
 *    event time (the events' timestamps, so reruns trace the same events).
 * 4. **retention** — sliding window or trade-complete, per budget: the global one, or
 *    the entry's own when it sets `max_events`.
 *
 * A run with every level `none` never builds a tracer, and no route gets a tap.
 */
export class EventTracer {
  private readonly settings: TraceSettings;
  private readonly info: TracerInfo;
  private readonly matcher: ContainerMatcher<ContainerTraceSettings>;
  private readonly global: Group;
  private readonly groups = new Map<string, Group>();
  private readonly retentions: TraceRetention[] = [];
  private readonly tracker: TradeTracker | undefined;
  private recorded = 0;
  /** Records made per sending container, by trace type index: the per-container part of the phase's trace summary. */
  private readonly counts = new Map<string, Float64Array>();
  /** Records the last {@link writeTo} wrote, per sending container (the entries themselves are let go). */
  private written: ReadonlyMap<string, Float64Array> | undefined;
  private readonly scratch: { -readonly [K in keyof TraceEntry]: TraceEntry[K] } = {
    traceSeq: 0,
    route: null,
    source: '',
    target: null,
    event: PLACEHOLDER,
    link: -1,
  };
  /** The last FILL seen: a TRADE emitted right after it (same book, symbol and bar) was closed by it. */
  private lastFill: Extract<SluiceEvent, { type: 'FILL' }> | undefined;

  constructor(settings: TraceSettings, info: TracerInfo) {
    this.settings = settings;
    this.info = info;
    this.matcher = new ContainerMatcher(settings.containerSettings);
    this.global = this.makeGroup('', settings.level, settings.sampleEvery, undefined, undefined);
    const tradeComplete = settings.retention === 'trade_complete';
    this.tracker = tradeComplete ? new TradeTracker() : undefined;
  }

  /**
   * True when anything at all would be traced: the global level or some container's is
   * not `none`. When false, build no tracer (the hot path then pays one `undefined` check
   * per route event).
   */
  static enabled(settings: TraceSettings): boolean {
    if (settings.level !== 'none') return true;
    return Object.values(settings.containerSettings).some((c) => c.level !== undefined && c.level !== 'none');
  }

  /**
   * Sets the tap of every route that carries something traced (or, with trade-complete
   * retention, any ORDER, REJECT or FILL, which the trade bookkeeping needs). Routes that
   * carry nothing traced keep `tap` undefined. Returns the tapped routes.
   */
  attach(routes: readonly Route[]): Route[] {
    const tapped: Route[] = [];
    for (const route of routes) {
      const plan: RoutePlan = {
        name: route.name,
        producer: route.from.length === 1 ? route.from[0] : undefined,
        targets: route.targets,
        byKey: route instanceof ByKey ? new Map(route.targets.map((t) => [t.key!, t])) : undefined,
        cache: new Map(),
      };
      let wanted = false;
      for (const producer of route.from) {
        const targets = plan.byKey !== undefined ? route.targets.map((t) => t.id) : [ALL_TARGETS];
        for (const target of targets) {
          const sels = this.selections(plan, target, producer);
          if (route.events.some((t) => sels[TRACE_TYPE_INDEX[t]] !== undefined)) wanted = true;
        }
      }
      if (this.tracker !== undefined && route.events.some((t) => t === 'ORDER' || t === 'REJECT' || t === 'FILL'))
        wanted = true;
      if (!wanted) continue;
      route.tap = (_route, ev) => this.onRouteEvent(plan, ev);
      tapped.push(route);
    }
    return tapped;
  }

  /**
   * An observer for the metric stream (PORTFOLIO, TRADE) of container `id`, recorded on
   * the pseudo-route `metrics` with no target; undefined when neither type is traced
   * for that container.
   */
  metricsObserver(id: string): ((ev: SluiceEvent) => void) | undefined {
    const sels = this.selectionsOf([], id);
    if (sels[TRACE_TYPE_INDEX.PORTFOLIO] === undefined && sels[TRACE_TYPE_INDEX.TRADE] === undefined) return undefined;
    return (ev) => this.offer(METRICS_ROUTE, id, sels, ev);
  }

  /** Records a run failure as an `ERROR` record, when the failing container's (or the global) level includes errors. */
  recordFailure(failure: Omit<TraceFailure, 'type'>): void {
    const group = this.groupFor(failure.container ?? '');
    if (group.mask[TRACE_TYPE_INDEX.ERROR] !== 1) return;
    const event: TraceFailure = { type: 'ERROR', ...failure };
    this.countsOf(failure.container ?? 'sequencer')[TRACE_TYPE_INDEX.ERROR]!++;
    group.retention.add(
      {
        traceSeq: ++this.recorded,
        route: null,
        source: failure.container ?? 'sequencer',
        target: null,
        event,
        link: -1,
      },
      undefined,
    );
  }

  /** The retained entries, in trace_seq order. */
  entries(): TraceEntry[] {
    return this.retentions.flatMap((r) => r.entries()).sort((a, b) => a.traceSeq - b.traceSeq);
  }

  /** The retained entries as records (what the sink receives). */
  records(): TraceRecord[] {
    return this.entries().map(toTraceRecord);
  }

  /** The header line for what is retained now. */
  header(written: number): TraceHeader {
    const s = this.settings;
    return {
      type: 'TRACE_HEADER',
      format: 1,
      trace_id: this.info.traceId,
      phase: this.info.phase,
      level: s.level,
      retention: s.retention,
      max_events: s.maxEvents,
      sample_every: s.sampleEvery,
      // The header is a file: its settings in the YAML spelling.
      container_settings: toSnakeKeys(TraceSettingsSchema.shape.container_settings, s.containerSettings),
      features: this.info.features ?? [],
      strategies: this.info.strategies ?? {},
      counts: { recorded: this.recorded, dropped: this.retentions.reduce((n, r) => n + r.dropped, 0), written },
    };
  }

  /**
   * Records made and dropped per container and event type, with the totals; undefined
   * until the trace has been written ({@link writeTo}).
   */
  summary(file: string | null): TraceSummary | undefined {
    return this.written === undefined
      ? undefined
      : summarizeTrace(this.settings.level, file, this.counts, this.written);
  }

  /** Writes the header and every retained record to `sink`, honouring its backpressure, and commits it. */
  async writeTo(sink: TraceSink): Promise<void> {
    const entries = this.entries();
    this.written = countBySource(entries);
    try {
      sink.writeHeader(this.header(entries.length));
      for (const entry of entries) {
        sink.write(toTraceRecord(entry));
        if (sink.needsDrain) await sink.drained();
      }
    } catch (err) {
      await sink.abort().catch(() => undefined);
      throw err;
    }
    await sink.commit();
  }

  private onRouteEvent(plan: RoutePlan, ev: SluiceEvent): void {
    const producer = plan.producer ?? ev.source;
    let target = ALL_TARGETS;
    if (plan.byKey !== undefined) target = 'key' in ev ? (plan.byKey.get(ev.key)?.id ?? NO_TARGET) : NO_TARGET;
    const sels = plan.cache.get(target)?.get(producer) ?? this.selections(plan, target, producer);
    this.offer(plan.name, producer, sels, ev);
  }

  /**
   * The selections of a route for deliveries to `target` (a target id, or ALL_TARGETS /
   * NO_TARGET) fed by `producer`; computed once, then cached on the plan.
   */
  private selections(plan: RoutePlan, target: string, producer: string): Selections {
    let byProducer = plan.cache.get(target);
    if (byProducer === undefined) plan.cache.set(target, (byProducer = new Map()));
    let sels = byProducer.get(producer);
    if (sels === undefined) {
      const ids = target === ALL_TARGETS ? plan.targets.map((t) => t.id) : target === NO_TARGET ? [] : [target];
      byProducer.set(producer, (sels = this.selectionsOf(ids, producer)));
    }
    return sels;
  }

  private selectionsOf(targetIds: readonly string[], producer: string): Selections {
    const counts = this.countsOf(producer);
    return TRACE_TYPES.map((_, ti): Selection | undefined => {
      if (targetIds.length === 0) {
        const group = this.groupFor(producer);
        return group.mask[ti] === 1 ? { group, target: null, counts, nextAt: nextAtOf(group, producer) } : undefined;
      }
      let owner: Group | undefined;
      const selecting: string[] = [];
      for (const id of targetIds) {
        const group = this.groupFor(id, producer);
        if (group.mask[ti] !== 1) continue;
        owner ??= group;
        selecting.push(id);
      }
      if (owner === undefined) return undefined;
      return {
        group: owner,
        target: selecting.length === 1 ? selecting[0]! : selecting,
        counts,
        nextAt: nextAtOf(owner, producer),
      };
    });
  }

  /** Records `ev` if its selection says so, after the trade bookkeeping has seen it. */
  private offer(route: string, producer: string, sels: Selections, ev: SluiceEvent): void {
    const ti = TRACE_TYPE_INDEX[ev.type];
    const tracker = this.tracker;
    const episode = tracker?.episodeOf(ev);
    const closed = tracker?.observe(ev, episode);
    let link = -1;
    if (ev.type === 'FILL') this.lastFill = ev;
    else if (ev.type === 'TRADE') {
      const f = this.lastFill;
      if (f !== undefined && f.key === ev.key && f.symbol === ev.symbol && f.fillSeq === ev.seq) link = f.orderId;
    }
    const sel = sels[ti];
    if (sel !== undefined) {
      const group = sel.group;
      const n = group.offered[ti]!;
      group.offered[ti] = n + 1;
      const next = sel.nextAt;
      if (n % group.sampleEvery === 0 && (next === undefined || ev.ts >= next[ti]!)) {
        if (next !== undefined) next[ti] = ev.ts + group.throttleMs;
        // Retention copies the entry, so one scratch object serves every record.
        const e = this.scratch;
        e.traceSeq = ++this.recorded;
        sel.counts[ti]!++;
        e.route = route;
        e.source = producer;
        e.target = sel.target;
        e.event = ev;
        e.link = link;
        group.retention.add(e, episode);
        e.event = PLACEHOLDER;
      }
    }
    if (closed !== undefined) for (const r of this.retentions) r.closeEpisode(closed);
  }

  /** The per-type record counts of a sending container (created on first use). */
  private countsOf(container: string): Float64Array {
    let row = this.counts.get(container);
    if (row === undefined) this.counts.set(container, (row = new Float64Array(TRACE_TYPES.length)));
    return row;
  }

  /**
   * The settings group of a delivery to `target` sent by `producer`: the target's entry,
   * else the producer's, else the global settings.
   */
  private groupFor(target: string, producer?: string): Group {
    const hit = this.matcher.match(target) ?? (producer !== undefined ? this.matcher.match(producer) : undefined);
    if (hit === undefined) return this.global;
    let group = this.groups.get(hit.pattern);
    if (group === undefined) {
      const c = hit.value;
      const own = c.maxEvents !== undefined ? c.maxEvents : undefined;
      group = this.makeGroup(
        hit.pattern,
        c.level ?? this.settings.level,
        c.sampleEvery ?? this.settings.sampleEvery,
        own,
        c.throttle,
      );
      this.groups.set(hit.pattern, group);
    }
    return group;
  }

  private makeGroup(
    name: string,
    level: TraceSettings['level'],
    sampleEvery: number,
    ownBudget: number | undefined,
    throttle: string | undefined,
  ): Group {
    let retention: TraceRetention;
    if (ownBudget === undefined && name !== '') retention = this.global.retention;
    else {
      const capacity = ownBudget ?? this.settings.maxEvents;
      const width = this.info.features?.length ?? 0;
      retention =
        this.settings.retention === 'trade_complete'
          ? new TradeCompleteRetention(capacity, width)
          : new SlidingWindowRetention(capacity, width);
      this.retentions.push(retention);
    }
    return {
      name,
      mask: presetMask(level),
      sampleEvery,
      offered: new Float64Array(TRACE_TYPES.length),
      throttleMs: throttle === undefined ? 0 : parseTimeframe(throttle),
      nextAt: new Map(),
      retention,
    };
  }
}

/** The throttle times of `producer` under `group` (created on first use); undefined when the group does not throttle. */
function nextAtOf(group: Group, producer: string): Float64Array | undefined {
  if (group.throttleMs === 0) return undefined;
  let row = group.nextAt.get(producer);
  if (row === undefined) group.nextAt.set(producer, (row = new Float64Array(TRACE_TYPES.length).fill(-Infinity)));
  return row;
}
