import type { ReadModelDefinition } from '../../read-model.js';
import type { QueryDeclaration } from '../../query/query-declaration.js';
import { CATALOGUE_MODES, productFixtures } from '../product-search/fixture-generator.js';
import { committedProductFixtures } from '../product-search/fixture-settings.js';
import { productUpcasters } from '../product-search/upcasters.js';
import { availabilityProjection } from './projection.js';

/** `readmodel query availability`: see QueryDeclaration. */
const availabilityQuery: QueryDeclaration = {
  tieBreaker: 'productId',
  facets: [{ kind: 'terms', name: 'availability', field: 'availability' }],
  columns: ['sku', 'stockQuantity', 'availability', 'lastChange', 'lastChangedAt'],
};

/**
 * Inventory availability per product, from the product topic. Its events are product events, so it
 * shares product search's upcasters and fixture generator (its committed fixture stream is the same).
 */
export const availabilityModel: ReadModelDefinition = {
  name: 'availability',
  projection: availabilityProjection,
  upcasters: productUpcasters,
  mappingFile: 'mappings/availability.v1.json',
  topic: 'product-events',
  consumerGroup: 'readmodel.availability',
  indexBase: 'availability',
  smokeQueries: [{ name: 'products with stock positions exist', query: { exists: { field: 'productId' } }, minHits: 1 }],
  generateFixtures: productFixtures,
  fixtureCatalogues: CATALOGUE_MODES,
  query: availabilityQuery,
  committedFixtures: committedProductFixtures,
};
