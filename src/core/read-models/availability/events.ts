import type { ProductCreated, ProductDeleted, StockAdjusted } from '../product-search/events.js';

/**
 * The product events the availability view folds. They are the product aggregate's events (one
 * contract each in contracts/events/), so the payload types are product search's, picked here.
 */
export interface AvailabilityEventPayloads {
  ProductCreated: ProductCreated;
  StockAdjusted: StockAdjusted;
  ProductDeleted: ProductDeleted;
}
