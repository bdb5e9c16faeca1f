import { z } from 'zod';
import type { EventType } from '../events/index.ts';
import { anyNumber, camelCase, EVENT_FIELDS } from './event-fields.ts';
import type { ExpectedValue } from './value-match.ts';

/**
 * What the values of a stream are, which decides how a value-table entry is read:
 *
 * - `events`: events of one of `types` (a mapping with snake_case fields; `type:` picks
 *   one when several are possible). `delivery` streams (a route's `deliveries`) also
 *   carry `to`, the consumer an event reached.
 * - `indicator`: an indicator's output: a number (one output) or a mapping of outputs.
 */
export type StreamShape =
  | { readonly kind: 'events'; readonly types: readonly EventType[]; readonly delivery?: boolean }
  | { readonly kind: 'indicator'; readonly outputs: readonly string[]; readonly single: boolean };

/** Event types a spec can write as input: what the containers and routes under test consume. */
export const INPUT_EVENT_TYPES = [
  'BAR',
  'SIGNAL',
  'ORDER',
  'CANCEL',
  'REJECT',
  'FILL',
] as const satisfies readonly EventType[];
export type InputEventType = (typeof INPUT_EVENT_TYPES)[number];

/** Fields an input event of each type must give; everything else has a default (see docs/marbles.md). */
const REQUIRED_INPUT_FIELDS: Readonly<Partial<Record<EventType, readonly string[]>>> = {
  SIGNAL: ['direction'],
  ORDER: ['side', 'quantity'],
  CANCEL: ['order_id'],
  FILL: ['side', 'quantity', 'price'],
};

const direction = z.union([z.literal(-1), z.literal(0), z.literal(1)]);
const finite = z.number();

/** An input bar written as a mapping: only `close` is required. */
const BarMapping = (type: z.ZodType) =>
  z
    .strictObject({
      type,
      open: finite.optional(),
      high: finite.optional(),
      low: finite.optional(),
      close: finite,
      volume: finite.min(0).optional(),
      symbol: z.string().min(1).optional(),
    })
    .superRefine((b, ctx) => {
      const open = b.open ?? b.close;
      if (b.high !== undefined && b.high < Math.max(open, b.close, b.low ?? -Infinity)) {
        ctx.addIssue({
          code: 'custom',
          path: ['high'],
          message: `high ${b.high} is below the bar's open, close or low`,
        });
      }
      if (b.low !== undefined && b.low > Math.min(open, b.close)) {
        ctx.addIssue({ code: 'custom', path: ['low'], message: `low ${b.low} is above the bar's open or close` });
      }
    });

function inputObject(type: InputEventType, typeRequired: boolean): z.ZodType {
  const literal = typeRequired ? z.literal(type) : z.literal(type).optional();
  if (type === 'BAR') return BarMapping(literal);
  const required = REQUIRED_INPUT_FIELDS[type] ?? [];
  const shape: Record<string, z.ZodType> = { type: literal };
  for (const [name, schema] of Object.entries(EVENT_FIELDS[type])) {
    shape[name] = required.includes(name) ? schema : schema.optional();
  }
  return z.strictObject(shape);
}

/**
 * The schema of one input value of a stream carrying `types`: a mapping of the event's
 * fields; a number for a bar (its close) or a signal (its direction).
 */
export function inputValueSchema(types: readonly InputEventType[]): z.ZodType {
  if (types.length === 1) {
    const type = types[0]!;
    const obj = inputObject(type, false);
    if (type === 'BAR') return z.union([finite, obj]);
    if (type === 'SIGNAL') return z.union([direction, obj]);
    return obj;
  }
  // `type:` may be left out for the stream's first type (e.g. ORDER on a route carrying ORDER and CANCEL).
  const [first, ...rest] = types.map((t, i) => inputObject(t, i > 0)) as [z.ZodObject, ...z.ZodObject[]];
  return z.discriminatedUnion('type', [first, ...rest]).meta({ noun: 'event type' });
}

/** An input value after validation: its type and its fields in camelCase, defaults still to fill. */
export interface InputTemplate {
  readonly type: InputEventType;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Reads a validated input value as a template. */
export function toInputTemplate(value: unknown, types: readonly InputEventType[]): InputTemplate {
  if (typeof value === 'number') {
    const type = types[0]!;
    return type === 'BAR' ? { type, fields: { close: value } } : { type, fields: { direction: value } };
  }
  const v = value as Record<string, unknown>;
  const type = (typeof v['type'] === 'string' ? v['type'] : types[0]!) as InputEventType;
  const fields: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (k !== 'type') fields[camelCase(k)] = x;
  return { type, fields };
}

function expectedObject(type: EventType, typeRequired: boolean, delivery: boolean): z.ZodObject {
  const shape: Record<string, z.ZodType> = { type: typeRequired ? z.literal(type) : z.literal(type).optional() };
  if (delivery) shape['to'] = z.string().optional();
  for (const [name, schema] of Object.entries(EVENT_FIELDS[type])) shape[name] = (schema as z.ZodType).optional();
  return z.strictObject(shape);
}

/**
 * The schema of one expected value of a stream: a partial mapping (only the fields
 * written are compared); a number for a signal (direction), a bar (close) or an
 * indicator with one output.
 */
export function expectedValueSchema(shape: StreamShape): z.ZodType {
  if (shape.kind === 'indicator') {
    if (shape.single) return anyNumber;
    return z.strictObject(Object.fromEntries(shape.outputs.map((o) => [o, anyNumber.optional()])));
  }
  const delivery = shape.delivery === true;
  if (shape.types.length === 1) {
    const type = shape.types[0]!;
    const obj = expectedObject(type, false, delivery);
    if (type === 'SIGNAL') return z.union([direction, obj]);
    if (type === 'BAR') return z.union([anyNumber, obj]);
    return obj;
  }
  // `type:` may be left out for the stream's first type (e.g. FILL on a route carrying FILL and REJECT).
  const [first, ...rest] = shape.types.map((t, i) => expectedObject(t, i > 0, delivery)) as [
    z.ZodObject,
    ...z.ZodObject[],
  ];
  return z.discriminatedUnion('type', [first, ...rest]).meta({ noun: 'event type' });
}

/**
 * Reads a validated expected value. `raw` is the value as written, so the fields keep the
 * order the spec wrote them in (the diff shows them that way).
 */
export function toExpected(raw: unknown, shape: StreamShape): ExpectedValue {
  if (shape.kind === 'indicator') {
    if (typeof raw === 'number') return { kind: 'number', value: raw };
    return {
      kind: 'fields',
      type: undefined,
      fields: Object.entries(raw as object).map(([name, value]) => ({ name, key: name, value })),
    };
  }
  if (typeof raw === 'number') {
    const type = shape.types[0]!;
    const name = type === 'BAR' ? 'close' : 'direction';
    return { kind: 'fields', type, fields: [{ name, key: name, value: raw }] };
  }
  const v = raw as Record<string, unknown>;
  const type = typeof v['type'] === 'string' ? (v['type'] as EventType) : shape.types[0];
  const fields = Object.entries(v)
    .filter(([k]) => k !== 'type')
    .map(([name, value]) => ({ name, key: name === 'to' ? 'to' : camelCase(name), value }));
  return { kind: 'fields', type, fields };
}
