import { jetstreamManager } from '@nats-io/jetstream';
import { parseCamel } from '../../src/config/schema-keys.ts';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSchema, LiveSinkSchema, type NatsSinkConfig } from '../../src/config/schema/live.ts';
import { loadLiveWorkflow } from '../../src/live/load-live.ts';
import { openNatsReplayOutput } from '../../src/live/nats-replay.ts';
import { NatsSink } from '../../src/sinks/nats-sink.ts';
import { replay } from '../../src/live/replay.ts';
import { runLive, type SignalMessage } from '../../src/live/run-live.ts';
import {
  LIVE_CONFIG,
  MemorySink,
  openTcpHandles,
  referenceSignals,
  silent,
  splitSpy,
  SPY_BARS,
  spyHistory,
  spySource,
} from '../helpers/live.ts';
import { NATS_SERVER_BIN, startNatsServer, type NatsServer } from '../helpers/nats-server.ts';

/**
 * In-process: the NATS feed and sink inside `runLive`. A run fed from SLUICE_BARS
 * republishes its live bars (`publish_bars`) to a relay stream while publishing its
 * signals with a tiny in-flight bound (back-pressure on every few signals); a second run
 * reads the relay — which has no end message — and is stopped by its abort signal.
 */

const LIVE_BARS = 2000;
const HISTORY = SPY_BARS - LIVE_BARS;
const skipReason =
  NATS_SERVER_BIN === undefined ? ' (SKIPPED: no nats-server binary; install it or set NATS_SERVER)' : '';

let nats: NatsServer | undefined;
let expected: SignalMessage[];
let split: ReturnType<typeof splitSpy>;

async function streamMessages(url: string, stream: string): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    return (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
}

describe.skipIf(NATS_SERVER_BIN === undefined)(`the NATS feed and sink in a live run${skipReason}`, () => {
  beforeAll(async () => {
    split = splitSpy(HISTORY);
    [nats, expected] = await Promise.all([
      startNatsServer(NATS_SERVER_BIN!),
      referenceSignals(LIVE_CONFIG).then((all) => all.filter((s) => s.seq >= HISTORY)),
    ]);
  });

  afterAll(async () => {
    await nats?.stop();
  });

  it('relays its live bars for a second run, publishes every signal acked under back-pressure, and stops cleanly on abort', async () => {
    const url = nats!.url;
    const feed = await openNatsReplayOutput(url, ['SPY'], { logger: silent });
    const sent = await replay({
      source: spySource(split.liveStart),
      speed: 'max',
      output: feed.output,
      logger: silent,
    });
    expect(sent).toMatchObject({ bars: LIVE_BARS, reason: 'complete' });
    expect(await feed.close()).toEqual({ stored: LIVE_BARS + 1, duplicates: 0, retries: 0 });

    const loaded = await loadLiveWorkflow(LIVE_CONFIG);
    const sinkCfg = parseCamel(LiveSinkSchema, {
      type: 'nats',
      url,
      stream: 'SIG_RELAY_TEST',
      subject_prefix: 'test.signals',
      publish_bars: true,
      bars_stream: 'RELAY',
      bars_prefix: 'relay.bars',
      max_in_flight: 4,
    }) as NatsSinkConfig;
    const sink = new NatsSink(sinkCfg, silent);
    const first = new MemorySink();
    const one = await runLive({
      loaded,
      feedUrl: url,
      warmup: spyHistory(split.history),
      sinks: [first, sink],
      logger: silent,
    });
    expect(one).toMatchObject({
      status: 'completed',
      feedEnd: 'end message',
      warmupBars: HISTORY,
      liveBars: LIVE_BARS,
    });
    expect(first.of('signal')).toEqual(expected);
    // Every signal was acked before the sink closed: all of them are in the stream.
    expect(sink.counters).toEqual({ stored: expected.length + LIVE_BARS, duplicates: 0, retries: 0 });
    expect(await streamMessages(url, 'SIG_RELAY_TEST')).toBe(expected.length);
    expect(await streamMessages(url, 'RELAY')).toBe(LIVE_BARS);

    // The relay, read through a durable consumer; it has no end, so the run is stopped once it has every signal.
    const abort = new AbortController();
    const second = new MemorySink();
    const live = parseCamel(LiveSchema, { feed: { nats: { stream: 'RELAY', durable: 'relay-reader' } } });
    const two = await runLive({
      loaded,
      live,
      feedUrl: `${url}/relay.bars.SPY`,
      warmup: spyHistory(split.history),
      sinks: [second],
      logger: silent,
      signal: abort.signal,
      onSignal: () => {
        if (second.of('signal').length === expected.length) setTimeout(() => abort.abort(), 200);
      },
    });
    expect(two).toMatchObject({ status: 'cancelled', feedEnd: 'stopped', liveBars: LIVE_BARS });
    expect(second.of('signal')).toEqual(expected);
    expect(second.messages.at(-1)).toMatchObject({ type: 'end', reason: 'interrupted', bars: LIVE_BARS });
    await new Promise((r) => setTimeout(r, 50));
    expect(openTcpHandles()).toEqual([]);
  });
});
