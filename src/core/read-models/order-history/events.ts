/**
 * The payloads of the order events this read model folds, at their newest contract versions
 * (contracts/events/order_*.json, shipment_delivered.v1.json). Optional here means optional in the
 * contract's `required`.
 */
export type Channel = 'web' | 'app' | 'marketplace' | 'phone';
export type PaymentMethod = 'card' | 'paypal' | 'invoice' | 'giftcard';
export type CancelledBy = 'customer' | 'merchant' | 'system';

export interface PlacedLine {
  sku: string;
  productId: string;
  title: string;
  quantity: number;
  unitPriceMinor: number;
}

export interface ShippingAddress {
  /** ISO 3166-1 alpha-2. */
  country: string;
  city: string;
  postalCode: string;
}

export interface OrderPlaced {
  customerId: string;
  currency: string;
  lines: PlacedLine[];
  shippingAddress: ShippingAddress;
  channel: Channel;
}

export interface OrderPaid {
  paymentId: string;
  method: PaymentMethod;
  amountMinor: number;
}

export interface OrderShipped {
  shipmentId: string;
  carrier: string;
  trackingNumber: string;
}

export interface ShipmentDelivered {
  shipmentId: string;
  /** When the carrier handed it over, if it reported that. */
  deliveredAt?: string;
}

export interface OrderCancelled {
  reason: string;
  cancelledBy: CancelledBy;
  refundMinor?: number;
}

/** Event type -> payload, for every order event. */
export interface OrderEventPayloads {
  OrderPlaced: OrderPlaced;
  OrderPaid: OrderPaid;
  OrderShipped: OrderShipped;
  ShipmentDelivered: ShipmentDelivered;
  OrderCancelled: OrderCancelled;
}
