import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { facetResults } from '../../src/core/query/facet-results.js';
import { fieldCapabilities } from '../../src/core/query/field-capabilities.js';
import { queryRequestBody } from '../../src/core/query/query-body.js';
import { parseFilter } from '../../src/core/query/query-filter.js';
import { planQuery } from '../../src/core/query/query-plan.js';
import { parseSort } from '../../src/core/query/query-sort.js';
import { builtInModels } from '../../src/core/read-models/catalog.js';
import { productSearchModel } from '../../src/core/read-models/product-search/model.js';
import { ROOT } from '../support/contracts.js';

const mappingOf = (file: string) =>
  (JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as { mappings: Record<string, unknown> }).mappings;
const productCaps = fieldCapabilities(mappingOf(productSearchModel.mappingFile));
const declared = productSearchModel.query;

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error('expected a usage error');
}

describe('filter and sort parsing', () => {
  it.each([
    ['availability=in_stock', { field: 'availability', op: '=', values: ['in_stock'] }],
    ['price<100', { field: 'price', op: '<', values: ['100'] }],
    ['price <= 99.5', { field: 'price', op: '<=', values: ['99.5'] }],
    ['rating>=4', { field: 'rating', op: '>=', values: ['4'] }],
    ['reviewCount>0', { field: 'reviewCount', op: '>', values: ['0'] }],
    ['availability!=out_of_stock,low_stock', { field: 'availability', op: '!=', values: ['out_of_stock', 'low_stock'] }],
    ['attributeFacets=color=red', { field: 'attributeFacets', op: '=', values: ['color=red'] }],
    ['categoryPath=Electronics/Audio', { field: 'categoryPath', op: '=', values: ['Electronics/Audio'] }],
    ['title.keyword=acme pro earbuds', { field: 'title.keyword', op: '=', values: ['acme pro earbuds'] }],
  ])('%s', (source, expected) => {
    expect(parseFilter(source)).toEqual({ ...expected, source });
  });

  it.each(['price', '=x', 'price<', 'availability=in_stock,', '<100', ''])('refuses "%s" as a usage error', (source) => {
    expect(usageError(() => parseFilter(source)).code).toBe('INVALID_FILTER');
  });

  it('reads "-" as descending, in priority order', () => {
    expect(parseSort('-rankingScore,price')).toEqual([
      { field: 'rankingScore', order: 'desc' },
      { field: 'price', order: 'asc' },
    ]);
    expect(usageError(() => parseSort('price,,-')).code).toBe('INVALID_SORT');
  });
});

describe('field capabilities from a mapping', () => {
  it('filters and sorts on keyword, numeric, date and boolean fields, searches top-level text fields', () => {
    expect(productCaps.kinds.get('price')).toBe('numeric');
    expect(productCaps.kinds.get('publishedAt')).toBe('date');
    expect(productCaps.kinds.get('onSale')).toBe('boolean');
    expect(productCaps.kinds.get('title.keyword')).toBe('keyword');
    expect(productCaps.filterable).toContain('availability');
    expect(productCaps.filterable).not.toContain('title');
    // `attributes` is a disabled object: nothing in it is indexed.
    expect([...productCaps.kinds.keys()].some((k) => k.startsWith('attributes'))).toBe(false);
    expect(productCaps.text).toEqual(['title', 'description']);
  });

  it('walks object properties, skips unknown types and text sub-fields', () => {
    const caps = fieldCapabilities({
      properties: {
        lines: { type: 'object', properties: { sku: { type: 'keyword' }, qty: { type: 'integer' } } },
        suggest: { type: 'completion' },
        title: { type: 'text', fields: { prefix: { type: 'text' }, raw: { type: 'keyword' } } },
        hidden: { type: 'keyword', index: false },
      },
    });
    expect(caps.filterable).toEqual(['lines.qty', 'lines.sku', 'title.raw']);
    expect(caps.text).toEqual(['title']);
  });

  it.each(builtInModels.map((m) => [m.name, m] as const))("%s: every declared query field exists in the model's mapping", (_n, m) => {
    const caps = fieldCapabilities(mappingOf(m.mappingFile));
    const q = m.query ?? {};
    if (q.tieBreaker) expect(caps.kinds.get(q.tieBreaker)).toBe('keyword');
    for (const f of q.facets ?? []) expect(caps.filterable).toContain(f.field);
    for (const f of q.textFields ?? []) expect(caps.text).toContain(f.replace(/\^.*$/, ''));
    for (const c of q.columns ?? []) expect(caps.kinds.has(c)).toBe(true);
  });
});

describe('query plan', () => {
  it('types each filter by its field and AND-s them', () => {
    const plan = planQuery(
      { filters: ['availability=in_stock', 'price<100', 'onSale=true', 'publishedAt>=2026-01-01', 'rating!=0'] },
      productCaps,
      declared,
    );
    expect(plan.filters).toEqual([
      { kind: 'terms', field: 'availability', values: ['in_stock'], negate: false },
      { kind: 'range', field: 'price', bound: 'lt', value: 100 },
      { kind: 'terms', field: 'onSale', values: [true], negate: false },
      { kind: 'range', field: 'publishedAt', bound: 'gte', value: '2026-01-01T00:00:00.000Z' },
      { kind: 'terms', field: 'rating', values: [0], negate: true },
    ]);
  });

  it('defaults to the contract: limit 100, offset 0, tie-breaker order; relevance first with free text', () => {
    const plain = planQuery({}, productCaps, declared);
    expect(plain).toMatchObject({ limit: 100, offset: 0, sort: [{ field: 'productId', order: 'asc' }] });
    const text = planQuery({ text: ' headphones ' }, productCaps, declared);
    expect(text.text).toEqual({ query: 'headphones', fields: ['title^3', 'description'] });
    expect(text.sort).toEqual([
      { field: '_score', order: 'desc' },
      { field: 'productId', order: 'asc' },
    ]);
    const sorted = planQuery({ text: 'headphones', sort: '-rankingScore,price' }, productCaps, declared);
    expect(sorted.sort.map((k) => k.field)).toEqual(['rankingScore', 'price', 'productId']);
  });

  it('names the fields that can be filtered when a field cannot be', () => {
    const unknown = usageError(() => planQuery({ filters: ['colour=red'] }, productCaps, declared));
    expect(unknown.code).toBe('UNKNOWN_FILTER_FIELD');
    expect(unknown.suggestion).toContain('availability, category, categoryPath');
    const text = usageError(() => planQuery({ filters: ['description=nice'] }, productCaps, declared));
    expect(text.message).toMatch(/description.*text field/);
    const sort = usageError(() => planQuery({ sort: 'title' }, productCaps, declared));
    expect(sort.code).toBe('UNKNOWN_SORT_FIELD');
    expect(sort.message).toContain('did you mean "title.keyword"');
  });

  it.each([
    ['price<cheap', /not a number/],
    ['onSale=yes', /true or false/],
    ['publishedAt>yesterday', /ISO-8601/],
    ['availability<in_stock', /needs a numeric or date field/],
    ['onSale>true', /needs a numeric or date field/],
  ])('refuses %s', (filter, message) => {
    expect(usageError(() => planQuery({ filters: [filter] }, productCaps, declared)).message).toMatch(message);
  });

  it('caps the page: at most 1000 hits, offset + limit within 10000', () => {
    expect(planQuery({ limit: 1000, offset: 9000 }, productCaps).limit).toBe(1000);
    expect(usageError(() => planQuery({ limit: 1001 }, productCaps)).code).toBe('INVALID_LIMIT');
    expect(usageError(() => planQuery({ limit: 10, offset: 9991 }, productCaps)).code).toBe('INVALID_OFFSET');
  });

  it('starts the category tree at the category a filter selected', () => {
    const top = planQuery({}, productCaps, declared).facets.find((f) => f.name === 'category');
    expect(top).toEqual({ kind: 'hierarchy', name: 'category', field: 'categoryPath', separator: '/', levels: 2 });
    const under = planQuery({ filters: ['categoryPath=Home/Kitchen'] }, productCaps, declared).facets.find((f) => f.name === 'category');
    expect(under).toMatchObject({ under: 'Home/Kitchen' });
    const deepest = planQuery({ filters: ['categoryPath=Home/Kitchen/Knives', 'categoryPath=Home'] }, productCaps, declared).facets[0];
    expect(deepest).toMatchObject({ under: 'Home/Kitchen/Knives' });
    const anyOf = planQuery({ filters: ['categoryPath=Home,Garden'] }, productCaps, declared).facets[0];
    expect(anyOf).not.toHaveProperty('under');
    expect(planQuery({ facets: false }, productCaps, declared).facets).toEqual([]);
  });
});

describe('request body', () => {
  it('puts filters in filter/must_not, text in must, sort with the tie-breaker, exact totals', () => {
    const plan = planQuery(
      {
        filters: ['availability=in_stock,low_stock', 'price<100', 'sellerId!=s1'],
        text: 'wireless headphones',
        limit: 5,
        offset: 10,
        facets: false,
      },
      productCaps,
      declared,
    );
    expect(queryRequestBody(plan)).toEqual({
      from: 10,
      size: 5,
      track_total_hits: true,
      query: {
        bool: {
          filter: [{ terms: { availability: ['in_stock', 'low_stock'] } }, { range: { price: { lt: 100 } } }],
          must_not: [{ term: { sellerId: 's1' } }],
          must: [{ multi_match: { query: 'wireless headphones', fields: ['title^3', 'description'], operator: 'and' } }],
        },
      },
      sort: [{ _score: { order: 'desc' } }, { productId: { order: 'asc' } }],
    });
  });

  it('matches everything without clauses and keeps scores when free text is sorted by a field', () => {
    expect(queryRequestBody(planQuery({ facets: false }, productCaps, declared)).query).toEqual({ match_all: {} });
    expect(queryRequestBody(planQuery({ text: 'x', sort: 'price', facets: false }, productCaps, declared)).track_scores).toBe(true);
  });

  it('asks for terms, range and hierarchy aggregations (the tree by Lucene regexp, the selection escaped)', () => {
    const aggs = queryRequestBody(planQuery({ filters: ['categoryPath=Home & Garden/Grills (gas)'] }, productCaps, declared))
      .aggs as Record<string, Record<string, Record<string, unknown>>>;
    expect(aggs.category!.terms).toEqual({
      field: 'categoryPath',
      include: 'Home\\ \\&\\ Garden\\/Grills\\ \\(gas\\)((\\/[^\\/]+){1,2})?',
      size: 500,
      order: { _key: 'asc' },
    });
    expect(queryRequestBody(planQuery({}, productCaps, declared)).aggs).toMatchObject({
      category: { terms: { include: '[^\\/]+(\\/[^\\/]+){0,1}' } },
    });
    expect(aggs.price!.range!.ranges).toContainEqual({ key: '50-100', from: 50, to: 100 });
    expect(aggs.availability).toEqual({ terms: { field: 'availability', size: 10 } });
    expect(aggs.attributes).toEqual({ terms: { field: 'attributeFacets', size: 20 } });
  });
});

describe('facet results', () => {
  it('shapes buckets: tree levels and labels, range bounds, terms as given', () => {
    const plan = planQuery({}, productCaps, declared);
    const out = facetResults(plan.facets, {
      category: [
        { key: 'Electronics', count: 5 },
        { key: 'Electronics/Audio', count: 3 },
      ],
      price: [{ key: '0-10', count: 0, to: 10 }],
      availability: [{ key: 'in_stock', count: 4 }],
      attributes: [],
    });
    expect(out[0]).toEqual({
      name: 'category',
      field: 'categoryPath',
      kind: 'hierarchy',
      buckets: [
        { value: 'Electronics', count: 5, level: 0, label: 'Electronics' },
        { value: 'Electronics/Audio', count: 3, level: 1, label: 'Audio' },
      ],
    });
    expect(out[1]!.buckets).toEqual([{ value: '0-10', count: 0, to: 10 }]);
    expect(out.map((f) => f.name)).toEqual(['category', 'price', 'availability', 'attributes']);
  });
});
