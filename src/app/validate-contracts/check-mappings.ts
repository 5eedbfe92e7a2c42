import { escapePointerToken } from '../../core/contracts/compatibility/schema-diff.js';
import type { EventValidator } from '../../core/contracts/event-validator.js';
import type { EventEnvelope } from '../../core/envelope.js';
import { foldAll } from '../../core/projections/projection.js';
import type { ReadModelDefinition } from '../../core/read-model.js';
import {
  PORTABLE_ANALYZERS,
  PORTABLE_ANALYZER_TYPES,
  PORTABLE_CHAR_FILTERS,
  PORTABLE_CHAR_FILTER_TYPES,
  PORTABLE_DYNAMIC_VALUES,
  PORTABLE_FIELD_TYPES,
  PORTABLE_MAPPING_KEYS,
  PORTABLE_NORMALIZERS,
  PORTABLE_NORMALIZER_FILTERS,
  PORTABLE_NORMALIZER_TYPES,
  PORTABLE_TOKENIZERS,
  PORTABLE_TOKENIZER_TYPES,
  PORTABLE_TOKEN_FILTERS,
  PORTABLE_TOKEN_FILTER_TYPES,
} from './engine-support.js';
import { unboundedKeywordFields } from './check-keyword-bounds.js';
import type { MappingInput } from './inputs.js';
import { check, item, skippedItem, type CheckItem, type CheckResult, type ContractCheckViolation } from './report.js';

type Obj = Record<string, unknown>;
type Problem = Omit<ContractCheckViolation, 'file'>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * (e) Each model's mapping declares every field its projection writes (found by folding the model's
 * fixture events), and uses only what both engines' bare servers provide.
 */
export function checkMappings(
  mappings: readonly MappingInput[],
  models: readonly ReadModelDefinition[],
  accepted: ReadonlyMap<string, EventEnvelope[]>,
  validators: ReadonlyMap<string, EventValidator> = new Map(),
): CheckResult {
  const items: CheckItem[] = [];
  for (const model of models) {
    const m = mappings.find((x) => x.model === model.name);
    const file = m?.file ?? model.mappingFile;
    const fieldsName = `${file}: fields written by ${model.name}`;
    const portableName = `${file}: portable to OpenSearch 2.x and Elasticsearch 8.x`;
    const boundsName = `${file}: keyword fields never get a value the engine refuses`;
    if (!m || m.error !== undefined || !isObj(m.json)) {
      const why = m?.error ?? 'not a JSON object';
      items.push(
        item(fieldsName, [{ file, pointer: '/', rule: 'mapping-file', message: `cannot load the mapping of ${model.name}: ${why}` }]),
      );
      items.push(skippedItem(portableName, 'the mapping does not load'));
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
    items.push(
      item(
        portableName,
        portabilityProblems(body).map((p) => ({ file, ...p })),
      ),
    );
  }
  return check('mappings', items);
}

/** Every field path of the documents the projection builds from `events`, with a document that has it. */
export function writtenFields(model: ReadModelDefinition, events: readonly EventEnvelope[]): Map<string, string> {
  const out = new Map<string, string>();
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

/** Field types, mapping keys and analysis components both engines' bare servers provide. */
export function portabilityProblems(body: Obj): Problem[] {
  const problems: Problem[] = [];
  const settings = isObj(body.settings) ? body.settings : {};
  const analysisAt = isObj(settings.analysis) ? '/settings/analysis' : '/settings/index/analysis';
  const analysis: Obj = isObj(settings.analysis)
    ? settings.analysis
    : isObj(settings.index) && isObj(settings.index.analysis)
      ? settings.index.analysis
      : {};
  const section = (name: string): Obj => (isObj(analysis[name]) ? (analysis[name] as Obj) : {});
  const analyzers = section('analyzer');
  const tokenizers = section('tokenizer');
  const filters = section('filter');
  const charFilters = section('char_filter');
  const normalizers = section('normalizer');

  const checkType = (at: string, def: unknown, allowed: ReadonlySet<string>, what: string, implied?: string) => {
    const type = isObj(def) ? (def.type ?? implied) : undefined;
    if (typeof type !== 'string' || !allowed.has(type)) {
      problems.push({
        pointer: `${at}/type`,
        rule: `${what}-type`,
        message: `${what} type ${JSON.stringify(type)} is not in the bare servers of both engines (portable: ${[...allowed].join(', ') || 'none'})`,
      });
    }
  };
  const checkRefs = (at: string, refs: unknown, builtIn: ReadonlySet<string>, defined: Obj, what: string) => {
    const list = Array.isArray(refs) ? refs : refs === undefined ? [] : [refs];
    list.forEach((name, i) => {
      const p = Array.isArray(refs) ? `${at}/${i}` : at;
      if (typeof name === 'string' && (builtIn.has(name) || Object.hasOwn(defined, name))) return;
      problems.push({
        pointer: p,
        rule: `unknown-${what}`,
        message: `${what} ${JSON.stringify(name)} is neither defined in settings.analysis nor built into both bare servers (built in: ${[...builtIn].join(', ') || 'none'})`,
      });
    });
  };

  for (const [name, def] of Object.entries(tokenizers))
    checkType(`${analysisAt}/tokenizer/${escapePointerToken(name)}`, def, PORTABLE_TOKENIZER_TYPES, 'tokenizer');
  for (const [name, def] of Object.entries(filters))
    checkType(`${analysisAt}/filter/${escapePointerToken(name)}`, def, PORTABLE_TOKEN_FILTER_TYPES, 'filter');
  for (const [name, def] of Object.entries(charFilters))
    checkType(`${analysisAt}/char_filter/${escapePointerToken(name)}`, def, PORTABLE_CHAR_FILTER_TYPES, 'char_filter');
  for (const [name, def] of Object.entries(analyzers)) {
    const at = `${analysisAt}/analyzer/${escapePointerToken(name)}`;
    const d = isObj(def) ? def : {};
    checkType(at, d, PORTABLE_ANALYZER_TYPES, 'analyzer', d.tokenizer !== undefined ? 'custom' : undefined);
    if ((d.type ?? 'custom') === 'custom') {
      checkRefs(`${at}/tokenizer`, d.tokenizer, PORTABLE_TOKENIZERS, tokenizers, 'tokenizer');
      checkRefs(`${at}/filter`, d.filter, PORTABLE_TOKEN_FILTERS, filters, 'filter');
      checkRefs(`${at}/char_filter`, d.char_filter, PORTABLE_CHAR_FILTERS, charFilters, 'char_filter');
    }
  }
  for (const [name, def] of Object.entries(normalizers)) {
    const at = `${analysisAt}/normalizer/${escapePointerToken(name)}`;
    const d = isObj(def) ? def : {};
    checkType(at, d, PORTABLE_NORMALIZER_TYPES, 'normalizer', 'custom');
    // A normalizer's filters must be multi-term aware; of the portable ones only the pre-configured lowercase is.
    checkRefs(`${at}/filter`, d.filter, PORTABLE_NORMALIZER_FILTERS, {}, 'filter');
    checkRefs(`${at}/char_filter`, d.char_filter, PORTABLE_CHAR_FILTERS, charFilters, 'char_filter');
  }

  const mappings = isObj(body.mappings) ? body.mappings : undefined;
  if (!mappings || !isObj(mappings.properties)) {
    problems.push({
      pointer: '/mappings/properties',
      rule: 'mapping-shape',
      message: 'a mapping file is { "settings": {...}, "mappings": { "properties": {...} } }',
    });
    return problems;
  }
  for (const key of Object.keys(mappings)) {
    if (!PORTABLE_MAPPING_KEYS.has(key)) {
      problems.push({
        pointer: `/mappings/${escapePointerToken(key)}`,
        rule: 'mapping-key',
        message: `"${key}" is not a mapping setting both engines accept`,
      });
    }
  }
  const checkDynamic = (at: string, v: unknown) => {
    if (v !== undefined && !PORTABLE_DYNAMIC_VALUES.has(v)) {
      problems.push({
        pointer: `${at}/dynamic`,
        rule: 'dynamic',
        message: `dynamic ${JSON.stringify(v)} is not accepted by both engines (true, false or "strict")`,
      });
    }
  };
  checkDynamic('/mappings', mappings.dynamic);

  const walkFields = (props: Obj, at: string, multiField: boolean) => {
    for (const [name, raw] of Object.entries(props)) {
      const p = `${at}/${escapePointerToken(name)}`;
      if (!isObj(raw)) {
        problems.push({ pointer: p, rule: 'field-shape', message: 'a field mapping is an object' });
        continue;
      }
      const type = raw.type ?? (isObj(raw.properties) ? 'object' : undefined);
      if (typeof type !== 'string' || !PORTABLE_FIELD_TYPES.has(type)) {
        problems.push({
          pointer: `${p}/type`,
          rule: 'field-type',
          message: `field type ${JSON.stringify(type)} is not in the bare servers of both engines`,
        });
      }
      for (const param of ['analyzer', 'search_analyzer', 'search_quote_analyzer'] as const) {
        if (raw[param] !== undefined) checkRefs(`${p}/${param}`, raw[param], PORTABLE_ANALYZERS, analyzers, 'analyzer');
      }
      if (raw.normalizer !== undefined) checkRefs(`${p}/normalizer`, raw.normalizer, PORTABLE_NORMALIZERS, normalizers, 'normalizer');
      checkDynamic(p, raw.dynamic);
      if (isObj(raw.fields)) walkFields(raw.fields, `${p}/fields`, true);
      if (isObj(raw.properties) && !multiField) walkFields(raw.properties, `${p}/properties`, false);
    }
  };
  walkFields(mappings.properties, '/mappings/properties', false);
  return problems;
}
