export type OrderStatus = 'placed' | 'paid' | 'shipped' | 'delivered' | 'cancelled';
import type { CancelledBy, PaymentMethod } from './events.js';

/** One milestone of the order's timeline, in the order the events happened. */
export interface StatusChange {
  status: OrderStatus;
  at: string;
}

/**
 * An order line as placed. Lines are a plain object array in the mapping (not `nested`): the view
 * never asks "a line with sku X AND quantity Y", and nested documents would inflate the engine's
 * document counts that `alias list` shows.
 */
export interface OrderLine {
  sku: string;
  productId: string;
  title: string;
  quantity: number;
  unitPriceMinor: number;
  lineTotalMinor: number;
}

/** One customer's order as their order history shows it. Field names are the index mapping's. */
export interface OrderHistoryDocument {
  orderId: string;
  customerId: string;
  /** `cancelled` once cancelled; otherwise the furthest stage reached (placed < paid < shipped < delivered). */
  status: OrderStatus;
  statusHistory: StatusChange[];
  channel: string;
  currency: string;
  lines: OrderLine[];
  /** Units over all lines (sum of quantities). */
  itemCount: number;
  /** Sum of the line totals, in minor units. */
  totalMinor: number;
  total: number;
  /** Every sku / product id on the order: "orders containing X" is a term query. */
  skus: string[];
  productIds: string[];
  shippingCountry: string;
  shippingCity: string;
  shippingPostalCode: string;
  placedAt: string;
  paidAt: string | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  cancelledAt: string | null;
  paymentId: string | null;
  paymentMethod: PaymentMethod | null;
  /** What the payment captured (may differ from totalMinor: shipping, discounts). */
  paidMinor: number | null;
  shipmentId: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  cancelReason: string | null;
  cancelledBy: CancelledBy | null;
  refundMinor: number | null;
  /** Order id, skus, titles, carrier and tracking number: the free text a customer searches their orders by. */
  searchText: string;
  lastAggregateVersion?: number;
  lastEventAt?: string;
}
