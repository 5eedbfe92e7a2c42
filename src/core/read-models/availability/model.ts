import type { ReadModelDefinition } from '../../read-model.js';
import { CATALOGUE_MODES, productFixtures } from '../product-search/fixture-generator.js';
import { committedProductFixtures } from '../product-search/fixture-settings.js';
import { productUpcasters } from '../product-search/upcasters.js';
import { availabilityProjection } from './projection.js';

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
  committedFixtures: committedProductFixtures,
};
