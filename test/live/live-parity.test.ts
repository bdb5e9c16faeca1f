import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadLiveWorkflow } from '../../src/live/load-live.ts';
import { replay } from '../../src/live/replay.ts';
import { runLive, signalHello, type SignalMessage } from '../../src/live/run-live.ts';
import { FileSink, WebSocketSink } from '../../src/sinks/sinks.ts';
import {
  LIVE_CONFIG,
  MemorySink,
  openTcpHandles,
  referenceSignals,
  silent,
  splitSpy,
  SPY_BARS,
  spyFeed,
  spyHistory,
  spySource,
} from '../helpers/live.ts';

const HISTORY = 15_000;

let reference: SignalMessage[];

beforeAll(async () => {
  reference = await referenceSignals(LIVE_CONFIG);
});

describe('live signal generation with warm-up, fed by the replay feed over a real WebSocket', () => {
  it('emits, from the first live bar on, exactly the signals of the historical run over history + live', async () => {
    const { history, liveStart, dir } = splitSpy(HISTORY);
    const loaded = await loadLiveWorkflow(LIVE_CONFIG);
    // The replay feed serves the "live" part: bar 15,000 to the end.
    const feed = await spyFeed(liveStart);
    expect(feed.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);

    // Sinks: memory, an NDJSON file, and a WebSocket server a consumer subscribes to.
    const memory = new MemorySink();
    const file = new FileSink(join(dir, 'out', 'signals.ndjson'));
    const server = new WebSocketSink('ws://127.0.0.1:0', silent, () => signalHello(loaded));
    await server.open();
    const subscriber = new WebSocket(server.url);
    const received: Record<string, unknown>[] = [];
    const subscriberDone = new Promise<void>((resolve) => subscriber.on('close', () => resolve()));
    subscriber.on('message', (data) => received.push(JSON.parse(String(data)) as Record<string, unknown>));
    await new Promise((resolve) => subscriber.once('message', resolve)); // the hello

    const onSignal: SignalMessage[] = [];
    const outcome = await runLive({
      loaded,
      feedUrl: feed.url,
      warmup: spyHistory(history),
      sinks: [memory, file, server],
      logger: silent,
      onSignal: (s) => onSignal.push(s),
    });
    const replayed = await feed.done;
    await subscriberDone;

    expect(outcome.status).toBe('completed');
    expect(outcome.feedEnd).toBe('end message');
    expect(replayed).toMatchObject({ bars: SPY_BARS - HISTORY, reason: 'complete' });
    expect(outcome).toMatchObject({ warmupBars: HISTORY, liveBars: SPY_BARS - HISTORY });
    expect(outcome.source).toMatchObject({ duplicates: 0, outOfOrder: 0, coveredByWarmup: 0, dropped: 0 });
    expect(outcome.feed).toMatchObject({ malformed: 0, connects: 1, reconnects: 0 });

    const expected = reference.filter((s) => s.seq >= HISTORY);
    expect(expected.length).toBeGreaterThan(200);
    expect(new Set(expected.map((s) => s.strategy_id)).size).toBe(8);
    // Same bars, same strategies, same direction and strength, in the same order.
    expect(memory.of('signal')).toEqual(expected);
    expect(onSignal).toEqual(expected);
    // Nothing from the warm-up: the first live signal is the historical run's first at or after bar 15,000.
    expect(onSignal[0]).toEqual(reference.find((s) => s.seq >= HISTORY));
    expect(outcome.signals).toBe(expected.length);
    expect(outcome.regimes).toBeGreaterThan(0);
    expect(outcome.latency.count).toBe(expected.length);
    expect(outcome.latency.p50).toBeGreaterThanOrEqual(0);

    // Every sink got the same stream, ending with the end message.
    const fileLines = readFileSync(join(dir, 'out', 'signals.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(fileLines).toEqual(memory.messages);
    expect(received[0]).toMatchObject({ type: 'hello', feed: 'sluice-signals', workflow: 'spy_live' });
    expect(received.slice(1)).toEqual(memory.messages);
    expect(memory.messages.at(-1)).toEqual({
      type: 'end',
      reason: 'complete',
      bars: SPY_BARS - HISTORY,
      signals: expected.length,
    });

    await new Promise((r) => setTimeout(r, 50));
    expect(openTcpHandles()).toEqual([]);
  });

  it('reads NDJSON from stdin: the whole series without warm-up equals the historical run', async () => {
    const loaded = await loadLiveWorkflow(LIVE_CONFIG);
    const stdin = new PassThrough();
    const memory = new MemorySink();
    const lines = {
      send: (t: string) => void stdin.write(`${t}\n`),
      get needsDrain() {
        return stdin.writableNeedDrain;
      },
      drained: () => new Promise<void>((r) => stdin.once('drain', () => r())),
    };
    const [outcome] = await Promise.all([
      runLive({ loaded, feedUrl: 'stdin', stdin, sinks: [memory], logger: silent }),
      replay({ source: spySource(), speed: 'max', output: lines, logger: silent }).then(() => stdin.end()),
    ]);
    expect(outcome).toMatchObject({ status: 'completed', feedEnd: 'end message', warmupBars: 0, liveBars: SPY_BARS });
    expect(memory.of('signal')).toEqual(reference);
  });
});
