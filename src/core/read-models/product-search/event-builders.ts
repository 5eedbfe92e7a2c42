import type { EventEnvelope } from '../../envelope.js';

/** Builds product events for given/then projection tests; versions count up per call sequence. */
export function productEvents(id = 'p1') {
  let version = 0;
  let minute = 0;
  const ev = (eventType: string, data: Record<string, unknown>, eventVersion = 1): EventEnvelope => {
    version++;
    minute++;
    return {
      eventId: `00000000-0000-4000-8000-${String(version).padStart(12, '0')}`,
      eventType,
      eventVersion,
      aggregateType: 'Product',
      aggregateId: id,
      aggregateVersion: version,
      occurredAt: `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
      data,
    };
  };
  return {
    created: (over: Record<string, unknown> = {}) =>
      ev('ProductCreated', {
        sku: 'SKU-1',
        title: 'Acme Pro Headphones',
        description: 'Closed-back headphones',
        categoryPath: ['Electronics', 'Audio', 'Headphones'],
        sellerId: 'seller-7',
        sellerScore: 80,
        priceMinor: 12999,
        currency: 'EUR',
        attributes: { color: 'black', brand: 'Acme' },
        initialStock: 10,
        ...over,
      }),
    updated: (data: Record<string, unknown>) => ev('ProductUpdated', data),
    published: () => ev('ProductPublished', {}),
    unpublished: () => ev('ProductUnpublished', { reason: 'recall' }),
    priceV1: (price: number) => ev('PriceUpdated', { price, currency: 'EUR' }, 1),
    priceV2: (amountMinor: number, compareAtMinor?: number) =>
      ev('PriceUpdated', { amountMinor, currency: 'EUR', ...(compareAtMinor ? { compareAtMinor } : {}) }, 2),
    stock: (delta: number) => ev('StockAdjusted', { delta, reason: delta > 0 ? 'restock' : 'sale' }),
    reviews: (rating: number, count: number) => ev('ReviewSummaryUpdated', { rating, count }),
    deleted: () => ev('ProductDeleted', { reason: 'discontinued' }),
  };
}
