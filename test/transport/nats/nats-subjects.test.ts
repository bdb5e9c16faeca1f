import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { subjectCovers } from '../../../src/transport/nats/jetstream.ts';
import {
  escapeToken,
  parseNatsUrl,
  signalMsgId,
  signalSubject,
  unescapeToken,
} from '../../../src/transport/nats/nats-subjects.ts';

describe('subject tokens of symbols and strategy ids', () => {
  it('keeps plain ids and escapes what a subject token may not hold', () => {
    expect(escapeToken('ema_crossover_8_26')).toBe('ema_crossover_8_26');
    expect(escapeToken('BRK.B')).toBe('BRK%2EB');
    expect(escapeToken('my strategy')).toBe('my%20strategy');
    expect(escapeToken('a*b>c')).toBe('a%2Ab%3Ec');
    expect(escapeToken('100%')).toBe('100%25');
    expect(escapeToken('é')).toBe('%C3%A9');
    expect(() => escapeToken('')).toThrow('empty');
    expect(signalSubject('sluice.signals', 'BRK.B', 'rsi 14')).toBe('sluice.signals.BRK%2EB.rsi%2014');
    expect(signalMsgId('rsi 14', 'BRK.B', '2025-03-07T19:45:00.000Z')).toBe('rsi 14:BRK.B:2025-03-07T19:45:00.000Z');
  });

  it('is reversible and never yields a wildcard, a dot, whitespace or an empty token', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: 'grapheme' }), (name) => {
        const token = escapeToken(name);
        expect(token).toMatch(/^[A-Za-z0-9_%-]+$/);
        expect(unescapeToken(token)).toBe(name);
      }),
    );
  });
});

describe('nats:// URLs and stream subjects', () => {
  it('reads servers (default port 4222) and a subject path', () => {
    expect(parseNatsUrl('nats://127.0.0.1:4333/sluice.bars.>')).toEqual({
      servers: ['nats://127.0.0.1:4333'],
      subject: 'sluice.bars.>',
      text: 'nats://127.0.0.1:4333/sluice.bars.>',
    });
    expect(parseNatsUrl('nats://a,b:5000').servers).toEqual(['nats://a:4222', 'nats://b:5000']);
    expect(parseNatsUrl('nats://h').subject).toBeUndefined();
    expect(() => parseNatsUrl('ws://h:1')).toThrow('expected nats://host:port[/subject]');
    expect(() => parseNatsUrl('nats://h:1/a..b')).toThrow('is not a NATS subject');
  });

  it('tells whether a stream subject takes the subjects a publisher needs', () => {
    expect(subjectCovers('sluice.signals.>', 'sluice.signals.>')).toBe(true);
    expect(subjectCovers('sluice.>', 'sluice.signals.>')).toBe(true);
    expect(subjectCovers('>', 'sluice.signals.>')).toBe(true);
    expect(subjectCovers('sluice.signals.*', 'sluice.signals.>')).toBe(false);
    expect(subjectCovers('sluice.signals.*.*', 'sluice.signals.SPY.x')).toBe(true);
    expect(subjectCovers('sluice.bars.>', 'sluice.signals.>')).toBe(false);
    expect(subjectCovers('sluice.signals', 'sluice.signals.>')).toBe(false);
  });
});
