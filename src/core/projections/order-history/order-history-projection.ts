import type { EventEnvelope } from '../../envelope.js';
import type { Projection } from '../projection.js';
import type { CancelledBy, OrderHistoryDocument, OrderLine, OrderStatus, PaymentMethod } from './order-history-document.js';

type Data = Record<string, unknown>;

export const ORDER_EVENTS = ['OrderPlaced', 'OrderPaid', 'OrderShipped', 'ShipmentDelivered', 'OrderCancelled'] as const;

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

function placed(e: EventEnvelope): OrderHistoryDocument {
  const d = e.data as Data;
  const address = d.shippingAddress as { country: string; city: string; postalCode: string };
  const lines: OrderLine[] = (d.lines as Array<Omit<OrderLine, 'lineTotalMinor'>>).map((l) => ({
    sku: l.sku,
    productId: l.productId,
    title: l.title,
    quantity: l.quantity,
    unitPriceMinor: l.unitPriceMinor,
    lineTotalMinor: l.quantity * l.unitPriceMinor,
  }));
  return derive({
    orderId: e.aggregateId,
    customerId: d.customerId as string,
    status: 'placed',
    statusHistory: [{ status: 'placed', at: e.occurredAt }],
    channel: d.channel as string,
    currency: d.currency as string,
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
export const orderHistoryProjection: Projection<OrderHistoryDocument> = {
  name: 'order-history',
  version: 1,
  aggregateType: 'Order',
  handles: ORDER_EVENTS,
  idField: 'orderId',
  documentId: (e) => e.aggregateId,
  apply(doc, e) {
    if (e.eventType === 'OrderPlaced') return doc ?? placed(e);
    if (doc === null) return null;
    const d = e.data as Data;
    switch (e.eventType) {
      case 'OrderPaid':
        if (doc.paidAt !== null) return doc;
        return derive({
          ...reach(doc, 'paid', e.occurredAt),
          paidAt: e.occurredAt,
          paymentId: d.paymentId as string,
          paymentMethod: d.method as PaymentMethod,
          paidMinor: d.amountMinor as number,
        });
      case 'OrderShipped':
        if (doc.shippedAt !== null) return doc;
        return derive({
          ...reach(doc, 'shipped', e.occurredAt),
          shippedAt: e.occurredAt,
          shipmentId: d.shipmentId as string,
          carrier: d.carrier as string,
          trackingNumber: d.trackingNumber as string,
        });
      case 'ShipmentDelivered': {
        if (doc.deliveredAt !== null) return doc;
        const at = (d.deliveredAt as string | undefined) ?? e.occurredAt;
        return derive({ ...reach(doc, 'delivered', at), deliveredAt: at, shipmentId: doc.shipmentId ?? (d.shipmentId as string) });
      }
      case 'OrderCancelled':
        if (doc.cancelledAt !== null) return doc;
        return derive({
          ...reach(doc, 'cancelled', e.occurredAt),
          cancelledAt: e.occurredAt,
          cancelReason: d.reason as string,
          cancelledBy: d.cancelledBy as CancelledBy,
          refundMinor: (d.refundMinor as number | undefined) ?? null,
        });
      default:
        return doc;
    }
  },
};
