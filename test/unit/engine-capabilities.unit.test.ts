import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkMappings, engineProblems } from '../../src/app/validate-contracts/check-mappings.js';
import { chooseMapping } from '../../src/core/engines/choose-mapping.js';
import { capabilitiesOf, ENGINE_MATRIX, engineLabel, targetOf } from '../../src/core/engines/engine-capabilities.js';
import { mappingProblems } from '../../src/core/engines/mapping-problems.js';
import { productSearchModel } from '../../src/core/read-models/product-search/model.js';
import { builtInModels } from '../../src/core/read-models/catalog.js';
import { assetsFor } from '../support/assets.js';
import { ROOT } from '../support/contracts.js';

type S = Record<string, unknown>;
const read = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as S;
const base = read(productSearchModel.mappingFile);
const variantFile = productSearchModel.mappingVariants![0]!;
const variant = read(variantFile);
const OS2 = { engine: 'opensearch', major: 2 } as const;
const OS3 = { engine: 'opensearch', major: 3 } as const;
const ES8 = { engine: 'elasticsearch', major: 8 } as const;
const ES9 = { engine: 'elasticsearch', major: 9 } as const;

/** A mapping with one autocomplete field whose analysis uses `filters` (defined inline where needed). */
function withAnalysis(analysis: S, field: S = { type: 'text', analyzer: 'ac' }): S {
  return { settings: { analysis }, mappings: { properties: { title: field } } };
}

describe('what each engine and version offers (engine-capabilities.ts)', () => {
  it('covers exactly the supported matrix: OpenSearch 2/3, Elasticsearch 8/9', () => {
    expect(ENGINE_MATRIX.map(engineLabel)).toEqual(['opensearch 2.x', 'opensearch 3.x', 'elasticsearch 8.x', 'elasticsearch 9.x']);
    expect(capabilitiesOf({ engine: 'opensearch', major: 1 })).toBeUndefined();
    expect(capabilitiesOf({ engine: 'elasticsearch', major: 7 })).toBeUndefined();
    expect(targetOf('opensearch', '3.1.0')).toEqual(OS3);
  });

  it('only OpenSearch 3 ships analysis-common (edge_ngram, asciifolding) and mapper-extras (search_as_you_type)', () => {
    for (const t of ENGINE_MATRIX) {
      const caps = capabilitiesOf(t)!;
      const rich = t.engine === 'opensearch' && t.major === 3;
      expect([caps.tokenFilterTypes.has('edge_ngram'), caps.tokenFilters.has('asciifolding'), caps.tokenizers.has('edge_ngram')]).toEqual([
        rich,
        rich,
        rich,
      ]);
      expect(caps.fieldTypes.has('search_as_you_type')).toBe(rich);
      expect(caps.normalizerFilters.has('asciifolding')).toBe(rich);
      // Core everywhere: what the core-only autocomplete is made of.
      expect(caps.fieldTypes.has('completion')).toBe(true);
      expect(caps.tokenizers.has('standard') && caps.tokenFilters.has('lowercase')).toBe(true);
    }
  });

  it('reports an edge n-gram filter on the engines without analysis-common, with the pointer and the engine', () => {
    const m = withAnalysis({
      filter: { edge: { type: 'edge_ngram', min_gram: 1, max_gram: 10 } },
      analyzer: { ac: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding', 'edge'] } },
    });
    expect(mappingProblems(m, capabilitiesOf(OS3)!)).toEqual([]);
    expect(mappingProblems(m, capabilitiesOf(ES9)!)).toEqual([
      {
        pointer: '/settings/analysis/filter/edge/type',
        rule: 'filter-type',
        message: 'filter type "edge_ngram" is not available on elasticsearch 9.x',
      },
      {
        pointer: '/settings/analysis/analyzer/ac/filter/1',
        rule: 'unknown-filter',
        message: 'filter "asciifolding" is neither defined in settings.analysis nor built into elasticsearch 9.x',
      },
    ]);
    // Across the matrix: one finding per place, naming every engine that lacks it.
    expect(engineProblems(m, ENGINE_MATRIX).map((p) => p.message)).toEqual([
      'filter type "edge_ngram" is not available on opensearch 2.x, elasticsearch 8.x, elasticsearch 9.x',
      'filter "asciifolding" is neither defined in settings.analysis nor built into opensearch 2.x, elasticsearch 8.x, elasticsearch 9.x',
    ]);
  });

  it('a search_as_you_type field is an OpenSearch 3 field type only', () => {
    const m = { mappings: { properties: { title: { type: 'search_as_you_type' } } } };
    expect(ENGINE_MATRIX.filter((t) => mappingProblems(m, capabilitiesOf(t)!).length === 0)).toEqual([OS3]);
  });
});

describe('the shipped product-search mappings', () => {
  it('the base mapping (index_prefixes autocomplete) works on every engine; the analysis-common variant only on OpenSearch 3', () => {
    for (const t of ENGINE_MATRIX) expect(mappingProblems(base, capabilitiesOf(t)!), engineLabel(t)).toEqual([]);
    expect(ENGINE_MATRIX.filter((t) => mappingProblems(variant, capabilitiesOf(t)!).length === 0)).toEqual([OS3]);
    const ac = (m: S, field: string) => (((m.mappings as S).properties as S)[field] as S).fields as S;
    expect(ac(base, 'title').autocomplete).toMatchObject({ index_prefixes: { min_chars: 1 } });
    expect(ac(variant, 'title').autocomplete).toMatchObject({ analyzer: 'autocomplete_index', search_analyzer: 'autocomplete_search' });
    expect(ac(variant, 'category').autocomplete).toBeDefined();
  });

  it('each engine gets one mapping, chosen deterministically: the variant on OpenSearch 3, the base elsewhere', () => {
    const candidates = [
      { file: variantFile, body: variant },
      { file: productSearchModel.mappingFile, body: base },
    ];
    const chosen = ENGINE_MATRIX.map((t) => {
      const c = chooseMapping(candidates, t);
      return c.ok ? c.chosen.file : c.why;
    });
    expect(chosen).toEqual([productSearchModel.mappingFile, variantFile, productSearchModel.mappingFile, productSearchModel.mappingFile]);
    const none = chooseMapping([{ file: variantFile, body: variant }], ES8);
    expect(none.ok).toBe(false);
    expect(chooseMapping(candidates, { engine: 'opensearch', major: 1 })).toMatchObject({ ok: false });
  });

  it('the build hash (and so the index name) depends on the engine family the mapping was chosen for, and only on it', async () => {
    const [os2, os3, es8, es9, none, os3again] = await Promise.all([
      assetsFor(productSearchModel, OS2),
      assetsFor(productSearchModel, OS3),
      assetsFor(productSearchModel, ES8),
      assetsFor(productSearchModel, ES9),
      assetsFor(productSearchModel),
      assetsFor(productSearchModel, OS3),
    ]);
    expect(os3.mappingFile).toBe(variantFile);
    expect(os3.indexName).toBe(os3again.indexName);
    expect(new Set([os2.indexName, es8.indexName, es9.indexName, none.indexName]).size).toBe(1);
    expect(os3.indexName).not.toBe(os2.indexName);
    expect(os3.indexName).toMatch(/^product_search_v1_[0-9a-f]{10}$/);
  });

  it('validate-contracts names which engines use each file, and every shipped model passes on every engine', () => {
    const mappings = builtInModels.flatMap((m) => [
      { model: m.name, file: m.mappingFile, json: read(m.mappingFile) },
      ...(m.mappingVariants ?? []).map((f) => ({ model: m.name, file: f, json: read(f), variant: true })),
    ]);
    const r = checkMappings(mappings, builtInModels, new Map());
    const engineItems = r.items.filter((i) => /works on every|used on/.test(i.name));
    expect(engineItems.every((i) => i.status === 'passed')).toBe(true);
    expect(engineItems.map((i) => i.name)).toContain(`${variantFile}: used on opensearch 3.x`);
  });

  it('a variant no engine can use, or one every engine passes over, is reported', () => {
    const models = [productSearchModel];
    const unusable = structuredClone(variant);
    ((unusable.mappings as S).properties as S).title = { type: 'flat_object' };
    const r = checkMappings(
      [
        { model: productSearchModel.name, file: productSearchModel.mappingFile, json: base },
        { model: productSearchModel.name, file: 'mappings/x.v1.bad.json', json: unusable, variant: true },
      ],
      models,
      new Map(),
    );
    const bad = r.items.find((i) => i.name.startsWith('mappings/x.v1.bad.json: used on'))!;
    expect(bad.name).toBe('mappings/x.v1.bad.json: used on no supported engine');
    expect(bad.violations.map((v) => v.rule)).toContain('field-type');

    const shadowed = checkMappings(
      [
        { model: productSearchModel.name, file: productSearchModel.mappingFile, json: base },
        { model: productSearchModel.name, file: 'mappings/a.v1.first.json', json: base, variant: true },
        { model: productSearchModel.name, file: 'mappings/b.v1.second.json', json: variant, variant: true },
      ],
      models,
      new Map(),
    );
    const second = shadowed.items.find((i) => i.name.startsWith('mappings/b.v1.second.json: used on'))!;
    expect(second.name).toBe('mappings/b.v1.second.json: used on no supported engine');
    expect(second.violations).toEqual([expect.objectContaining({ rule: 'variant-unused' })]);
  });

  it('a base mapping that uses analysis-common fails: it is the fallback for every engine', () => {
    const r = checkMappings(
      [{ model: productSearchModel.name, file: productSearchModel.mappingFile, json: variant }],
      [productSearchModel],
      new Map(),
    );
    const item = r.items.find((i) => i.name.includes('works on every supported engine'))!;
    expect(item.status).toBe('failed');
    expect(item.violations.map((v) => v.pointer)).toContain('/settings/analysis/filter/autocomplete_edge/type');
  });
});
