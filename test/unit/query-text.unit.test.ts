import { describe, expect, it } from 'vitest';
import type { QueryResult } from '../../src/app/run-query.js';
import { queryText } from '../../src/cli/output/query-text.js';
import { productQuery } from '../../src/core/read-models/product-search/query.js';

const base: QueryResult = {
  model: 'product-search',
  target: { name: 'product_search_current', index: 'product_search_v1_abc' },
  total: 0,
  offset: 0,
  limit: 100,
  hits: [],
  facets: [],
  plan: { filters: [], sort: [{ field: 'productId', order: 'asc' }], limit: 100, offset: 0, facets: [] },
};

describe('query text output', () => {
  it('says nothing matched instead of an empty table', () => {
    expect(queryText(base, productQuery)).toBe(
      'product_search_current -> product_search_v1_abc: 0 matches, none shown (offset 0, limit 100), ordered by productId\n',
    );
  });

  it('adds the sort fields to the declared columns, cuts long values, indents the category tree', () => {
    const r: QueryResult = {
      ...base,
      total: 1,
      hits: [
        {
          id: 'p1',
          score: null,
          version: 2,
          document: {
            title: `Acme ${'Very '.repeat(10)}Long Title`,
            price: 9.5,
            currency: 'EUR',
            availability: 'in_stock',
            rating: 4,
            rankingScore: 70,
            sellerScore: 88,
          },
        },
      ],
      plan: {
        ...base.plan,
        sort: [
          { field: 'sellerScore', order: 'desc' },
          { field: 'productId', order: 'asc' },
        ],
      },
      facets: [
        {
          name: 'category',
          field: 'categoryPath',
          kind: 'hierarchy',
          under: 'Home',
          buckets: [
            { value: 'Home', count: 1, level: 0, label: 'Home' },
            { value: 'Home/Kitchen', count: 1, level: 1, label: 'Kitchen' },
          ],
        },
        { name: 'availability', field: 'availability', kind: 'terms', buckets: [] },
      ],
    };
    expect(queryText(r, productQuery).split('\n')).toEqual([
      'product_search_current -> product_search_v1_abc: 1 match, showing 1-1, ordered by -sellerScore, productId',
      '',
      'ID  TITLE                                     PRICE  CURRENCY  AVAILABILITY  RATING  RANKINGSCORE  SELLERSCORE',
      'p1  Acme Very Very Very Very Very Very Ve...  9.5    EUR       in_stock      4       70            88',
      '',
      'facets',
      '  category (categoryPath, under Home)',
      '    Home       1',
      '      Kitchen  1',
      '  availability (availability)',
      '    (none)',
      '',
    ]);
  });
});
