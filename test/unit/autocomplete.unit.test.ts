import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkMappings } from '../../src/app/validate-contracts/check-mappings.js';
import { fieldsWithAutocomplete, prefixProblem, suggestQuery } from '../../src/core/suggest/autocomplete.js';
import { productSearchModel } from '../../src/core/read-models/product-search/model.js';
import { ROOT } from '../support/contracts.js';

type S = Record<string, unknown>;
const base = JSON.parse(readFileSync(path.join(ROOT, productSearchModel.mappingFile), 'utf8')) as S;

describe('autocomplete (pure)', () => {
  it('finds the fields an index mapping completes on, in the model order; a build without them has none', () => {
    const mappings = base.mappings as S;
    expect(fieldsWithAutocomplete(mappings, ['title', 'category'])).toEqual(['title', 'category']);
    expect(fieldsWithAutocomplete(mappings, ['category', 'title', 'description'])).toEqual(['category', 'title']);
    const old = { properties: { title: { type: 'text', fields: { keyword: { type: 'keyword' } } }, category: { type: 'keyword' } } };
    expect(fieldsWithAutocomplete(old, ['title', 'category'])).toEqual([]);
    expect(fieldsWithAutocomplete({}, ['title'])).toEqual([]);
  });

  it('builds one match_bool_prefix per field, earlier fields weighing more, ties broken by the id field', () => {
    expect(suggestQuery({ prefix: 'acme sma', fields: ['title', 'category'], idField: 'productId', limit: 5 })).toEqual({
      size: 5,
      track_total_hits: false,
      _source: ['productId', 'title', 'category'],
      query: {
        bool: {
          should: [
            { match_bool_prefix: { 'title.autocomplete': { query: 'acme sma', operator: 'and', boost: 2 } } },
            { match_bool_prefix: { 'category.autocomplete': { query: 'acme sma', operator: 'and', boost: 1 } } },
          ],
          minimum_should_match: 1,
        },
      },
      sort: [{ _score: 'desc' }, { productId: 'asc' }],
    });
  });

  it('refuses a prefix without a letter or digit, or a very long one', () => {
    expect(prefixProblem('caf')).toBeUndefined();
    expect(prefixProblem('Café')).toBeUndefined();
    expect(prefixProblem('  ')).toMatch(/no letter or digit/);
    expect(prefixProblem('*')).toMatch(/no letter or digit/);
    expect(prefixProblem('a'.repeat(201))).toMatch(/longer than 200/);
  });

  it('validate-contracts: every mapping of a model gives each of its autocompleteFields an autocomplete sub-field', () => {
    const broken = structuredClone(base);
    delete ((((broken.mappings as S).properties as S).category as S).fields as S).autocomplete;
    const r = checkMappings(
      [{ model: productSearchModel.name, file: productSearchModel.mappingFile, json: broken }],
      [productSearchModel],
      new Map(),
    );
    const item = r.items.find((i) => i.name === `${productSearchModel.mappingFile}: autocomplete on title, category`)!;
    expect(item.violations).toEqual([
      expect.objectContaining({ pointer: '/mappings/properties/category/fields/autocomplete', rule: 'autocomplete-field' }),
    ]);
  });
});
