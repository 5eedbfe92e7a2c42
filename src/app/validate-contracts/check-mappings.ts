import { escapePointerToken } from '../../core/contracts/compatibility/schema-diff.js';
import type { EventValidator } from '../../core/contracts/event-validator.js';
import type { EventEnvelope } from '../../core/envelope.js';
import { foldAll } from '../../core/projections/projection.js';
import type { ReadModelDefinition } from '../../core/read-model.js';
import { chooseMapping } from '../../core/engines/choose-mapping.js';
import { capabilitiesOf, ENGINE_MATRIX, engineLabel, type EngineTarget } from '../../core/engines/engine-capabilities.js';
import { mappingProblems } from '../../core/engines/mapping-problems.js';
import { AUTOCOMPLETE_SUBFIELD, fieldsWithAutocomplete } from '../../core/suggest/autocomplete.js';
import { unboundedKeywordFields } from './check-keyword-bounds.js';
import type { MappingInput } from './inputs.js';
import { check, item, skippedItem, type CheckItem, type CheckResult, type ContractCheckViolation } from './report.js';

type Obj = Record<string, unknown>;
type Problem = Omit<ContractCheckViolation, 'file'>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * (e) Each model's mappings (its base mapping and any engine variants) declare every field its
 * projection writes (found by folding the model's fixture events); the base mapping uses only what
 * every supported engine offers, and each variant is used on at least one engine (engine-capabilities.ts).
 */
export function checkMappings(
  mappings: readonly MappingInput[],
  models: readonly ReadModelDefinition[],
  accepted: ReadonlyMap<string, EventEnvelope[]>,
  validators: ReadonlyMap<string, EventValidator> = new Map(),
  engines: readonly EngineTarget[] = ENGINE_MATRIX,
): CheckResult {
  const items: CheckItem[] = [];
  for (const model of models) {
    const base = mappings.find((x) => x.model === model.name && !x.variant);
    const variants = mappings.filter((x) => x.model === model.name && x.variant);
    // Which file each engine gets: the first variant it supports, else the base mapping (as a build picks).
    const candidates = [...variants, ...(base ? [base] : [])]
      .filter((m) => m.error === undefined && isObj(m.json))
      .map((m) => ({ file: m.file, body: m.json }));
    const usedOn = new Map<string, string[]>();
    for (const engine of engines) {
      const choice = chooseMapping(candidates, engine);
      if (choice.ok) usedOn.set(choice.chosen.file, [...(usedOn.get(choice.chosen.file) ?? []), engineLabel(engine)]);
    }
    for (const m of base ? [base, ...variants] : [undefined, ...variants]) {
      const file = m?.file ?? model.mappingFile;
      const fieldsName = `${file}: fields written by ${model.name}`;
      const boundsName = `${file}: keyword fields never get a value the engine refuses`;
      const engineName = m?.variant
        ? `${file}: used on ${usedOn.get(file)?.join(', ') ?? 'no supported engine'}`
        : `${file}: works on every supported engine (${engines.map(engineLabel).join(', ')})`;
      if (!m || m.error !== undefined || !isObj(m.json)) {
        const why = m?.error ?? 'not a JSON object';
        items.push(
          item(fieldsName, [{ file, pointer: '/', rule: 'mapping-file', message: `cannot load the mapping of ${model.name}: ${why}` }]),
        );
        items.push(skippedItem(engineName, 'the mapping does not load'));
        items.push(skippedItem(boundsName, 'the mapping does not load'));
        continue;
      }
      const body = m.json;
      const events = accepted.get(model.name);
      const validator = validators.get(model.name);
      if (!events?.length) items.push(skippedItem(fieldsName, `no valid fixture events of ${model.name} to fold`));
      else
        items.push(
          item(
            fieldsName,
            unmappedFields(body, model, events).map((p) => ({ file, ...p })),
          ),
        );
      if (!events?.length || !validator) items.push(skippedItem(boundsName, `no valid fixture events of ${model.name} to probe`));
      else
        items.push(
          item(
            boundsName,
            unboundedKeywordFields(body, model, events, validator).map((p) => ({ file, ...p })),
          ),
        );
      if (model.autocompleteFields?.length) items.push(autocompleteItem(file, body, model, model.autocompleteFields));
      items.push(
        item(
          engineName,
          engineViolations(body, engines, Boolean(m.variant), usedOn.has(file)).map((p) => ({ file, ...p })),
        ),
      );
    }
  }
  return check('mappings', items);
}

/**
 * The base mapping must work on every engine (it is the fallback); a variant must be the one some engine
 * uses: one that works nowhere reports what is missing, one that always loses to an earlier variant says so.
 */
function engineViolations(body: Obj, engines: readonly EngineTarget[], variant: boolean, used: boolean): Problem[] {
  if (!variant) return engineProblems(body, engines);
  if (used) return [];
  const worksSomewhere = engines.some((e) => {
    const caps = capabilitiesOf(e);
    return caps !== undefined && mappingProblems(body, caps).length === 0;
  });
  if (!worksSomewhere) return engineProblems(body, engines);
  return [{ pointer: '/', rule: 'variant-unused', message: 'every engine it works on uses an earlier variant: it is never used' }];
}

function autocompleteItem(file: string, body: Obj, model: ReadModelDefinition, fields: readonly string[]): CheckItem {
  const mappings = isObj(body.mappings) ? body.mappings : {};
  const missing = fields.filter((f) => fieldsWithAutocomplete(mappings, [f]).length === 0);
  return item(
    `${file}: autocomplete on ${fields.join(', ')}`,
    missing.map((f) => ({
      file,
      pointer: `/mappings/properties/${escapePointerToken(f)}/fields/${AUTOCOMPLETE_SUBFIELD}`,
      rule: 'autocomplete-field',
      message: `${model.name} completes on "${f}" (autocompleteFields), but the mapping gives it no "${AUTOCOMPLETE_SUBFIELD}" sub-field`,
    })),
  );
}

/**
 * What `body` uses that some of `engines` do not offer, one problem per place in the file, naming every
 * engine that lacks it (the same missing filter on three engines is one finding, not three).
 */
export function engineProblems(body: Obj, engines: readonly EngineTarget[]): Problem[] {
  const found = new Map<string, { problem: Problem; first: string; engines: string[] }>();
  for (const engine of engines) {
    const caps = capabilitiesOf(engine);
    if (!caps) continue;
    for (const p of mappingProblems(body, caps)) {
      const key = `${p.pointer}\u0000${p.rule}`;
      const entry = found.get(key);
      if (entry) entry.engines.push(engineLabel(engine));
      else found.set(key, { problem: p, first: engineLabel(engine), engines: [engineLabel(engine)] });
    }
  }
  return [...found.values()].map(({ problem, first, engines: on }) => ({
    ...problem,
    message: problem.message.replace(first, on.join(', ')),
  }));
}

// A model with engine variants has several mappings to check against the same fold: fold once.
const written = new WeakMap<readonly EventEnvelope[], { projection: object; fields: Map<string, string> }>();

/** Every field path of the documents the projection builds from `events`, with a document that has it. */
export function writtenFields(model: ReadModelDefinition, events: readonly EventEnvelope[]): Map<string, string> {
  const known = written.get(events);
  if (known?.projection === model.projection) return known.fields;
  const out = new Map<string, string>();
  written.set(events, { projection: model.projection, fields: out });
  const visit = (value: unknown, prefix: string, docId: string) => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v, prefix, docId);
      return;
    }
    if (!isObj(value)) return;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const p = prefix ? `${prefix}.${k}` : k;
      if (!out.has(p)) out.set(p, docId);
      visit(v, p, docId);
    }
  };
  for (const state of foldAll(model.projection, events).values()) {
    if (state.doc) visit(state.doc, '', state.id);
  }
  return out;
}

export function unmappedFields(body: Obj, model: ReadModelDefinition, events: readonly EventEnvelope[]): Problem[] {
  const mappings = isObj(body.mappings) ? body.mappings : {};
  const problems: Problem[] = [];
  const settled: string[] = []; // paths already reported or accepted wholesale: nothing below them is checked
  const fields = writtenFields(model, events);
  for (const path of [...fields.keys()].sort()) {
    if (settled.some((s) => path.startsWith(`${s}.`))) continue;
    const segments = path.split('.');
    let props: unknown = mappings.properties;
    let pointer = '/mappings';
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      const fieldPointer = `${pointer}/properties/${escapePointerToken(seg)}`;
      const field = isObj(props) ? props[seg] : undefined;
      const at = segments.slice(0, i + 1).join('.');
      if (!isObj(field)) {
        problems.push({
          pointer: fieldPointer,
          rule: 'unmapped-field',
          message: `${model.name} writes "${at}" (e.g. document ${fields.get(path)}), but the mapping does not declare it`,
        });
        settled.push(at);
        break;
      }
      if (i === segments.length - 1) break;
      const isObject = field.type === undefined || field.type === 'object' || field.type === 'nested';
      if (field.enabled === false) {
        settled.push(at);
        break;
      }
      if (!isObject) {
        problems.push({
          pointer: `${fieldPointer}/type`,
          rule: 'not-an-object',
          message: `${model.name} writes an object under "${at}" (e.g. "${path}"), but the mapping declares "${at}" as ${String(field.type)}`,
        });
        settled.push(at);
        break;
      }
      const next = segments[i + 1]!;
      if (!(isObj(field.properties) && Object.hasOwn(field.properties, next)) && (field.dynamic === true || field.dynamic === 'true')) {
        settled.push(at);
        break;
      }
      props = field.properties;
      pointer = fieldPointer;
    }
  }
  return problems;
}
