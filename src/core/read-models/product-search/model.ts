import type { ReadModelDefinition } from '../../read-model.js';
import { productSearchProjection } from './projection.js';
import { productUpcasters } from './upcasters.js';
import { CATALOGUE_MODES, generateProductEvents, type CatalogueMode } from './fixture-generator.js';

export const productSearchModel: ReadModelDefinition = {
  name: 'product-search',
  projection: productSearchProjection,
  upcasters: productUpcasters,
  mappingFile: 'mappings/product_search.v1.json',
  topic: 'product-events',
  consumerGroup: 'readmodel.product-search',
  indexBase: 'product_search',
  smokeQueries: [
    { name: 'published products exist', query: { term: { published: true } }, minHits: 1 },
  ],
  generateFixtures: (o) =>
    generateProductEvents({
      products: o.count,
      seed: o.seed,
      ...(o.invalidRate ? { invalidRate: o.invalidRate } : {}),
      ...(o.idPrefix ? { idPrefix: o.idPrefix } : {}),
      ...(o.catalogue ? { catalogue: o.catalogue as CatalogueMode } : {}),
      ...(o.updates !== undefined ? { updates: o.updates } : {}),
    }),
  fixtureCatalogues: CATALOGUE_MODES,
};
