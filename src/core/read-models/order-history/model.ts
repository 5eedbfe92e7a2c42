import type { ReadModelDefinition } from '../../read-model.js';
import type { QueryDeclaration } from '../../query/query-declaration.js';
import { orderHistoryProjection } from './projection.js';
import { orderFixtures } from './fixture-generator.js';
import { committedOrderFixtures } from './fixture-settings.js';

/** `readmodel query order-history`: see QueryDeclaration. */
const orderHistoryQuery: QueryDeclaration = {
  tieBreaker: 'orderId',
  textFields: ['searchText', 'lines.title', 'cancelReason'],
  facets: [
    { kind: 'terms', name: 'status', field: 'status' },
    { kind: 'terms', name: 'channel', field: 'channel' },
    { kind: 'terms', name: 'paymentMethod', field: 'paymentMethod' },
  ],
  columns: ['customerId', 'status', 'itemCount', 'total', 'currency', 'placedAt'],
};

export const orderHistoryModel: ReadModelDefinition = {
  name: 'order-history',
  projection: orderHistoryProjection,
  // Every order event is still at v1: nothing to upcast yet.
  upcasters: [],
  mappingFile: 'mappings/order_history.v1.json',
  topic: 'order-events',
  consumerGroup: 'readmodel.order-history',
  indexBase: 'order_history',
  smokeQueries: [{ name: 'orders exist', query: { exists: { field: 'orderId' } }, minHits: 1 }],
  generateFixtures: orderFixtures,
  query: orderHistoryQuery,
  committedFixtures: committedOrderFixtures,
};
