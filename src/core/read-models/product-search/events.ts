/**
 * The payloads of the product events this read model folds, at their newest contract versions
 * (contracts/events/*.json; older versions are upcast before they reach the projection). Optional
 * here means optional in the contract's `required`.
 */
export type AttributeValue = string | number | boolean;

export interface ProductCreated {
  sku: string;
  title: string;
  description?: string;
  categoryPath: string[];
  sellerId: string;
  sellerScore?: number;
  priceMinor: number;
  currency: string;
  attributes?: Record<string, AttributeValue>;
  initialStock?: number;
}

export interface ProductUpdated {
  title?: string;
  description?: string;
  categoryPath?: string[];
  /** A null value removes the attribute. */
  attributes?: Record<string, AttributeValue | null>;
}

export interface ProductPublished {
  channels?: string[];
}

export interface ProductUnpublished {
  reason: string;
}

/** v2: minor units. v1 (decimal `price`) is upcast by upcasters.ts. */
export interface PriceUpdated {
  amountMinor: number;
  currency: string;
  compareAtMinor?: number;
}

export type StockAdjustReason = 'restock' | 'sale' | 'return' | 'correction' | 'damage';

export interface StockAdjusted {
  delta: number;
  reason: StockAdjustReason;
  warehouseId?: string;
}

export interface ReviewSummaryUpdated {
  rating: number;
  count: number;
}

export interface ProductDeleted {
  reason?: string;
}

/** PriceUpdated v1, as old producers still publish it. */
export interface PriceUpdatedV1 {
  price: number;
  currency: string;
}

/** Event type -> payload, for every product event (newest versions). */
export interface ProductEventPayloads {
  ProductCreated: ProductCreated;
  ProductUpdated: ProductUpdated;
  ProductPublished: ProductPublished;
  ProductUnpublished: ProductUnpublished;
  PriceUpdated: PriceUpdated;
  StockAdjusted: StockAdjusted;
  ReviewSummaryUpdated: ReviewSummaryUpdated;
  ProductDeleted: ProductDeleted;
}
