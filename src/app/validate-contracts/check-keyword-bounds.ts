import { escapePointerToken } from '../../core/contracts/compatibility/schema-diff.js';
import type { EventValidator } from '../../core/contracts/event-validator.js';
import type { EventEnvelope } from '../../core/envelope.js';
import { foldEvent, type DocState } from '../../core/projections/projection.js';
import type { ReadModelDefinition } from '../../core/read-model.js';
import type { ContractCheckViolation } from './report.js';

type Obj = Record<string, unknown>;
type Problem = Omit<ContractCheckViolation, 'file'>;

/** Lucene refuses a single indexed term longer than this many UTF-8 bytes; both engines then reject the document. */
export const MAX_TERM_BYTES = 32_766;
/**
 * The largest `ignore_above` (counted in characters) that keeps any value under MAX_TERM_BYTES: 4 bytes
 * per character at worst, and a normalizer (lowercase) can lengthen text up to three times.
 */
export const SAFE_IGNORE_ABOVE = Math.floor(MAX_TERM_BYTES / 4);
export const SAFE_IGNORE_ABOVE_NORMALIZED = Math.floor(MAX_TERM_BYTES / 12);

const LONG = 'x'.repeat(MAX_TERM_BYTES + 1);
const encoder = new TextEncoder();

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Paths (as key lists) of every string leaf of a JSON value. */
function stringLeaves(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (typeof v === 'string') out.push(at);
  else if (Array.isArray(v)) v.forEach((x, i) => stringLeaves(x, [...at, i], out));
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) stringLeaves(x, [...at, k], out);
  return out;
}

function setAt(root: unknown, path: readonly (string | number)[], value: unknown): void {
  let node = root as Obj;
  for (let i = 0; i < path.length - 1; i++) node = node[path[i]!] as Obj;
  node[path[path.length - 1]!] = value;
}

/**
 * The event with every string of its data that the contract leaves unbounded replaced by a string
 * longer than any keyword term may be. Each replacement is validated alone (a pattern, enum, format
 * or maxLength refuses it) so the probe stays an event the contract accepts.
 */
export function longestValidVariant(event: EventEnvelope, validator: EventValidator): EventEnvelope {
  const probe = structuredClone(event) as EventEnvelope;
  for (const leaf of stringLeaves(event.data, ['data'])) {
    const one = structuredClone(event) as EventEnvelope;
    setAt(one, leaf, LONG);
    if (validator.validate(one).ok) setAt(probe, leaf, LONG);
  }
  const v = validator.validate(probe);
  return v.ok ? v.envelope : event;
}

/** Dotted document paths (arrays flattened) holding a string over MAX_TERM_BYTES, with a document that has one. */
function oversizedPaths(doc: unknown, prefix: string, docId: string, out: Map<string, string>): void {
  if (typeof doc === 'string') {
    if (doc.length > MAX_TERM_BYTES / 4 && encoder.encode(doc).length > MAX_TERM_BYTES && !out.has(prefix)) out.set(prefix, docId);
  } else if (Array.isArray(doc)) for (const x of doc) oversizedPaths(x, prefix, docId, out);
  else if (isObj(doc)) for (const [k, x] of Object.entries(doc)) oversizedPaths(x, prefix ? `${prefix}.${k}` : k, docId, out);
}

/** The mapping of a dotted path with its JSON pointer, or undefined when it is not mapped or not indexed. */
function fieldAt(body: Obj, path: string): { def: Obj; pointer: string } | undefined {
  const mappings = isObj(body.mappings) ? body.mappings : {};
  let props: unknown = mappings.properties;
  let pointer = '/mappings';
  let def: Obj | undefined;
  for (const seg of path.split('.')) {
    if (def && def.enabled === false) return undefined;
    const next = isObj(props) ? props[seg] : undefined;
    if (!isObj(next)) return undefined;
    pointer = `${pointer}/properties/${escapePointerToken(seg)}`;
    def = next;
    props = next.properties;
  }
  return def && def.enabled !== false ? { def, pointer } : undefined;
}

function keywordProblem(def: Obj, pointer: string, model: string, path: string, docId: string): Problem | undefined {
  if (def.type !== 'keyword') return undefined;
  const limit = def.normalizer === undefined ? SAFE_IGNORE_ABOVE : SAFE_IGNORE_ABOVE_NORMALIZED;
  if (typeof def.ignore_above === 'number' && def.ignore_above <= limit) return undefined;
  return {
    pointer,
    rule: 'unbounded-keyword',
    message:
      `${model} copies a string the contracts leave unbounded into keyword field "${path}" (e.g. document ${docId}); ` +
      `a value over ${MAX_TERM_BYTES} bytes makes the engine refuse the whole document: set "ignore_above" <= ${limit}, ` +
      'bound the string in the contract (maxLength), or shorten it in the projection',
  };
}

// A model with engine variants has several mappings to check against the same fold: fold once. The
// fold depends on the events, the validator (it makes the long variants) and the projection.
const folded = new WeakMap<readonly EventEnvelope[], { validator: EventValidator; projection: object; oversized: Map<string, string> }>();

function oversizedValues(model: ReadModelDefinition, events: readonly EventEnvelope[], validator: EventValidator): Map<string, string> {
  const known = folded.get(events);
  if (known && known.validator === validator && known.projection === model.projection) return known.oversized;
  const oversized = new Map<string, string>();
  // Every intermediate state is written once, not only the last: a later event may replace the value.
  const states = new Map<string, DocState>();
  for (const e of events) {
    if (!model.projection.handles.includes(e.eventType)) continue;
    const probe = longestValidVariant(e, validator);
    const id = model.projection.documentId(probe);
    const { state, outcome } = foldEvent(model.projection, states.get(id), probe);
    if (outcome !== 'applied' || !state) continue;
    states.set(id, state);
    if (state.doc) oversizedPaths(state.doc, '', state.id, oversized);
  }
  folded.set(events, { validator, projection: model.projection, oversized });
  return oversized;
}

/**
 * Keyword fields the projection can fill with a string longer than one term may be: the model's fixture
 * events, with every unbounded string made too long, are folded and each oversized value of every
 * state is looked up in the mapping. Found by folding (not by reading the projection), so derived values count too.
 */
export function unboundedKeywordFields(
  body: Obj,
  model: ReadModelDefinition,
  events: readonly EventEnvelope[],
  validator: EventValidator,
): Problem[] {
  const oversized = oversizedValues(model, events, validator);
  const problems: Problem[] = [];
  for (const [path, docId] of [...oversized].sort(([a], [b]) => a.localeCompare(b))) {
    const field = fieldAt(body, path);
    if (!field) continue; // not mapped (reported by the fields check) or not indexed (enabled: false)
    const own = keywordProblem(field.def, field.pointer, model.name, path, docId);
    if (own) problems.push(own);
    if (isObj(field.def.fields)) {
      for (const [sub, subDef] of Object.entries(field.def.fields)) {
        if (!isObj(subDef)) continue;
        const p = keywordProblem(subDef, `${field.pointer}/fields/${escapePointerToken(sub)}`, model.name, `${path}.${sub}`, docId);
        if (p) problems.push(p);
      }
    }
  }
  return problems;
}
