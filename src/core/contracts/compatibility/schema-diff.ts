import { canonicalJson } from '../../canonical-json.js';
import { isCompatibleKind } from './compatibility-rules.js';
import type { DifferenceKind, SchemaDifference } from './schema-difference.js';

/**
 * Structural differences between two JSON Schemas, seen from the data's side: `writer` is the schema the
 * data was produced under, `reader` the schema a consumer validates it with. A difference only says what
 * changed ("the reader added a maxLength"); whether that breaks a consumer is decided in
 * compatibility-rules.ts, so this module can stay a plain, exhaustive comparison.
 *
 * Modelled on the rule set Confluent Schema Registry applies to JSON Schema (open/closed content models,
 * widening vs narrowing of every bound), with a few deliberate refinements noted where they occur.
 */

type Obj = Record<string, unknown>;

/** Keywords that only annotate: a schema made of these alone accepts every value. */
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$anchor',
  '$dynamicAnchor',
  '$comment',
  '$defs',
  'definitions',
  '$vocabulary',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
]);

/** Keywords compared below; anything else that differs is reported as unsupported (never silently passed). */
const HANDLED = new Set([
  'type',
  'enum',
  'const',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'dependentRequired',
  'unevaluatedProperties',
  'items',
  'prefixItems',
  'contains',
  'minContains',
  'maxContains',
  'minItems',
  'maxItems',
  'uniqueItems',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  '$ref',
]);

const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern', 'format'];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const OBJECT_KEYWORDS = [
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'dependentRequired',
];
const ARRAY_KEYWORDS = ['items', 'prefixItems', 'contains', 'minContains', 'maxContains', 'minItems', 'maxItems', 'uniqueItems'];

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** True for `true`, `{}` and schemas made only of annotations: they accept any value. */
export function acceptsAnything(s: unknown): boolean {
  if (s === true || s === undefined) return true;
  if (!isObj(s)) return false;
  return Object.keys(s).every((k) => ANNOTATIONS.has(k) || k.startsWith('x-'));
}

function typeOfValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** The JSON types a schema admits, or undefined when it does not restrict the type at all. */
function admittedTypes(s: Obj): Set<string> | undefined {
  if (typeof s.type === 'string') return new Set([s.type]);
  if (Array.isArray(s.type)) return new Set(s.type as string[]);
  if (Array.isArray(s.enum)) return new Set(s.enum.map(typeOfValue));
  if ('const' in s) return new Set([typeOfValue(s.const)]);
  return undefined;
}

function admits(types: Set<string> | undefined, group: readonly string[]): boolean {
  if (!types) return true;
  return group.some((t) => types.has(t) || (t === 'integer' && types.has('number')) || (t === 'number' && types.has('integer')));
}

function enumValues(s: Obj): { values: unknown[]; keyword: 'enum' | 'const' } | undefined {
  if (Array.isArray(s.enum)) return { values: s.enum, keyword: 'enum' };
  if ('const' in s) return { values: [s.const], keyword: 'const' };
  return undefined;
}

/** Merges `allOf` branches into their parent: properties and required are unioned, other keywords overlaid. */
function flattenAllOf(s: Obj): Obj {
  if (!Array.isArray(s.allOf)) return s;
  const { allOf, ...base } = s;
  let out: Obj = base;
  for (const branch of allOf as unknown[]) {
    if (!isObj(branch)) continue;
    const b = flattenAllOf(branch);
    const merged: Obj = { ...out, ...b };
    if (isObj(out.properties) || isObj(b.properties)) {
      merged.properties = { ...(isObj(out.properties) ? out.properties : {}), ...(isObj(b.properties) ? b.properties : {}) };
    }
    if (Array.isArray(out.required) || Array.isArray(b.required)) {
      merged.required = [...new Set([...((out.required as string[]) ?? []), ...((b.required as string[]) ?? [])])];
    }
    if (out.type !== undefined && b.type !== undefined) {
      const a = new Set(Array.isArray(out.type) ? out.type : [out.type]);
      const common = (Array.isArray(b.type) ? b.type : [b.type]).filter((t) => a.has(t));
      merged.type = common.length === 1 ? common[0] : common;
    }
    out = merged;
  }
  return out;
}

/** Where a key lands in an object schema that does not declare it in `properties`. */
type Coverage = { kind: 'open' } | { kind: 'closed' } | { kind: 'partial'; schema: unknown };

function matchesPattern(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(key);
  } catch {
    return false;
  }
}

function coverageOf(s: Obj, key: string): Coverage {
  const patterns = isObj(s.patternProperties) ? s.patternProperties : {};
  for (const [p, schema] of Object.entries(patterns)) {
    if (matchesPattern(p, key)) return acceptsAnything(schema) ? { kind: 'open' } : { kind: 'partial', schema };
  }
  const extra = extraOf(s);
  if (extra === false) return { kind: 'closed' };
  if (acceptsAnything(extra)) return { kind: 'open' };
  return { kind: 'partial', schema: extra };
}

/** An object schema's content model as a whole (Confluent's terms): open, closed, or partially open. */
function contentModel(s: Obj): 'open' | 'closed' | 'partial' {
  const hasPatterns = isObj(s.patternProperties) && Object.keys(s.patternProperties).length > 0;
  const extra = extraOf(s);
  if (!hasPatterns && acceptsAnything(extra)) return 'open';
  if (!hasPatterns && extra === false) return 'closed';
  return 'partial';
}

/** What an object schema says about keys it does not declare: additionalProperties, else unevaluatedProperties. */
function extraOf(s: Obj): unknown {
  return 'additionalProperties' in s ? s.additionalProperties : s.unevaluatedProperties;
}

function hasDefault(s: unknown): boolean {
  return isObj(s) && 'default' in s;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** `a` is an integer multiple of `b`, tolerating binary fractions such as 0.01. */
function isMultiple(a: number, b: number): boolean {
  if (b === 0) return false;
  const q = a / b;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

class DiffWalk {
  readonly differences: SchemaDifference[] = [];
  /** `$ref` pairs being compared further up the stack: a cycle is assumed compatible, as Confluent does. */
  private readonly active: Set<string>;

  constructor(
    private readonly writerRoot: unknown,
    private readonly readerRoot: unknown,
    active?: Set<string>,
  ) {
    this.active = active ?? new Set();
  }

  private add(kind: DifferenceKind, pointer: string, detail?: string): void {
    this.differences.push({ kind, pointer: pointer || '/', ...(detail !== undefined ? { detail } : {}) });
  }

  /** A fresh walk sharing the roots and cycle guard, to try a comparison without committing its differences. */
  private trial(): DiffWalk {
    return new DiffWalk(this.writerRoot, this.readerRoot, this.active);
  }

  private adopt(other: DiffWalk): void {
    this.differences.push(...other.differences);
  }

  private resolve(s: unknown, root: unknown): { schema: unknown; ref?: string } {
    let current = s;
    let firstRef: string | undefined;
    for (let hops = 0; hops < 32 && isObj(current) && typeof current.$ref === 'string'; hops++) {
      const ref = current.$ref;
      const target = resolveLocalRef(root, ref);
      if (target === undefined) return { schema: current, ref: firstRef ?? ref };
      firstRef ??= ref;
      const { $ref: _ignored, ...siblings } = current;
      current = Object.keys(siblings).length === 0 ? target : isObj(target) ? { ...target, ...siblings } : target;
    }
    return { schema: current, ...(firstRef ? { ref: firstRef } : {}) };
  }

  compare(writerIn: unknown, readerIn: unknown, at: string): void {
    const w = this.resolve(writerIn, this.writerRoot);
    const r = this.resolve(readerIn, this.readerRoot);
    const key = w.ref || r.ref ? `${w.ref ?? at}\u0000${r.ref ?? at}` : undefined;
    if (key) {
      if (this.active.has(key)) return;
      this.active.add(key);
    }
    try {
      this.compareResolved(w.schema, r.schema, at);
    } finally {
      if (key) this.active.delete(key);
    }
  }

  private compareResolved(writerIn: unknown, readerIn: unknown, at: string): void {
    // Unresolvable (remote) references can only be compared by name.
    const wRef = isObj(writerIn) && typeof writerIn.$ref === 'string' ? writerIn.$ref : undefined;
    const rRef = isObj(readerIn) && typeof readerIn.$ref === 'string' ? readerIn.$ref : undefined;
    if (wRef !== undefined || rRef !== undefined) {
      if (wRef !== rRef) this.add('REF_CHANGED', `${at}/$ref`, `${wRef ?? '(none)'} -> ${rRef ?? '(none)'}`);
      return;
    }
    if (writerIn === false) return; // nothing was ever written there
    if (readerIn === false) {
      this.add('READER_REJECTS_ALL', at);
      return;
    }
    if (acceptsAnything(readerIn)) {
      this.compareAnnotations(isObj(writerIn) ? writerIn : {}, isObj(readerIn) ? readerIn : {}, at);
      return;
    }
    const writer = flattenAllOf(isObj(writerIn) ? writerIn : {});
    const reader = flattenAllOf(readerIn as Obj);
    this.compareAnnotations(writer, reader, at);
    if (this.compareSums(writer, reader, at)) return;
    this.compareNot(writer, reader, at);

    const wTypes = admittedTypes(writer);
    const rTypes = admittedTypes(reader);
    if (!this.compareTypes(wTypes, rTypes, at)) return;
    this.compareEnum(writer, reader, at);
    const both = (group: readonly string[]) => admits(wTypes, group) && admits(rTypes, group);
    if (both(['string'])) this.compareString(writer, reader, at);
    if (both(['number', 'integer'])) this.compareNumber(writer, reader, at);
    if (both(['object'])) this.compareObject(writer, reader, at);
    if (both(['array'])) this.compareArray(writer, reader, at);
    this.compareUnsupported(writer, reader, at, both);
  }

  private compareAnnotations(w: Obj, r: Obj, at: string): void {
    if (w.$id !== r.$id && (w.$id !== undefined || r.$id !== undefined)) this.add('ID_CHANGED', `${at}/$id`);
    if (w.title !== r.title) this.add('TITLE_CHANGED', `${at}/title`);
    if (w.description !== r.description) this.add('DESCRIPTION_CHANGED', `${at}/description`);
    if (!same(w.default, r.default)) this.add('DEFAULT_CHANGED', `${at}/default`);
  }

  /** Returns false when the types share nothing, so comparing their keywords would only add noise. */
  private compareTypes(w: Set<string> | undefined, r: Set<string> | undefined, at: string): boolean {
    const p = `${at}/type`;
    if (!r) {
      if (w) this.add('TYPE_EXTENDED', p, `${[...w].join('|')} -> any`);
      return true;
    }
    if (!w) {
      this.add('TYPE_NARROWED', p, `any -> ${[...r].join('|')}`);
      return true;
    }
    const covered = (t: string) => r.has(t) || (t === 'integer' && r.has('number'));
    const uncovered = [...w].filter((t) => !covered(t));
    const detail = `${[...w].join('|')} -> ${[...r].join('|')}`;
    if (uncovered.length === 0) {
      const widened = [...r].some((t) => !w.has(t) && !(t === 'integer' && w.has('number')));
      if (widened) this.add('TYPE_EXTENDED', p, detail);
      return true;
    }
    const partly = uncovered.length < w.size || uncovered.every((t) => t === 'number' && r.has('integer'));
    this.add(partly ? 'TYPE_NARROWED' : 'TYPE_CHANGED', p, detail);
    return partly;
  }

  private compareEnum(w: Obj, r: Obj, at: string): void {
    const we = enumValues(w);
    const re = enumValues(r);
    if (!we && !re) return;
    if (we && !re) {
      this.add('ENUM_REMOVED', `${at}/${we.keyword}`);
      return;
    }
    if (!we && re) {
      this.add('ENUM_ADDED', `${at}/${re.keyword}`);
      return;
    }
    const wSet = new Set(we!.values.map(canonicalJson));
    const rSet = new Set(re!.values.map(canonicalJson));
    const p = `${at}/${re!.keyword}`;
    const wInR = [...wSet].every((v) => rSet.has(v));
    const rInW = [...rSet].every((v) => wSet.has(v));
    if (wInR && rInW) return;
    if (wInR) this.add('ENUM_EXTENDED', p, `added ${[...rSet].filter((v) => !wSet.has(v)).join(', ')}`);
    else if (rInW) this.add('ENUM_NARROWED', p, `removed ${[...wSet].filter((v) => !rSet.has(v)).join(', ')}`);
    else this.add('ENUM_CHANGED', p, `${[...wSet].join(', ')} -> ${[...rSet].join(', ')}`);
  }

  /**
   * An upper bound (maxLength, maximum, ...): raising or dropping it widens what the reader accepts.
   * `floor` is the value an absent keyword is equivalent to, when there is one.
   */
  private upperBound(
    w: Obj,
    r: Obj,
    keyword: string,
    at: string,
    kinds: [DifferenceKind, DifferenceKind, DifferenceKind, DifferenceKind],
  ): void {
    const [added, removed, increased, decreased] = kinds;
    const a = num(w[keyword]);
    const b = num(r[keyword]);
    const p = `${at}/${keyword}`;
    if (a === b) return;
    if (a === undefined) this.add(added, p, `none -> ${b}`);
    else if (b === undefined) this.add(removed, p, `${a} -> none`);
    else this.add(b > a ? increased : decreased, p, `${a} -> ${b}`);
  }

  /** A lower bound (minLength, minimum, ...): lowering or dropping it widens what the reader accepts. */
  private lowerBound(
    w: Obj,
    r: Obj,
    keyword: string,
    at: string,
    kinds: [DifferenceKind, DifferenceKind, DifferenceKind, DifferenceKind],
    absentAs?: number,
  ): void {
    const [added, removed, increased, decreased] = kinds;
    const a = num(w[keyword]) ?? absentAs;
    const b = num(r[keyword]) ?? absentAs;
    const p = `${at}/${keyword}`;
    if (a === b) return;
    if (a === undefined) this.add(added, p, `none -> ${b}`);
    else if (b === undefined) this.add(removed, p, `${a} -> none`);
    else this.add(b > a ? increased : decreased, p, `${a} -> ${b}`);
  }

  private compareString(w: Obj, r: Obj, at: string): void {
    this.upperBound(w, r, 'maxLength', at, ['MAX_LENGTH_ADDED', 'MAX_LENGTH_REMOVED', 'MAX_LENGTH_INCREASED', 'MAX_LENGTH_DECREASED']);
    this.lowerBound(w, r, 'minLength', at, ['MIN_LENGTH_ADDED', 'MIN_LENGTH_REMOVED', 'MIN_LENGTH_INCREASED', 'MIN_LENGTH_DECREASED'], 0);
    this.exactKeyword(w, r, 'pattern', at, ['PATTERN_ADDED', 'PATTERN_REMOVED', 'PATTERN_CHANGED']);
    // Confluent's diff ignores `format`; we do not: a reader that starts asserting a format rejects old data.
    this.exactKeyword(w, r, 'format', at, ['FORMAT_ADDED', 'FORMAT_REMOVED', 'FORMAT_CHANGED']);
  }

  private exactKeyword(
    w: Obj,
    r: Obj,
    keyword: string,
    at: string,
    [added, removed, changed]: [DifferenceKind, DifferenceKind, DifferenceKind],
  ): void {
    const a = w[keyword];
    const b = r[keyword];
    if (same(a, b)) return;
    const p = `${at}/${keyword}`;
    if (a === undefined) this.add(added, p, `${JSON.stringify(b)}`);
    else if (b === undefined) this.add(removed, p, `${JSON.stringify(a)}`);
    else this.add(changed, p, `${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
  }

  private compareNumber(w: Obj, r: Obj, at: string): void {
    this.upperBound(w, r, 'maximum', at, ['MAXIMUM_ADDED', 'MAXIMUM_REMOVED', 'MAXIMUM_INCREASED', 'MAXIMUM_DECREASED']);
    this.lowerBound(w, r, 'minimum', at, ['MINIMUM_ADDED', 'MINIMUM_REMOVED', 'MINIMUM_INCREASED', 'MINIMUM_DECREASED']);
    this.upperBound(w, r, 'exclusiveMaximum', at, [
      'EXCLUSIVE_MAXIMUM_ADDED',
      'EXCLUSIVE_MAXIMUM_REMOVED',
      'EXCLUSIVE_MAXIMUM_INCREASED',
      'EXCLUSIVE_MAXIMUM_DECREASED',
    ]);
    this.lowerBound(w, r, 'exclusiveMinimum', at, [
      'EXCLUSIVE_MINIMUM_ADDED',
      'EXCLUSIVE_MINIMUM_REMOVED',
      'EXCLUSIVE_MINIMUM_INCREASED',
      'EXCLUSIVE_MINIMUM_DECREASED',
    ]);
    const a = num(w.multipleOf);
    const b = num(r.multipleOf);
    const p = `${at}/multipleOf`;
    if (a === b) return;
    if (a === undefined) this.add('MULTIPLE_OF_ADDED', p, `none -> ${b}`);
    else if (b === undefined) this.add('MULTIPLE_OF_REMOVED', p, `${a} -> none`);
    // Every multiple of 10 is a multiple of 5: a reader on a finer grid reads everything.
    else if (isMultiple(a, b)) this.add('MULTIPLE_OF_REDUCED', p, `${a} -> ${b}`);
    else if (isMultiple(b, a)) this.add('MULTIPLE_OF_EXPANDED', p, `${a} -> ${b}`);
    else this.add('MULTIPLE_OF_CHANGED', p, `${a} -> ${b}`);
  }

  private compareObject(w: Obj, r: Obj, at: string): void {
    const wProps = isObj(w.properties) ? w.properties : {};
    const rProps = isObj(r.properties) ? r.properties : {};
    const wReq = Array.isArray(w.required) ? (w.required as string[]) : [];
    const rReq = Array.isArray(r.required) ? (r.required as string[]) : [];

    for (const key of new Set([...Object.keys(wProps), ...Object.keys(rProps)])) {
      const p = `${at}/properties/${escapePointerToken(key)}`;
      const inW = Object.hasOwn(wProps, key);
      const inR = Object.hasOwn(rProps, key);
      if (inW && inR) this.compare(wProps[key], rProps[key], p);
      else if (inW) this.propertyRemoved(wProps[key], r, key, p);
      else this.propertyAdded(w, rProps[key], rReq.includes(key), key, p);
    }

    // A required flag on a property both declare; properties only the reader declares were handled above.
    rReq.forEach((key, i) => {
      if (wReq.includes(key)) return;
      if (Object.hasOwn(rProps, key) && !Object.hasOwn(wProps, key)) return;
      const p = `${at}/required/${i}`;
      if (hasDefault(rProps[key])) this.add('REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED', p, JSON.stringify(key));
      else this.add('REQUIRED_ATTRIBUTE_ADDED', p, JSON.stringify(key));
    });
    wReq.forEach((key, i) => {
      if (!rReq.includes(key)) this.add('REQUIRED_ATTRIBUTE_REMOVED', `${at}/required/${i}`, JSON.stringify(key));
    });

    this.compareAdditionalProperties(w, r, at);
    this.comparePatternProperties(w, r, at);
    this.optionalSubschema(w, r, 'propertyNames', at, 'PROPERTY_NAMES_ADDED', 'PROPERTY_NAMES_REMOVED');
    this.upperBound(w, r, 'maxProperties', at, [
      'MAX_PROPERTIES_ADDED',
      'MAX_PROPERTIES_REMOVED',
      'MAX_PROPERTIES_INCREASED',
      'MAX_PROPERTIES_DECREASED',
    ]);
    this.lowerBound(
      w,
      r,
      'minProperties',
      at,
      ['MIN_PROPERTIES_ADDED', 'MIN_PROPERTIES_REMOVED', 'MIN_PROPERTIES_INCREASED', 'MIN_PROPERTIES_DECREASED'],
      0,
    );
    this.compareDependentRequired(w, r, at);
  }

  /** The writer declares a property the reader does not: where does the reader put it? */
  private propertyRemoved(wProp: unknown, reader: Obj, key: string, p: string): void {
    const cover = coverageOf(reader, key);
    if (cover.kind === 'open') this.add('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', p);
    else if (cover.kind === 'partial') {
      const t = this.trial();
      t.compare(wProp, cover.schema, p);
      this.adopt(t);
      const ok = allCompatible(t);
      this.add(
        ok ? 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        p,
      );
    } else if (wProp === false) this.add('PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL', p);
    else this.add('PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', p);
  }

  /** The reader declares a property the writer does not: what may the writer already have put there? */
  private propertyAdded(writer: Obj, rProp: unknown, required: boolean, key: string, p: string): void {
    const cover = coverageOf(writer, key);
    if (cover.kind === 'open') {
      this.add(
        acceptsAnything(rProp) ? 'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
        p,
      );
      // Refinement over Confluent: even an untyped property breaks old data once it is required.
      if (required && !hasDefault(rProp)) this.add('REQUIRED_PROPERTY_ADDED', p);
      return;
    }
    if (cover.kind === 'partial') {
      const t = this.trial();
      t.compare(cover.schema, rProp, p);
      this.adopt(t);
      const ok = allCompatible(t);
      this.add(
        ok ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        p,
      );
    }
    if (!required) this.add('OPTIONAL_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL', p);
    else if (hasDefault(rProp)) this.add('REQUIRED_PROPERTY_WITH_DEFAULT_ADDED', p);
    else this.add('REQUIRED_PROPERTY_ADDED', p);
  }

  private compareAdditionalProperties(w: Obj, r: Obj, at: string): void {
    const p = `${at}/additionalProperties`;
    const a = extraOf(w);
    const b = extraOf(r);
    const permitsA = a !== false;
    const permitsB = b !== false;
    if (permitsA !== permitsB) {
      this.add(permitsB ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED', p);
      return;
    }
    if (!permitsA) return;
    const anyA = acceptsAnything(a);
    const anyB = acceptsAnything(b);
    if (anyA && anyB) return;
    if (anyA) this.add('ADDITIONAL_PROPERTIES_NARROWED', p);
    else if (anyB) this.add('ADDITIONAL_PROPERTIES_EXTENDED', p);
    else this.compare(a, b, p);
  }

  private comparePatternProperties(w: Obj, r: Obj, at: string): void {
    const wp = isObj(w.patternProperties) ? w.patternProperties : {};
    const rp = isObj(r.patternProperties) ? r.patternProperties : {};
    for (const pattern of new Set([...Object.keys(wp), ...Object.keys(rp)])) {
      const p = `${at}/patternProperties/${escapePointerToken(pattern)}`;
      if (Object.hasOwn(wp, pattern) && Object.hasOwn(rp, pattern)) this.compare(wp[pattern], rp[pattern], p);
      else if (Object.hasOwn(rp, pattern)) {
        // A closed writer never produced undeclared keys, so the new pattern only meets declared ones.
        const writerClosed = contentModel({ ...w, patternProperties: {} }) === 'closed';
        this.add(
          writerClosed || acceptsAnything(rp[pattern])
            ? 'PATTERN_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL'
            : 'PATTERN_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
          p,
        );
      } else {
        const readerOpen = contentModel({ ...r, patternProperties: {} }) === 'open';
        this.add(
          readerOpen || wp[pattern] === false
            ? 'PATTERN_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL'
            : 'PATTERN_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
          p,
        );
      }
    }
  }

  private compareDependentRequired(w: Obj, r: Obj, at: string): void {
    const wd = isObj(w.dependentRequired) ? (w.dependentRequired as Record<string, string[]>) : {};
    const rd = isObj(r.dependentRequired) ? (r.dependentRequired as Record<string, string[]>) : {};
    for (const key of new Set([...Object.keys(wd), ...Object.keys(rd)])) {
      const p = `${at}/dependentRequired/${escapePointerToken(key)}`;
      const a = wd[key];
      const b = rd[key];
      if (!b) this.add('DEPENDENT_REQUIRED_REMOVED', p);
      else if (!a) this.add('DEPENDENT_REQUIRED_ADDED', p);
      else if (!same([...a].sort(), [...b].sort())) {
        if (a.every((x) => b.includes(x))) this.add('DEPENDENT_REQUIRED_EXTENDED', p);
        else if (b.every((x) => a.includes(x))) this.add('DEPENDENT_REQUIRED_NARROWED', p);
        else this.add('DEPENDENT_REQUIRED_CHANGED', p);
      }
    }
  }

  /** A keyword holding a subschema that constrains when present (propertyNames, contains). */
  private optionalSubschema(w: Obj, r: Obj, keyword: string, at: string, added: DifferenceKind, removed: DifferenceKind): void {
    const a = w[keyword];
    const b = r[keyword];
    const p = `${at}/${keyword}`;
    if (a === undefined && b === undefined) return;
    if (a === undefined) {
      if (!acceptsAnything(b)) this.add(added, p);
    } else if (b === undefined) this.add(removed, p);
    else this.compare(a, b, p);
  }

  private compareArray(w: Obj, r: Obj, at: string): void {
    const wPrefix = Array.isArray(w.prefixItems) ? w.prefixItems : [];
    const rPrefix = Array.isArray(r.prefixItems) ? r.prefixItems : [];
    const common = Math.min(wPrefix.length, rPrefix.length);
    for (let i = 0; i < common; i++) this.compare(wPrefix[i], rPrefix[i], `${at}/prefixItems/${i}`);
    for (let i = common; i < wPrefix.length; i++) this.itemRemoved(wPrefix[i], r.items, `${at}/prefixItems/${i}`);
    for (let i = common; i < rPrefix.length; i++) this.itemAdded(w.items, rPrefix[i], `${at}/prefixItems/${i}`);

    const p = `${at}/items`;
    const a = w.items;
    const b = r.items;
    if (a !== undefined || b !== undefined) {
      if (acceptsAnything(b)) {
        if (!acceptsAnything(a)) this.add('ITEMS_REMOVED', p);
      } else if (acceptsAnything(a)) this.add('ITEMS_ADDED', p);
      else this.compare(a, b, p);
    }
    this.optionalSubschema(w, r, 'contains', at, 'CONTAINS_ADDED', 'CONTAINS_REMOVED');
    this.upperBound(w, r, 'maxItems', at, ['MAX_ITEMS_ADDED', 'MAX_ITEMS_REMOVED', 'MAX_ITEMS_INCREASED', 'MAX_ITEMS_DECREASED']);
    this.lowerBound(w, r, 'minItems', at, ['MIN_ITEMS_ADDED', 'MIN_ITEMS_REMOVED', 'MIN_ITEMS_INCREASED', 'MIN_ITEMS_DECREASED'], 0);
    this.upperBound(w, r, 'maxContains', at, [
      'MAX_CONTAINS_ADDED',
      'MAX_CONTAINS_REMOVED',
      'MAX_CONTAINS_INCREASED',
      'MAX_CONTAINS_DECREASED',
    ]);
    this.lowerBound(
      w,
      r,
      'minContains',
      at,
      ['MIN_CONTAINS_ADDED', 'MIN_CONTAINS_REMOVED', 'MIN_CONTAINS_INCREASED', 'MIN_CONTAINS_DECREASED'],
      1,
    );
    const ua = w.uniqueItems === true;
    const ub = r.uniqueItems === true;
    if (ua !== ub) this.add(ub ? 'UNIQUE_ITEMS_ADDED' : 'UNIQUE_ITEMS_REMOVED', `${at}/uniqueItems`);
  }

  /** A positional item the writer declares and the reader does not: the reader's `items` takes it. */
  private itemRemoved(wItem: unknown, readerRest: unknown, p: string): void {
    if (acceptsAnything(readerRest)) this.add('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL', p);
    else if (readerRest === false)
      this.add(wItem === false ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL', p);
    else {
      const t = this.trial();
      t.compare(wItem, readerRest, p);
      this.adopt(t);
      const ok = allCompatible(t);
      this.add(
        ok ? 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        p,
      );
    }
  }

  /** A positional item the reader declares and the writer does not: the writer's `items` produced it. */
  private itemAdded(writerRest: unknown, rItem: unknown, p: string): void {
    if (acceptsAnything(writerRest)) {
      this.add(acceptsAnything(rItem) ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL', p);
    } else if (writerRest === false) this.add('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL', p);
    else {
      const t = this.trial();
      t.compare(writerRest, rItem, p);
      this.adopt(t);
      const ok = allCompatible(t);
      this.add(ok ? 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', p);
    }
  }

  /**
   * anyOf / oneOf. Data written under the writer matched one of its branches (or the writer had none), so
   * every writer branch must be readable by some reader branch. Returns true when it compared everything.
   */
  private compareSums(w: Obj, r: Obj, at: string): boolean {
    const wKw = Array.isArray(w.oneOf) ? 'oneOf' : Array.isArray(w.anyOf) ? 'anyOf' : undefined;
    const rKw = Array.isArray(r.oneOf) ? 'oneOf' : Array.isArray(r.anyOf) ? 'anyOf' : undefined;
    if (!wKw && !rKw) return false;
    // Branches are compared merged with their parent's keywords; annotations were compared already.
    const strip = (s: Obj): Obj =>
      Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'anyOf' && k !== 'oneOf' && !ANNOTATIONS.has(k)));
    const wBase = strip(w);
    const rBase = strip(r);
    const branches = (s: Obj, kw: string | undefined, base: Obj): unknown[] =>
      kw ? (s[kw] as unknown[]).map((b) => (isObj(b) ? flattenAllOf({ ...base, ...b }) : b)) : [base];
    const wBranches = branches(w, wKw, wBase);
    const rBranches = branches(r, rKw, rBase);

    if (wKw && rKw && wKw !== rKw) {
      // oneOf -> anyOf only relaxes; anyOf -> oneOf rejects data matching two branches.
      if (rKw === 'anyOf' || wBranches.length === 1) this.add('COMBINED_TYPE_EXTENDED', `${at}/${rKw}`, `${wKw} -> ${rKw}`);
      else this.add('COMBINED_TYPE_CHANGED', `${at}/${rKw}`, `${wKw} -> ${rKw}`);
    }
    const pointerOf = (i: number) => (wKw ? `${at}/${wKw}/${i}` : at);
    let unmatched = 0;
    wBranches.forEach((wb, i) => {
      let best: DiffWalk | undefined;
      for (const rb of rBranches) {
        const t = this.trial();
        t.compare(wb, rb, pointerOf(i));
        if (allCompatible(t)) {
          if (!best || t.differences.length < best.differences.length) best = t;
        }
      }
      if (best) this.adopt(best);
      else {
        unmatched++;
        this.add('COMBINED_TYPE_SUBSCHEMAS_CHANGED', pointerOf(i), `no ${rKw ?? 'reader'} branch reads this ${wKw ?? 'schema'}`);
      }
    });
    if (!wKw) this.add('SUM_TYPE_ADDED', `${at}/${rKw}`);
    else if (!rKw) this.add('SUM_TYPE_REMOVED', `${at}/${wKw}`);
    else if (rBranches.length > wBranches.length) this.add('SUM_TYPE_EXTENDED', `${at}/${rKw}`);
    else if (rBranches.length < wBranches.length && unmatched > 0) this.add('SUM_TYPE_NARROWED', `${at}/${rKw}`);
    return true;
  }

  /** `not`: the reader must exclude no more than the writer did, so compare the exclusions reversed. */
  private compareNot(w: Obj, r: Obj, at: string): void {
    const p = `${at}/not`;
    if (w.not === undefined && r.not === undefined) return;
    if (w.not === undefined) this.add('NOT_ADDED', p);
    else if (r.not === undefined) this.add('NOT_REMOVED', p);
    else {
      const t = this.trial();
      t.compare(r.not, w.not, p);
      const ok = allCompatible(t);
      if (t.differences.some((d) => !ANNOTATION_KINDS.has(d.kind))) this.add(ok ? 'NOT_NARROWED' : 'NOT_EXTENDED', p);
    }
  }

  private compareUnsupported(w: Obj, r: Obj, at: string, both: (group: readonly string[]) => boolean): void {
    const skipped = new Set<string>([
      ...(both(['string']) ? [] : STRING_KEYWORDS),
      ...(both(['number', 'integer']) ? [] : NUMBER_KEYWORDS),
      ...(both(['object']) ? [] : OBJECT_KEYWORDS),
      ...(both(['array']) ? [] : ARRAY_KEYWORDS),
    ]);
    for (const k of new Set([...Object.keys(w), ...Object.keys(r)])) {
      if (HANDLED.has(k) || ANNOTATIONS.has(k) || k.startsWith('x-') || skipped.has(k)) continue;
      if (!same(w[k], r[k])) this.add('UNSUPPORTED_KEYWORD_CHANGED', `${at}/${escapePointerToken(k)}`, k);
    }
  }
}

const ANNOTATION_KINDS: ReadonlySet<DifferenceKind> = new Set(['ID_CHANGED', 'TITLE_CHANGED', 'DESCRIPTION_CHANGED', 'DEFAULT_CHANGED']);

/** Nested comparisons (a property covered by `additionalProperties`, a union branch) need a verdict on the spot. */
function allCompatible(walk: DiffWalk): boolean {
  return walk.differences.every((d) => isCompatibleKind(d.kind));
}

export function resolveLocalRef(root: unknown, ref: string): unknown {
  let fragment: string | undefined;
  if (ref.startsWith('#')) fragment = ref.slice(1);
  else if (isObj(root) && typeof root.$id === 'string' && ref.startsWith(`${root.$id}#`)) fragment = ref.slice(root.$id.length + 1);
  if (fragment === undefined) return undefined;
  if (fragment === '') return root;
  if (!fragment.startsWith('/')) {
    // A plain-name fragment points at an $anchor; search for it.
    return findAnchor(root, fragment);
  }
  let node: unknown = root;
  for (const raw of fragment.slice(1).split('/')) {
    const token = unescapePointerToken(decodeURIComponent(raw));
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isObj(node)) node = node[token];
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

function findAnchor(node: unknown, anchor: string): unknown {
  if (Array.isArray(node)) {
    for (const n of node) {
      const found = findAnchor(n, anchor);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isObj(node)) return undefined;
  if (node.$anchor === anchor) return node;
  for (const v of Object.values(node)) {
    const found = findAnchor(v, anchor);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Every difference between the schema data was written with and the schema it is read with. */
export function diffSchemas(writer: unknown, reader: unknown): SchemaDifference[] {
  const walk = new DiffWalk(writer, reader);
  walk.compare(writer, reader, '');
  return walk.differences;
}
