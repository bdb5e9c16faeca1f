import { describe, expect, it } from 'vitest';
import { toJson, toJsonLine } from '../../src/files/stable-json.ts';

describe('toJson', () => {
  it('indents by two spaces and ends with a newline', () => {
    expect(toJson({ a: 1, b: [true, 'x'], c: { d: null } })).toBe(
      '{\n  "a": 1,\n  "b": [\n    true,\n    "x"\n  ],\n  "c": {\n    "d": null\n  }\n}\n',
    );
  });

  it('writes non-finite numbers as null, at any depth', () => {
    expect(toJson({ a: Number.NaN, b: [Infinity, -Infinity], c: { d: 1 } })).toBe(
      '{\n  "a": null,\n  "b": [\n    null,\n    null\n  ],\n  "c": {\n    "d": 1\n  }\n}\n',
    );
    expect(toJson(Number.NaN)).toBe('null\n');
  });

  it('rounds nothing', () => {
    expect(toJson([0.1 + 0.2, 1 / 3, 1e-12, 2 ** 53 + 2, 123456789.12345679])).toBe(
      '[\n  0.30000000000000004,\n  0.3333333333333333,\n  1e-12,\n  9007199254740994,\n  123456789.12345679\n]\n',
    );
  });

  it('writes typed arrays as plain arrays', () => {
    expect(toJson({ v: new Float64Array([1.5, Number.NaN]) })).toBe('{\n  "v": [\n    1.5,\n    null\n  ]\n}\n');
  });

  it('keeps key insertion order and is the same on every call', () => {
    const value = { z: 1, a: 2, m: [3] };
    expect(toJson(value)).toBe('{\n  "z": 1,\n  "a": 2,\n  "m": [\n    3\n  ]\n}\n');
    expect(toJson(value)).toBe(toJson(structuredClone(value)));
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => toJson(undefined)).toThrow(TypeError);
    expect(() => toJson(() => 1)).toThrow(TypeError);
    expect(() => toJson({ n: 1n })).toThrow(TypeError);
  });
});

describe('toJsonLine', () => {
  it('writes one compact line, even for strings with newlines', () => {
    const line = toJsonLine({ a: 'x\ny', b: [1, Number.NaN] });
    expect(line).toBe('{"a":"x\\ny","b":[1,null]}\n');
    expect(line.indexOf('\n')).toBe(line.length - 1);
  });
});
