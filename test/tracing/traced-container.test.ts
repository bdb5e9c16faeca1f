import { readFileSync } from 'node:fs';
import { parseCamel } from '../../src/config/schema-keys.ts';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { TraceSettingsSchema } from '../../src/config/schema/trading.ts';
import type { OrderEvent, SluiceEvent } from '../../src/events/index.ts';
import { createRoute } from '../../src/routes/index.ts';
import { EventTracer } from '../../src/tracing/tracer.ts';
import { MemoryTraceSink } from '../../src/tracing/sinks.ts';
import { QuantityCapRisk } from './fixtures/quantity-cap-risk.ts';

const order = (seq: number, orderId: number, quantity: number): OrderEvent => ({
  type: 'ORDER',
  seq,
  ts: Date.UTC(2024, 2, 26, 14, 30) + seq * 300_000,
  symbol: 'SPY',
  source: 'portfolio_sma',
  key: 'sma',
  orderId,
  signalId: orderId,
  side: 'buy',
  quantity,
  reason: 'signal',
  price: 520,
  position: 0,
  equity: 1e5,
  grossExposure: 0,
});

/**
 * The container placed as the sequencer places it: its operator reads an inbox, and every
 * event it emits is sent on the route that carries its type (here `approved`, risk →
 * execution), whose tap the tracer set.
 */
async function traceThrough(settings: Record<string, unknown>, inputs: SluiceEvent[]) {
  const risk = new QuantityCapRisk('risk', 100);
  const approved = createRoute({
    name: 'approved',
    kind: 'pipeline',
    from: ['risk'],
    targets: [{ id: 'execution' }],
    events: ['ORDER', 'CANCEL'],
    byKey: false,
  });
  const tracer = new EventTracer(parseCamel(TraceSettingsSchema, settings), { traceId: 'guide', phase: 'backtest' });
  const tapped = tracer.attach([approved]);
  const delivered: SluiceEvent[] = [];
  approved.output('execution').subscribe((ev) => delivered.push(ev));
  const inbox = new Subject<SluiceEvent>();
  inbox.pipe(risk.operator()).subscribe((ev) => approved.next(ev));
  for (const ev of inputs) inbox.next(ev);
  inbox.complete();
  const sink = new MemoryTraceSink();
  await tracer.writeTo(sink);
  return { risk, tapped, delivered, sink, tracer };
}

describe('the worked example of docs/tracing.md: a container whose events are traced', () => {
  it('is the code the guide shows', () => {
    const guide = readFileSync('docs/tracing.md', 'utf8');
    const code = readFileSync('test/tracing/fixtures/quantity-cap-risk.ts', 'utf8');
    expect(guide).toContain(code.slice(code.indexOf('export class QuantityCapRisk')));
  });

  it('at minimal level every order it sends is recorded, capped, with its route, source and target', async () => {
    const { risk, tapped, delivered, sink } = await traceThrough({ level: 'minimal' }, [
      order(1, 1, 50),
      order(2, 2, 250),
    ]);
    expect(tapped.map((r) => r.name)).toEqual(['approved']);
    expect(delivered.map((ev) => (ev as OrderEvent).quantity)).toEqual([50, 100]);
    expect(
      sink.records.map((r) => [
        r.type,
        r.id,
        r.route,
        r.source,
        r.target,
        r.data['quantity'],
        r.data['risk_note'] ?? null,
      ]),
    ).toEqual([
      ['ORDER', 'order:1', 'approved', 'risk', 'execution', 50, null],
      ['ORDER', 'order:2', 'approved', 'risk', 'execution', 100, 'capped at 100'],
    ]);
    expect(sink.records[1]!.cause).toBe('signal:2');
    expect(risk.results()).toEqual({ max: 100, capped: 1 });
  });

  it('a level without ORDER taps nothing; sample_every thins its records; the summary counts them', async () => {
    const none = await traceThrough({ level: 'none', container_settings: { execution: { level: 'standard' } } }, [
      order(1, 1, 50),
    ]);
    // standard includes ORDER: execution's entry (the target) decides, so the order is traced.
    expect(none.sink.records).toHaveLength(1);
    const off = await traceThrough({ level: 'debug', container_settings: { execution: { level: 'none' } } }, [
      order(1, 1, 50),
    ]);
    expect(off.tapped).toEqual([]);
    const sampled = await traceThrough({ level: 'minimal', sample_every: 2 }, [
      order(1, 1, 50),
      order(2, 2, 60),
      order(3, 3, 70),
    ]);
    expect(sampled.sink.records.map((r) => r.id)).toEqual(['order:1', 'order:3']);
    expect(sampled.tracer.summary(null)).toEqual({
      level: 'minimal',
      file: null,
      recorded: 2,
      dropped: 0,
      written: 2,
      containers: { risk: { ORDER: { recorded: 2, dropped: 0 } } },
    });
  });
});
