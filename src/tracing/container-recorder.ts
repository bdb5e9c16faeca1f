import { join, relative } from 'node:path';
import { tap, type Observable } from 'rxjs';
import type { SluiceEvent } from '../events/index.ts';
import type { Route } from '../routes/index.ts';
import type { BehaviorDef } from '../config/schema/topology.ts';
import { ContainerMatcher } from '../config/container-match.ts';
import { parseTimeframe } from '../domain/metrics/timeframe.ts';
import { NdjsonWriter } from '../files/ndjson-writer.ts';
import { ParquetTableWriter, type ColumnDef } from '../files/parquet-table-writer.ts';
import { METRICS_ROUTE } from './tracer.ts';
import { TRACE_TYPE_INDEX, TRACE_TYPES } from './presets.ts';
import { toTraceRecord, type TraceEntry, type TraceRecord } from './trace-record.ts';

/** Folder of the recordings inside the phase folder. */
export const RECORDS_DIR = 'records';

/** One row of a Parquet recording: a trace record with its nullable fields as '' / -1 and `data` as JSON text. */
interface RecordRow {
  readonly record_seq: number;
  readonly type: string;
  readonly id: string;
  readonly cause: string;
  readonly route: string;
  readonly seq: number;
  readonly ts: number;
  readonly symbol: string;
  readonly key: string;
  readonly data: string;
}

const RECORD_COLUMNS: readonly ColumnDef<RecordRow>[] = [
  { name: 'record_seq', kind: 'int64', delta: true },
  { name: 'type', kind: 'string' },
  { name: 'id', kind: 'string' },
  { name: 'cause', kind: 'string' },
  { name: 'route', kind: 'string' },
  { name: 'seq', kind: 'int64' },
  { name: 'ts', kind: 'timestamp_ms' },
  { name: 'symbol', kind: 'string' },
  { name: 'key', kind: 'string' },
  { name: 'data', kind: 'string' },
];

/** Rows per Parquet row group: the flush unit, so memory holds at most this many rows. */
const ROW_GROUP_ROWS = 8192;

/** Where one container's recording goes. */
interface RecordFile {
  readonly path: string;
  readonly needsDrain: boolean;
  drained(): Promise<void>;
  write(record: TraceRecord, ts: number): void;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

async function ndjsonFile(path: string): Promise<RecordFile> {
  const w = await NdjsonWriter.open(path);
  return {
    path,
    get needsDrain() {
      return w.needsDrain;
    },
    drained: () => w.drained(),
    write: (record) => w.write(record),
    commit: () => w.commit(),
    abort: () => w.abort(),
  };
}

async function parquetFile(path: string): Promise<RecordFile> {
  const w = await ParquetTableWriter.open<RecordRow>(path, RECORD_COLUMNS, {
    rowGroupRows: ROW_GROUP_ROWS,
    createdBy: 'sluice record behavior',
  });
  return {
    path,
    get needsDrain() {
      return w.needsDrain;
    },
    drained: () => w.drained(),
    write: (r, ts) =>
      w.append({
        record_seq: r.trace_seq,
        type: r.type,
        id: r.id,
        cause: r.cause ?? '',
        route: r.route ?? '',
        seq: r.seq ?? -1,
        ts,
        symbol: r.symbol ?? '',
        key: r.key ?? '',
        data: JSON.stringify(r.data),
      }),
    commit: async () => {
      await w.finish();
      await w.publish();
    },
    abort: () => w.abort(),
  };
}

/** One recorded container: its file, its limits, and the last event seen (an event sent on two routes is one record). */
interface Recording {
  readonly file: RecordFile;
  count: number;
  last: SluiceEvent | undefined;
  /** `record.throttle` in ms of event time; 0: none. */
  readonly throttleMs: number;
  /** Per trace type: the event time from which the next record may be written (throttle). */
  readonly nextAt: Float64Array;
  /** `record.max_events`: records written at most (Infinity: unbounded). */
  readonly maxEvents: number;
  /** Events past `maxEvents`, not written. */
  dropped: number;
}

/** What a phase's recordings hold, per recorded container (`records` in phase_summary.json). */
export type RecordsSummary = Readonly<
  Record<string, { readonly file: string; readonly written: number; readonly dropped: number }>
>;

/**
 * The `record` behavior of a topology (`behaviors: [{ match: 'portfolio_*', record: {
 * format: parquet } }]`): every event a matching container emits — on its routes and, for a
 * book, on its metric stream (PORTFOLIO, TRADE) — is written as it happens to
 * `<phase>/records/<container id>.ndjson` (or `.parquet`), unbounded by any trace budget
 * (`record.throttle` keeps at most one event of each type per span of event time,
 * `record.max_events` the first N; {@link summary} counts what the cap dropped).
 *
 * Like the tracer it only observes: it chains itself to the routes' taps (after any tap
 * already there) and into the metric stream's pipe, and a record is a {@link TraceRecord}
 * (`trace_seq` counts that container's records from 1 — `record_seq` in Parquet; `target` is null: a recording is
 * what a container sent, not to whom). Files are written through temporary names and
 * renamed on {@link close}, and they are {@link DrainableSink}s: the data source waits for
 * them like for the engine's own files, so memory stays flat on a long run.
 */
export class ContainerRecorder {
  private constructor(
    private readonly phaseDir: string,
    private readonly recordings: ReadonlyMap<string, Recording>,
  ) {}

  /**
   * A recorder for the containers some `record` behavior matches (a more specific glob
   * wins, as in container_settings), with its files open and its taps set; undefined when
   * no behavior records or the run writes nothing.
   */
  static async open(opts: {
    readonly behaviors: readonly BehaviorDef[] | undefined;
    readonly instances: readonly string[];
    readonly routes: readonly Route[];
    readonly phaseDir: string | null;
  }): Promise<ContainerRecorder | undefined> {
    const settings: Record<string, NonNullable<BehaviorDef['record']>> = {};
    for (const b of opts.behaviors ?? [])
      if (b.record !== undefined && !(b.match in settings)) settings[b.match] = b.record;
    const matcher = new ContainerMatcher(settings);
    if (matcher.empty || opts.phaseDir === null) return undefined;
    const recordings = new Map<string, Recording>();
    try {
      for (const id of opts.instances) {
        const record = matcher.match(id)?.value;
        if (record === undefined) continue;
        const path = join(opts.phaseDir, RECORDS_DIR, `${id}.${record.format}`);
        recordings.set(id, {
          file: record.format === 'parquet' ? await parquetFile(path) : await ndjsonFile(path),
          count: 0,
          last: undefined,
          throttleMs: record.throttle === undefined ? 0 : parseTimeframe(record.throttle),
          nextAt: new Float64Array(TRACE_TYPES.length).fill(-Infinity),
          maxEvents: record.maxEvents ?? Infinity,
          dropped: 0,
        });
      }
    } catch (err) {
      await Promise.all([...recordings.values()].map((r) => r.file.abort().catch(() => undefined)));
      throw err;
    }
    const recorder = new ContainerRecorder(opts.phaseDir, recordings);
    recorder.attach(opts.routes);
    return recorder;
  }

  /** The open files, for the sequencer's backpressure check after every chunk. */
  get sinks(): readonly RecordFile[] {
    return [...this.recordings.values()].map((r) => r.file);
  }

  /** `metrics$` of container `id` with its events recorded on the way, or `metrics$` itself when `id` is not recorded. */
  metrics(id: string, metrics$: Observable<SluiceEvent>): Observable<SluiceEvent> {
    const rec = this.recordings.get(id);
    return rec === undefined ? metrics$ : metrics$.pipe(tap((ev) => this.write(rec, METRICS_ROUTE, ev)));
  }

  /** Records written and dropped (`max_events`) per recorded container, in id order, with its file relative to the phase folder. */
  summary(): RecordsSummary {
    const out: Record<string, RecordsSummary[string]> = {};
    for (const id of [...this.recordings.keys()].sort()) {
      const r = this.recordings.get(id)!;
      out[id] = { file: relative(this.phaseDir, r.file.path), written: r.count, dropped: r.dropped };
    }
    return out;
  }

  /** Commits every file (also after a failed run: the summary says it failed). Returns the files, relative to the phase folder. */
  async close(): Promise<string[]> {
    const files: string[] = [];
    for (const r of this.recordings.values()) {
      await r.file.commit();
      files.push(relative(this.phaseDir, r.file.path));
    }
    return files;
  }

  private attach(routes: readonly Route[]): void {
    for (const route of routes) {
      if (!route.from.some((id) => this.recordings.has(id))) continue;
      const single = route.from.length === 1 ? this.recordings.get(route.from[0]!) : undefined;
      const before = route.tap;
      route.tap = (r, ev) => {
        before?.(r, ev);
        // A route fed by several containers (a merge): the event's own source says which.
        const rec = route.from.length === 1 ? single : this.recordings.get(ev.source);
        if (rec !== undefined) this.write(rec, route.name, ev);
      };
    }
  }

  private write(rec: Recording, route: string, ev: SluiceEvent): void {
    // A producer sends one event on every route that carries its type, one after the other.
    if (ev === rec.last) return;
    rec.last = ev;
    // Throttled by event time, per type: thinned like sampling, so not counted as dropped.
    if (rec.throttleMs > 0) {
      const ti = TRACE_TYPE_INDEX[ev.type];
      if (ev.ts < rec.nextAt[ti]!) return;
      rec.nextAt[ti] = ev.ts + rec.throttleMs;
    }
    if (rec.count >= rec.maxEvents) {
      rec.dropped++;
      return;
    }
    // link -1: a TRADE's cause is the fill that closed it, which its book received rather
    // than sent; the tracer, which sees the fills route, links it (cause null here).
    const entry: TraceEntry = { traceSeq: ++rec.count, route, source: ev.source, target: null, event: ev, link: -1 };
    rec.file.write(toTraceRecord(entry), ev.ts);
  }
}
