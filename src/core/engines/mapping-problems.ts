import { escapePointerToken } from '../contracts/compatibility/schema-diff.js';
import { engineLabel, type EngineCapabilities } from './engine-capabilities.js';

type Obj = Record<string, unknown>;

/** One thing a mapping uses that an engine does not offer (or a mapping of the wrong shape). */
export interface MappingProblem {
  pointer: string;
  rule: string;
  message: string;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Field types, mapping keys and analysis components `body` uses that the engine `caps` describes does not offer. */
export function mappingProblems(body: unknown, caps: EngineCapabilities): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const on = engineLabel(caps.target);
  if (!isObj(body)) return [{ pointer: '', rule: 'mapping-shape', message: 'a mapping file is a JSON object' }];
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
        message: `${what} type ${JSON.stringify(type)} is not available on ${on}`,
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
        message: `${what} ${JSON.stringify(name)} is neither defined in settings.analysis nor built into ${on}`,
      });
    });
  };

  for (const [name, def] of Object.entries(tokenizers))
    checkType(`${analysisAt}/tokenizer/${escapePointerToken(name)}`, def, caps.tokenizerTypes, 'tokenizer');
  for (const [name, def] of Object.entries(filters))
    checkType(`${analysisAt}/filter/${escapePointerToken(name)}`, def, caps.tokenFilterTypes, 'filter');
  for (const [name, def] of Object.entries(charFilters))
    checkType(`${analysisAt}/char_filter/${escapePointerToken(name)}`, def, caps.charFilterTypes, 'char_filter');
  for (const [name, def] of Object.entries(analyzers)) {
    const at = `${analysisAt}/analyzer/${escapePointerToken(name)}`;
    const d = isObj(def) ? def : {};
    checkType(at, d, caps.analyzerTypes, 'analyzer', d.tokenizer !== undefined ? 'custom' : undefined);
    if ((d.type ?? 'custom') === 'custom') {
      checkRefs(`${at}/tokenizer`, d.tokenizer, caps.tokenizers, tokenizers, 'tokenizer');
      checkRefs(`${at}/filter`, d.filter, caps.tokenFilters, filters, 'filter');
      checkRefs(`${at}/char_filter`, d.char_filter, caps.charFilters, charFilters, 'char_filter');
    }
  }
  for (const [name, def] of Object.entries(normalizers)) {
    const at = `${analysisAt}/normalizer/${escapePointerToken(name)}`;
    const d = isObj(def) ? def : {};
    checkType(at, d, caps.normalizerTypes, 'normalizer', 'custom');
    // A normalizer's filters must be multi-term aware; of the portable ones only the pre-configured lowercase is.
    checkRefs(`${at}/filter`, d.filter, caps.normalizerFilters, {}, 'filter');
    checkRefs(`${at}/char_filter`, d.char_filter, caps.charFilters, charFilters, 'char_filter');
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
    if (!caps.mappingKeys.has(key)) {
      problems.push({
        pointer: `/mappings/${escapePointerToken(key)}`,
        rule: 'mapping-key',
        message: `"${key}" is not a mapping setting ${on} accepts`,
      });
    }
  }
  const checkDynamic = (at: string, v: unknown) => {
    if (v !== undefined && !caps.dynamicValues.has(v)) {
      problems.push({
        pointer: `${at}/dynamic`,
        rule: 'dynamic',
        message: `dynamic ${JSON.stringify(v)} is not accepted on ${on} (true, false or "strict")`,
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
      if (typeof type !== 'string' || !caps.fieldTypes.has(type)) {
        problems.push({
          pointer: `${p}/type`,
          rule: 'field-type',
          message: `field type ${JSON.stringify(type)} is not available on ${on}`,
        });
      }
      for (const param of ['analyzer', 'search_analyzer', 'search_quote_analyzer'] as const) {
        if (raw[param] !== undefined) checkRefs(`${p}/${param}`, raw[param], caps.analyzers, analyzers, 'analyzer');
      }
      if (raw.normalizer !== undefined) checkRefs(`${p}/normalizer`, raw.normalizer, caps.normalizers, normalizers, 'normalizer');
      checkDynamic(p, raw.dynamic);
      if (isObj(raw.fields)) walkFields(raw.fields, `${p}/fields`, true);
      if (isObj(raw.properties) && !multiField) walkFields(raw.properties, `${p}/properties`, false);
    }
  };
  walkFields(mappings.properties, '/mappings/properties', false);
  return problems;
}
