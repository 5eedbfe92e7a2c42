import type { ReadModelDefinition } from '../../read-model.js';
import { productSearchProjection } from './projection.js';
import { productUpcasters } from './upcasters.js';
import { CATALOGUE_MODES, productFixtures } from './fixture-generator.js';
import { committedProductFixtures } from './fixture-settings.js';
import { productQuery } from './query.js';

export const productSearchModel: ReadModelDefinition = {
  name: 'product-search',
  projection: productSearchProjection,
  upcasters: productUpcasters,
  mappingFile: 'mappings/product_search.v1.json',
  // Edge n-grams and ASCII folding for autocomplete where analysis-common exists (OpenSearch 3.x).
  mappingVariants: ['mappings/product_search.v1.analysis-common.json'],
  autocompleteFields: ['title', 'category'],
  topic: 'product-events',
  consumerGroup: 'readmodel.product-search',
  indexBase: 'product_search',
  smokeQueries: [{ name: 'published products exist', query: { term: { published: true } }, minHits: 1 }],
  generateFixtures: productFixtures,
  fixtureCatalogues: CATALOGUE_MODES,
  committedFixtures: committedProductFixtures,
  query: productQuery,
};
