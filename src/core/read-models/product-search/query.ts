import type { QueryDeclaration } from '../../query/query-declaration.js';

/**
 * How `readmodel query product-search` reads the index: listing and search facets (category tree,
 * price ranges on the same boundaries as the `priceRange` bucket, availability, attribute pairs).
 */
export const productQuery: QueryDeclaration = {
  tieBreaker: 'productId',
  textFields: ['title^3', 'description'],
  facets: [
    { kind: 'hierarchy', name: 'category', field: 'categoryPath', separator: '/', levels: 2 },
    {
      kind: 'range',
      name: 'price',
      field: 'price',
      ranges: [
        { key: '0-10', to: 10 },
        { key: '10-25', from: 10, to: 25 },
        { key: '25-50', from: 25, to: 50 },
        { key: '50-100', from: 50, to: 100 },
        { key: '100-250', from: 100, to: 250 },
        { key: '250-500', from: 250, to: 500 },
        { key: '500+', from: 500 },
      ],
    },
    { kind: 'terms', name: 'availability', field: 'availability' },
    { kind: 'terms', name: 'attributes', field: 'attributeFacets', size: 20 },
  ],
  columns: ['title', 'price', 'currency', 'availability', 'rating', 'rankingScore'],
};
