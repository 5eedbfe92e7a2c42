import type { EventEnvelope } from '../../envelope.js';

/** Builds order events for given/then projection tests; versions count up per call sequence. */
export function orderEvents(id = 'o1') {
  let version = 0;
  let minute = 0;
  const ev = (eventType: string, data: Record<string, unknown>): EventEnvelope => {
    version++;
    minute++;
    return {
      eventId: `00000000-0000-4000-9000-${String(version).padStart(12, '0')}`,
      eventType,
      eventVersion: 1,
      aggregateType: 'Order',
      aggregateId: id,
      aggregateVersion: version,
      occurredAt: `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
      data,
    };
  };
  return {
    placed: (over: Record<string, unknown> = {}) =>
      ev('OrderPlaced', {
        customerId: 'cust-7',
        currency: 'EUR',
        lines: [
          { sku: 'AUD-HP-01', productId: 'prod-001', title: 'Over-Ear Headphones', quantity: 1, unitPriceMinor: 8999 },
          { sku: 'FIT-FR-10', productId: 'prod-010', title: 'Foam Roller', quantity: 2, unitPriceMinor: 1999 },
        ],
        shippingAddress: { country: 'DE', city: 'Berlin', postalCode: '10115' },
        channel: 'web',
        ...over,
      }),
    paid: (over: Record<string, unknown> = {}) => ev('OrderPaid', { paymentId: `pay-${id}`, method: 'card', amountMinor: 12997, ...over }),
    shipped: (over: Record<string, unknown> = {}) =>
      ev('OrderShipped', { shipmentId: `shp-${id}`, carrier: 'DHL', trackingNumber: 'JD1234567890', ...over }),
    delivered: (deliveredAt?: string) => ev('ShipmentDelivered', { shipmentId: `shp-${id}`, ...(deliveredAt ? { deliveredAt } : {}) }),
    cancelled: (over: Record<string, unknown> = {}) =>
      ev('OrderCancelled', { reason: 'changed my mind', cancelledBy: 'customer', ...over }),
  };
}
