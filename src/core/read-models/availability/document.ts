import type { Availability } from '../product-search/document.js';
import type { StockAdjustReason } from '../product-search/events.js';

/** What moved the stock last: the product's creation (its initial stock) or an adjustment's reason. */
export type StockChange = 'created' | StockAdjustReason;

/** One product's inventory position, as warehouse and support screens ask for it. */
export interface AvailabilityDocument {
  productId: string;
  sku: string;
  /** Units on hand, never below zero (an oversold adjustment stops at zero, as in product search). */
  stockQuantity: number;
  availability: Availability;
  inStock: boolean;
  lastChange: StockChange;
  /** The units the last change moved (the initial stock for `created`). */
  lastDelta: number;
  lastChangedAt: string;
  lastAggregateVersion?: number;
  lastEventAt?: string;
}
