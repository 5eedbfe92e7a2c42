import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical-json.js';

/** The definition, written plainly: what the checksum of every index ever built was computed with. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts = Object.keys(obj)
    .sort()
    .filter((k) => obj[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${reference(obj[k])}`);
  return `{${parts.join(',')}}`;
}

/** A seeded generator of awkward values: NUL and escapes in keys, index-like keys, undefined, nesting. */
function* values(seed: number, n: number): Generator<unknown> {
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const keys = ['a', 'b', 'a\0b', '\0', 'b\0', '10', '9', '"q"', 'é', '\u2028', 'z', ''];
  const gen = (depth: number): unknown => {
    const r = rnd();
    if (depth > 3 || r < 0.35) return [null, 1.5, -0, 'x\n"', true, undefined, 1e21][Math.floor(rnd() * 7)];
    if (r < 0.55) return Array.from({ length: Math.floor(rnd() * 4) }, () => gen(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(rnd() * 5); i > 0; i--) o[keys[Math.floor(rnd() * keys.length)]!] = gen(depth + 1);
    return o;
  };
  for (let i = 0; i < n; i++) yield gen(0);
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: undefined }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2}]},"b":1}');
  });

  it('gives equal strings for the same value built in different key orders, and the same string again from its cache', () => {
    const one = { x: 1, y: 2, z: { q: 1, p: 2 } };
    const other = { z: { p: 2, q: 1 }, y: 2, x: 1 };
    expect(canonicalJson(one)).toBe(canonicalJson(other));
    expect(canonicalJson(one)).toBe(canonicalJson(one));
  });

  it('does not confuse key lists that join to the same text (keys with NUL in them)', () => {
    expect(canonicalJson({ a: 1, b: 2 })).toBe('{"a":1,"b":2}');
    expect(canonicalJson({ 'a\0b': 3 })).toBe('{"a\\u0000b":3}');
    expect(canonicalJson({ 'a\0b': 1, c: 2 })).toBe('{"a\\u0000b":1,"c":2}');
    expect(canonicalJson({ a: 1, 'b\0c': 2 })).toBe('{"a":1,"b\\u0000c":2}');
  });

  it('agrees with the plain definition on thousands of seeded awkward values, twice over (cold and cached)', () => {
    for (const round of [1, 2])
      for (const v of values(42, 4000)) expect(canonicalJson(v), `round ${round}: ${reference(v)}`).toBe(reference(v));
  });
});
