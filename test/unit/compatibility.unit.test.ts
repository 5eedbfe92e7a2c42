import { describe, expect, it } from 'vitest';
import { checkCompatibility, checkSchemaPair } from '../../src/core/contracts/compatibility/check-compatibility.js';
import { COMPATIBILITY_RULES, directionsFor, isTransitive } from '../../src/core/contracts/compatibility/compatibility-rules.js';
import { diffSchemas } from '../../src/core/contracts/compatibility/schema-diff.js';
import { DIFFERENCE_KINDS, type DifferenceKind } from '../../src/core/contracts/compatibility/schema-difference.js';
import type { CompatibilityMode, EventContract, JsonSchema } from '../../src/core/contracts/contract-types.js';

type S = JsonSchema;
const closed = (properties: S, required: string[] = []): S => ({ type: 'object', properties, required, additionalProperties: false });
const open = (properties: S, required: string[] = []): S => ({ type: 'object', properties, required });
const str: S = { type: 'string' };
const int: S = { type: 'integer' };

interface Row {
  rule: string;
  old: S;
  new: S;
  /** Expected verdict of BACKWARD: a reader on `new` reads data written with `old`. */
  compatible: boolean;
  /** A difference kind the diff must report for this change (none: the change is invisible to readers). */
  kind?: DifferenceKind;
  pointer?: string;
}

/** One row per rule: an invented old/new pair and what BACKWARD must say about it. */
const TABLE: Row[] = [
  // --- must be incompatible ---
  {
    rule: 'typed property added to an open content model',
    old: open({ a: str }),
    new: open({ a: str, b: int }),
    compatible: false,
    kind: 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
    pointer: '/properties/b',
  },
  {
    rule: 'property removed from a closed content model',
    old: closed({ a: str, b: int }),
    new: closed({ a: str }),
    compatible: false,
    kind: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
    pointer: '/properties/b',
  },
  {
    rule: 'required property without default added (closed model)',
    old: closed({ a: str }, ['a']),
    new: closed({ a: str, b: int }, ['a', 'b']),
    compatible: false,
    kind: 'REQUIRED_PROPERTY_ADDED',
    pointer: '/properties/b',
  },
  {
    rule: 'existing optional property becomes required without default',
    old: closed({ a: str }),
    new: closed({ a: str }, ['a']),
    compatible: false,
    kind: 'REQUIRED_ATTRIBUTE_ADDED',
    pointer: '/required/0',
  },
  {
    rule: 'property type changed',
    old: closed({ a: str }),
    new: closed({ a: int }),
    compatible: false,
    kind: 'TYPE_CHANGED',
    pointer: '/properties/a/type',
  },
  {
    rule: 'number narrowed to integer',
    old: closed({ a: { type: 'number' } }),
    new: closed({ a: int }),
    compatible: false,
    kind: 'TYPE_NARROWED',
    pointer: '/properties/a/type',
  },
  {
    rule: 'nullable narrowed to non-null',
    old: closed({ a: { type: ['string', 'null'] } }),
    new: closed({ a: str }),
    compatible: false,
    kind: 'TYPE_NARROWED',
  },
  {
    rule: 'enum value removed',
    old: closed({ a: { enum: ['x', 'y'] } }),
    new: closed({ a: { enum: ['x'] } }),
    compatible: false,
    kind: 'ENUM_NARROWED',
    pointer: '/properties/a/enum',
  },
  {
    rule: 'enum replaced',
    old: closed({ a: { enum: ['x', 'y'] } }),
    new: closed({ a: { enum: ['x', 'z'] } }),
    compatible: false,
    kind: 'ENUM_CHANGED',
  },
  {
    rule: 'enum added to a free string',
    old: closed({ a: str }),
    new: closed({ a: { type: 'string', enum: ['x'] } }),
    compatible: false,
    kind: 'ENUM_ADDED',
  },
  {
    rule: 'const changed',
    old: closed({ a: { const: 'v1' } }),
    new: closed({ a: { const: 'v2' } }),
    compatible: false,
    kind: 'ENUM_CHANGED',
    pointer: '/properties/a/const',
  },
  {
    rule: 'maxLength decreased',
    old: closed({ a: { type: 'string', maxLength: 300 } }),
    new: closed({ a: { type: 'string', maxLength: 200 } }),
    compatible: false,
    kind: 'MAX_LENGTH_DECREASED',
    pointer: '/properties/a/maxLength',
  },
  {
    rule: 'maxLength added',
    old: closed({ a: str }),
    new: closed({ a: { type: 'string', maxLength: 10 } }),
    compatible: false,
    kind: 'MAX_LENGTH_ADDED',
  },
  {
    rule: 'minLength increased',
    old: closed({ a: { type: 'string', minLength: 1 } }),
    new: closed({ a: { type: 'string', minLength: 2 } }),
    compatible: false,
    kind: 'MIN_LENGTH_INCREASED',
  },
  {
    rule: 'pattern added',
    old: closed({ a: str }),
    new: closed({ a: { type: 'string', pattern: '^[A-Z]+$' } }),
    compatible: false,
    kind: 'PATTERN_ADDED',
  },
  {
    rule: 'pattern changed',
    old: closed({ a: { type: 'string', pattern: '^a' } }),
    new: closed({ a: { type: 'string', pattern: '^b' } }),
    compatible: false,
    kind: 'PATTERN_CHANGED',
  },
  {
    rule: 'string format added',
    old: closed({ a: str }),
    new: closed({ a: { type: 'string', format: 'date-time' } }),
    compatible: false,
    kind: 'FORMAT_ADDED',
    pointer: '/properties/a/format',
  },
  {
    rule: 'string format changed',
    old: closed({ a: { type: 'string', format: 'date' } }),
    new: closed({ a: { type: 'string', format: 'date-time' } }),
    compatible: false,
    kind: 'FORMAT_CHANGED',
  },
  {
    rule: 'minimum increased',
    old: closed({ a: { type: 'integer', minimum: 0 } }),
    new: closed({ a: { type: 'integer', minimum: 1 } }),
    compatible: false,
    kind: 'MINIMUM_INCREASED',
    pointer: '/properties/a/minimum',
  },
  {
    rule: 'maximum decreased',
    old: closed({ a: { type: 'number', maximum: 5 } }),
    new: closed({ a: { type: 'number', maximum: 4 } }),
    compatible: false,
    kind: 'MAXIMUM_DECREASED',
  },
  {
    rule: 'maximum added',
    old: closed({ a: int }),
    new: closed({ a: { type: 'integer', maximum: 9 } }),
    compatible: false,
    kind: 'MAXIMUM_ADDED',
  },
  {
    rule: 'exclusiveMinimum added',
    old: closed({ a: int }),
    new: closed({ a: { type: 'integer', exclusiveMinimum: 0 } }),
    compatible: false,
    kind: 'EXCLUSIVE_MINIMUM_ADDED',
  },
  {
    rule: 'multipleOf coarsened',
    old: closed({ a: { type: 'integer', multipleOf: 5 } }),
    new: closed({ a: { type: 'integer', multipleOf: 10 } }),
    compatible: false,
    kind: 'MULTIPLE_OF_EXPANDED',
  },
  {
    rule: 'minItems increased',
    old: closed({ a: { type: 'array', items: str, minItems: 1 } }),
    new: closed({ a: { type: 'array', items: str, minItems: 2 } }),
    compatible: false,
    kind: 'MIN_ITEMS_INCREASED',
  },
  {
    rule: 'maxItems decreased',
    old: closed({ a: { type: 'array', items: str, maxItems: 9 } }),
    new: closed({ a: { type: 'array', items: str, maxItems: 3 } }),
    compatible: false,
    kind: 'MAX_ITEMS_DECREASED',
  },
  {
    rule: 'uniqueItems added',
    old: closed({ a: { type: 'array', items: str } }),
    new: closed({ a: { type: 'array', items: str, uniqueItems: true } }),
    compatible: false,
    kind: 'UNIQUE_ITEMS_ADDED',
  },
  {
    rule: 'array item type narrowed',
    old: closed({ a: { type: 'array', items: { type: 'number' } } }),
    new: closed({ a: { type: 'array', items: int } }),
    compatible: false,
    kind: 'TYPE_NARROWED',
    pointer: '/properties/a/items/type',
  },
  {
    rule: 'nested closed object loses a property',
    old: closed({ o: closed({ x: str, y: str }) }),
    new: closed({ o: closed({ x: str }) }),
    compatible: false,
    kind: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
    pointer: '/properties/o/properties/y',
  },
  {
    rule: 'content model closed',
    old: open({ a: str }),
    new: closed({ a: str }),
    compatible: false,
    kind: 'ADDITIONAL_PROPERTIES_REMOVED',
    pointer: '/additionalProperties',
  },
  {
    rule: 'additionalProperties constrained',
    old: { type: 'object' },
    new: { type: 'object', additionalProperties: str },
    compatible: false,
    kind: 'ADDITIONAL_PROPERTIES_NARROWED',
  },
  {
    rule: 'additionalProperties type narrowed',
    old: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
    new: { type: 'object', additionalProperties: str },
    compatible: false,
    kind: 'TYPE_NARROWED',
    pointer: '/additionalProperties/type',
  },
  {
    rule: 'property added not covered by a partially open model',
    old: { type: 'object', properties: {}, additionalProperties: str },
    new: { type: 'object', properties: { a: int }, additionalProperties: str },
    compatible: false,
    kind: 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  },
  {
    rule: 'union alternative removed',
    old: closed({ a: { anyOf: [str, int] } }),
    new: closed({ a: { anyOf: [str] } }),
    compatible: false,
    kind: 'COMBINED_TYPE_SUBSCHEMAS_CHANGED',
  },
  {
    rule: '$ref target narrowed',
    old: {
      type: 'object',
      $defs: { money: { type: 'integer', minimum: 0 } },
      properties: { p: { $ref: '#/$defs/money' } },
      additionalProperties: false,
    },
    new: {
      type: 'object',
      $defs: { money: { type: 'integer', minimum: 1 } },
      properties: { p: { $ref: '#/$defs/money' } },
      additionalProperties: false,
    },
    compatible: false,
    kind: 'MINIMUM_INCREASED',
    pointer: '/properties/p/minimum',
  },
  {
    rule: 'not added',
    old: closed({ a: str }),
    new: closed({ a: { type: 'string', not: { const: '' } } }),
    compatible: false,
    kind: 'NOT_ADDED',
  },
  {
    rule: 'unmodelled keyword changed',
    old: closed({ a: { type: 'string', contentEncoding: 'base64' } }),
    new: closed({ a: { type: 'string', contentEncoding: 'base32' } }),
    compatible: false,
    kind: 'UNSUPPORTED_KEYWORD_CHANGED',
  },

  // --- must be compatible ---
  {
    rule: 'optional property added to a closed model',
    old: closed({ a: str }),
    new: closed({ a: str, b: int }),
    compatible: true,
    kind: 'OPTIONAL_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL',
    pointer: '/properties/b',
  },
  {
    rule: 'required property with default added (closed model)',
    old: closed({ a: str }),
    new: closed({ a: str, b: { type: 'integer', default: 0 } }, ['b']),
    compatible: true,
    kind: 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED',
  },
  {
    rule: 'existing property becomes required, with default',
    old: closed({ a: str }),
    new: closed({ a: { type: 'string', default: '' } }, ['a']),
    compatible: true,
    kind: 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED',
  },
  {
    rule: 'required constraint removed',
    old: closed({ a: str }, ['a']),
    new: closed({ a: str }),
    compatible: true,
    kind: 'REQUIRED_ATTRIBUTE_REMOVED',
    pointer: '/required/0',
  },
  {
    rule: 'property removed from an open model',
    old: open({ a: str, b: int }),
    new: open({ a: str }),
    compatible: true,
    kind: 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
  },
  {
    rule: 'untyped property added to an open model',
    old: open({ a: str }),
    new: open({ a: str, b: {} }),
    compatible: true,
    kind: 'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL',
  },
  {
    rule: 'integer widened to number',
    old: closed({ a: int }),
    new: closed({ a: { type: 'number' } }),
    compatible: true,
    kind: 'TYPE_EXTENDED',
    pointer: '/properties/a/type',
  },
  {
    rule: 'type widened to a union with null',
    old: closed({ a: str }),
    new: closed({ a: { type: ['string', 'null'] } }),
    compatible: true,
    kind: 'TYPE_EXTENDED',
  },
  {
    rule: 'enum extended',
    old: closed({ a: { enum: ['x'] } }),
    new: closed({ a: { enum: ['x', 'y'] } }),
    compatible: true,
    kind: 'ENUM_EXTENDED',
  },
  {
    rule: 'enum dropped',
    old: closed({ a: { type: 'string', enum: ['x'] } }),
    new: closed({ a: str }),
    compatible: true,
    kind: 'ENUM_REMOVED',
  },
  {
    rule: 'const widened to enum',
    old: closed({ a: { const: 'x' } }),
    new: closed({ a: { enum: ['x', 'y'] } }),
    compatible: true,
    kind: 'ENUM_EXTENDED',
  },
  {
    rule: 'maxLength increased',
    old: closed({ a: { type: 'string', maxLength: 200 } }),
    new: closed({ a: { type: 'string', maxLength: 300 } }),
    compatible: true,
    kind: 'MAX_LENGTH_INCREASED',
  },
  {
    rule: 'maxLength removed',
    old: closed({ a: { type: 'string', maxLength: 200 } }),
    new: closed({ a: str }),
    compatible: true,
    kind: 'MAX_LENGTH_REMOVED',
  },
  {
    rule: 'minLength decreased',
    old: closed({ a: { type: 'string', minLength: 2 } }),
    new: closed({ a: { type: 'string', minLength: 1 } }),
    compatible: true,
    kind: 'MIN_LENGTH_DECREASED',
  },
  {
    rule: 'pattern removed',
    old: closed({ a: { type: 'string', pattern: '^a' } }),
    new: closed({ a: str }),
    compatible: true,
    kind: 'PATTERN_REMOVED',
  },
  {
    rule: 'format removed',
    old: closed({ a: { type: 'string', format: 'uuid' } }),
    new: closed({ a: str }),
    compatible: true,
    kind: 'FORMAT_REMOVED',
  },
  {
    rule: 'minimum decreased',
    old: closed({ a: { type: 'integer', minimum: 1 } }),
    new: closed({ a: { type: 'integer', minimum: 0 } }),
    compatible: true,
    kind: 'MINIMUM_DECREASED',
  },
  {
    rule: 'maximum increased',
    old: closed({ a: { type: 'number', maximum: 5 } }),
    new: closed({ a: { type: 'number', maximum: 10 } }),
    compatible: true,
    kind: 'MAXIMUM_INCREASED',
  },
  {
    rule: 'multipleOf refined',
    old: closed({ a: { type: 'number', multipleOf: 0.1 } }),
    new: closed({ a: { type: 'number', multipleOf: 0.01 } }),
    compatible: true,
    kind: 'MULTIPLE_OF_REDUCED',
  },
  {
    rule: 'maxItems removed',
    old: closed({ a: { type: 'array', items: str, maxItems: 3 } }),
    new: closed({ a: { type: 'array', items: str } }),
    compatible: true,
    kind: 'MAX_ITEMS_REMOVED',
  },
  { rule: 'content model opened', old: closed({ a: str }), new: open({ a: str }), compatible: true, kind: 'ADDITIONAL_PROPERTIES_ADDED' },
  {
    rule: 'property added, covered by a partially open model',
    old: { type: 'object', properties: {}, additionalProperties: str },
    new: { type: 'object', properties: { a: { type: ['string', 'null'] } }, additionalProperties: str },
    compatible: true,
    kind: 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  },
  {
    rule: 'union alternative added',
    old: closed({ a: { anyOf: [str] } }),
    new: closed({ a: { anyOf: [str, int] } }),
    compatible: true,
    kind: 'SUM_TYPE_EXTENDED',
  },
  {
    rule: 'plain type becomes a union that includes it',
    old: closed({ a: str }),
    new: closed({ a: { oneOf: [str, int] } }),
    compatible: true,
    kind: 'SUM_TYPE_ADDED',
  },
  {
    rule: '$ref target widened',
    old: { type: 'object', $defs: { t: { type: 'string', maxLength: 3 } }, properties: { p: { $ref: '#/$defs/t' } } },
    new: { type: 'object', $defs: { t: { type: 'string', maxLength: 9 } }, properties: { p: { $ref: '#/$defs/t' } } },
    compatible: true,
    kind: 'MAX_LENGTH_INCREASED',
    pointer: '/properties/p/maxLength',
  },
  {
    rule: 'only annotations changed',
    old: closed({ a: { type: 'string', description: 'old' } }),
    new: { ...closed({ a: { type: 'string', description: 'new' } }), title: 'Renamed' },
    compatible: true,
    kind: 'DESCRIPTION_CHANGED',
  },
  { rule: 'property relaxed to the empty schema', old: closed({ a: str }), new: closed({ a: {} }), compatible: true },
];

describe('schema compatibility rules (BACKWARD: reader = new, writer = old)', () => {
  for (const row of TABLE) {
    it(`${row.compatible ? 'compatible' : 'INCOMPATIBLE'}: ${row.rule}`, () => {
      const [outcome] = checkSchemaPair(row.old, row.new, ['backward']);
      const kinds = outcome!.differences.map((d) => d.kind);
      if (row.kind) expect(kinds, JSON.stringify(outcome!.differences)).toContain(row.kind);
      else expect(outcome!.differences).toEqual([]);
      if (row.pointer) expect(outcome!.differences.find((d) => d.kind === row.kind)?.pointer).toBe(row.pointer);
      expect(outcome!.incompatible.length === 0, JSON.stringify(outcome!.incompatible)).toBe(row.compatible);
    });
  }

  it('the table covers both verdicts for every headline rule of the brief', () => {
    expect(TABLE.filter((r) => r.compatible).length).toBeGreaterThan(15);
    expect(TABLE.filter((r) => !r.compatible).length).toBeGreaterThan(25);
  });

  it('classifies every difference kind', () => {
    for (const k of DIFFERENCE_KINDS) expect(typeof COMPATIBILITY_RULES[k].compatible).toBe('boolean');
  });

  it('identical schemas differ in nothing', () => {
    const s = closed({ a: { type: 'string', maxLength: 3 }, b: { type: 'array', items: int } }, ['a']);
    expect(diffSchemas(s, structuredClone(s))).toEqual([]);
  });

  it('a recursive $ref terminates', () => {
    const tree = (max: number): S => ({
      type: 'object',
      $defs: {
        node: {
          type: 'object',
          properties: { v: { type: 'integer', maximum: max }, children: { type: 'array', items: { $ref: '#/$defs/node' } } },
        },
      },
      $ref: '#/$defs/node',
    });
    const [o] = checkSchemaPair(tree(10), tree(5), ['backward']);
    expect(o!.incompatible.map((d) => d.kind)).toContain('MAXIMUM_DECREASED');
  });

  it('escapes property names in pointers (RFC 6901)', () => {
    const [o] = checkSchemaPair(closed({ 'a/b~c': str }), closed({ 'a/b~c': int }), ['backward']);
    expect(o!.incompatible[0]!.pointer).toBe('/properties/a~1b~0c/type');
  });
});

describe('directions', () => {
  const v1 = closed({ a: str });
  const v2 = closed({ a: str, b: int }); // optional property added to a closed model

  it('adding an optional property to a closed model is BACKWARD but not FORWARD compatible', () => {
    const [back, fwd] = checkSchemaPair(v1, v2, ['backward', 'forward']);
    expect(back!.incompatible).toEqual([]);
    // FORWARD: a reader on v1 (closed, without b) reads v2 data that may carry b.
    expect(fwd!.incompatible.map((d) => d.kind)).toEqual(['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL']);
  });

  it('removing a required constraint is BACKWARD compatible; its reverse is not', () => {
    const [back, fwd] = checkSchemaPair(closed({ a: str }, ['a']), closed({ a: str }), ['backward', 'forward']);
    expect(back!.incompatible).toEqual([]);
    expect(fwd!.incompatible.map((d) => d.kind)).toEqual(['REQUIRED_ATTRIBUTE_ADDED']);
  });

  it('maps modes to directions and transitivity', () => {
    const cases: Array<[CompatibilityMode, string[], boolean]> = [
      ['BACKWARD', ['backward'], false],
      ['BACKWARD_TRANSITIVE', ['backward'], true],
      ['FORWARD', ['forward'], false],
      ['FORWARD_TRANSITIVE', ['forward'], true],
      ['FULL', ['backward', 'forward'], false],
      ['FULL_TRANSITIVE', ['backward', 'forward'], true],
      ['NONE', [], false],
    ];
    for (const [mode, dirs, transitive] of cases) {
      expect(directionsFor(mode)).toEqual(dirs);
      expect(isTransitive(mode)).toBe(transitive);
    }
  });
});

describe('checkCompatibility across versions', () => {
  const contract = (version: number, schema: S, compatibility: CompatibilityMode = 'BACKWARD'): EventContract => ({
    file: `events/thing_happened.v${version}.json`,
    eventType: 'ThingHappened',
    version,
    aggregateType: 'Thing',
    compatibility,
    schema,
  });
  // s1 -> s2 raises maxLength, s2 -> s3 adds an optional property: both BACKWARD compatible steps.
  const s1 = closed({ a: { type: 'string', maxLength: 5 } });
  const s2 = closed({ a: { type: 'string', maxLength: 9 } });
  const s3 = closed({ a: { type: 'string', maxLength: 9 }, b: int });
  const s3narrow = closed({ a: { type: 'string', maxLength: 4 } });

  it('BACKWARD checks each version against its predecessor only', () => {
    const pairs = checkCompatibility([contract(1, s1), contract(2, s2), contract(3, s3)]);
    expect(pairs.map((p) => [p.older.version, p.newer.version])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(pairs.every((p) => p.compatible)).toBe(true);
  });

  it('_TRANSITIVE checks against every earlier version', () => {
    const pairs = checkCompatibility([contract(1, s2), contract(2, s2), contract(3, s1, 'BACKWARD_TRANSITIVE')]);
    expect(pairs.map((p) => [p.older.version, p.newer.version])).toEqual([
      [1, 2],
      [2, 3],
      [1, 3],
    ]);
    expect(pairs.filter((p) => !p.compatible).map((p) => [p.older.version, p.newer.version])).toEqual([
      [2, 3],
      [1, 3],
    ]);
  });

  it('a transitive break is caught even when each step alone passes', () => {
    // v1 maxLength 9 -> v2 (NONE, maxLength 4) -> v3 maxLength 9 but FORWARD_TRANSITIVE: v1 reading v3 is fine, v2 reading v3 is not.
    const pairs = checkCompatibility([contract(1, s2), contract(2, s3narrow, 'NONE'), contract(3, s2, 'FORWARD_TRANSITIVE')]);
    const by = Object.fromEntries(pairs.map((p) => [`${p.older.version}->${p.newer.version}`, p]));
    expect(by['1->2']!.checked).toBe(false);
    expect(by['2->3']!.compatible).toBe(false);
    expect(by['2->3']!.outcomes[0]!.incompatible[0]).toMatchObject({ kind: 'MAX_LENGTH_DECREASED', pointer: '/properties/a/maxLength' });
    expect(by['1->3']!.compatible).toBe(true);
  });

  it('FULL needs both directions', () => {
    const [pair] = checkCompatibility([contract(1, s1), contract(2, s3, 'FULL')]);
    expect(pair!.compatible).toBe(false);
    expect(pair!.outcomes.map((o) => [o.direction, o.incompatible.length > 0])).toEqual([
      ['backward', false],
      ['forward', true],
    ]);
  });

  it('NONE skips the check (PriceUpdated v1 -> v2 is a bridged break)', () => {
    const [pair] = checkCompatibility([
      contract(1, closed({ price: { type: 'number' } })),
      contract(2, closed({ amountMinor: int }, ['amountMinor']), 'NONE'),
    ]);
    expect(pair).toMatchObject({ checked: false, compatible: true, outcomes: [] });
  });
});
