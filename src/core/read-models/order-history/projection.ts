import { defineProjection, type TypedEvent } from '../../projections/define-projection.js';
import type { OrderHistoryDocument, OrderLine, OrderStatus } from './document.js';
import type { OrderEventPayloads } from './events.js';

/** How far an order that is not cancelled has come; the status never moves backwards. */
const STAGE: Record<Exclude<OrderStatus, 'cancelled'>, number> = { placed: 0, paid: 1, shipped: 2, delivered: 3 };

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Re-derives every computed field from the stored facts, so no event can leave them inconsistent. */
function derive(doc: OrderHistoryDocument): OrderHistoryDocument {
  const totalMinor = doc.lines.reduce((n, l) => n + l.lineTotalMinor, 0);
  const skus = unique(doc.lines.map((l) => l.sku));
  return {
    ...doc,
    itemCount: doc.lines.reduce((n, l) => n + l.quantity, 0),
    totalMinor,
    total: totalMinor / 100,
    skus,
    productIds: unique(doc.lines.map((l) => l.productId)),
    searchText: [doc.orderId, ...skus, ...unique(doc.lines.map((l) => l.title)), doc.carrier, doc.trackingNumber]
      .filter((s): s is string => typeof s === 'string' && s.length > 0)
      .join(' '),
  };
}

/**
 * Records a milestone: it joins the timeline, and the status becomes the furthest stage reached.
 * Cancellation is terminal for the status, whatever comes after it.
 */
function reach(doc: OrderHistoryDocument, milestone: OrderStatus, at: string): OrderHistoryDocument {
  let status: OrderStatus;
  if (doc.status === 'cancelled' || milestone === 'cancelled') status = 'cancelled';
  else status = STAGE[milestone] > STAGE[doc.status] ? milestone : doc.status;
  return { ...doc, status, statusHistory: [...doc.statusHistory, { status: milestone, at }] };
}

function placed(e: TypedEvent<OrderEventPayloads, 'OrderPlaced'>): OrderHistoryDocument {
  const d = e.data;
  const address = d.shippingAddress;
  const lines: OrderLine[] = d.lines.map((l) => ({
    sku: l.sku,
    productId: l.productId,
    title: l.title,
    quantity: l.quantity,
    unitPriceMinor: l.unitPriceMinor,
    lineTotalMinor: l.quantity * l.unitPriceMinor,
  }));
  return derive({
    orderId: e.aggregateId,
    customerId: d.customerId,
    status: 'placed',
    statusHistory: [{ status: 'placed', at: e.occurredAt }],
    channel: d.channel,
    currency: d.currency,
    lines,
    itemCount: 0,
    totalMinor: 0,
    total: 0,
    skus: [],
    productIds: [],
    shippingCountry: address.country,
    shippingCity: address.city,
    shippingPostalCode: address.postalCode,
    placedAt: e.occurredAt,
    paidAt: null,
    shippedAt: null,
    deliveredAt: null,
    cancelledAt: null,
    paymentId: null,
    paymentMethod: null,
    paidMinor: null,
    shipmentId: null,
    carrier: null,
    trackingNumber: null,
    cancelReason: null,
    cancelledBy: null,
    refundMinor: null,
    searchText: '',
  });
}

/**
 * The order history view. Rules, all decided by the events alone (the engine adds the version guard):
 *
 * - Nothing exists before OrderPlaced: any other event for an order never placed yields no document.
 *   A second OrderPlaced for the same order changes nothing (the first placement stands).
 * - The status is `cancelled` once the order is cancelled; otherwise the furthest stage reached, so
 *   an invoice order shipped before it is paid stays `shipped` when the payment arrives.
 * - Each milestone is recorded once: the first OrderPaid / OrderShipped / ShipmentDelivered /
 *   OrderCancelled wins; a repeat of the same kind changes nothing.
 * - After cancellation the status is frozen, but later payment, shipment and delivery facts are still
 *   recorded (their timestamps, details and a timeline entry): they really happened, and a payment
 *   that raced a cancellation is exactly what the customer and support need to see (a refund is due).
 * - ShipmentDelivered counts for the order even without an earlier OrderShipped (it then supplies the
 *   shipment id); its deliveredAt, when the carrier reported one, is the delivery time, else the event's.
 */
export const orderHistoryProjection = defineProjection<OrderHistoryDocument, OrderEventPayloads>({
  name: 'order-history',
  version: 1,
  aggregateType: 'Order',
  idField: 'orderId',
  handlers: {
    OrderPlaced: (doc, e) => doc ?? placed(e),
    OrderPaid: (doc, e) => {
      if (doc === null || doc.paidAt !== null) return doc;
      return derive({
        ...reach(doc, 'paid', e.occurredAt),
        paidAt: e.occurredAt,
        paymentId: e.data.paymentId,
        paymentMethod: e.data.method,
        paidMinor: e.data.amountMinor,
      });
    },
    OrderShipped: (doc, e) => {
      if (doc === null || doc.shippedAt !== null) return doc;
      return derive({
        ...reach(doc, 'shipped', e.occurredAt),
        shippedAt: e.occurredAt,
        shipmentId: e.data.shipmentId,
        carrier: e.data.carrier,
        trackingNumber: e.data.trackingNumber,
      });
    },
    ShipmentDelivered: (doc, e) => {
      if (doc === null || doc.deliveredAt !== null) return doc;
      const at = e.data.deliveredAt ?? e.occurredAt;
      return derive({ ...reach(doc, 'delivered', at), deliveredAt: at, shipmentId: doc.shipmentId ?? e.data.shipmentId });
    },
    OrderCancelled: (doc, e) => {
      if (doc === null || doc.cancelledAt !== null) return doc;
      return derive({
        ...reach(doc, 'cancelled', e.occurredAt),
        cancelledAt: e.occurredAt,
        cancelReason: e.data.reason,
        cancelledBy: e.data.cancelledBy,
        refundMinor: e.data.refundMinor ?? null,
      });
    },
  },
});
