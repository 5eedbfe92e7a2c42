import { defineProjection } from '../../projections/define-projection.js';
import { availability } from '../product-search/ranking.js';
import type { AvailabilityDocument } from './document.js';
import type { AvailabilityEventPayloads } from './events.js';

/** Re-derives the computed fields from the quantity, with product search's thresholds so both views agree. */
function derive(doc: AvailabilityDocument): AvailabilityDocument {
  return { ...doc, availability: availability(doc.stockQuantity), inStock: doc.stockQuantity > 0 };
}

/**
 * Per product: units on hand, availability and the last change. Nothing exists before ProductCreated
 * or after ProductDeleted; stock adjusted on a product that does not exist changes nothing, and a
 * re-created product starts again from its new initial stock.
 */
export const availabilityProjection = defineProjection<AvailabilityDocument, AvailabilityEventPayloads>({
  name: 'availability',
  version: 1,
  aggregateType: 'Product',
  idField: 'productId',
  handlers: {
    ProductCreated: (doc, e) =>
      doc ??
      derive({
        productId: e.aggregateId,
        sku: e.data.sku,
        stockQuantity: e.data.initialStock ?? 0,
        availability: 'out_of_stock',
        inStock: false,
        lastChange: 'created',
        lastDelta: e.data.initialStock ?? 0,
        lastChangedAt: e.occurredAt,
      }),
    StockAdjusted: (doc, e) =>
      doc &&
      derive({
        ...doc,
        stockQuantity: Math.max(0, doc.stockQuantity + e.data.delta),
        lastChange: e.data.reason,
        lastDelta: e.data.delta,
        lastChangedAt: e.occurredAt,
      }),
    ProductDeleted: () => null,
  },
});
