import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { foldEvent } from '../../src/core/projections/projection.js';
import { orderHistoryProjection as projection } from '../../src/core/read-models/order-history/projection.js';
import { orderHistoryModel } from '../../src/core/read-models/order-history/model.js';
import type { OrderHistoryDocument } from '../../src/core/read-models/order-history/document.js';
import { orderEvents } from '../../src/core/read-models/order-history/event-builders.js';
import { ROOT, readFixtureEvents } from '../support/contracts.js';
import { projectionSpec } from '../support/projection-spec.js';

const spec = projectionSpec<OrderHistoryDocument>(orderHistoryModel);

describe('order-history projection', () => {
  it('given an order placed, paid, shipped and delivered, then a delivered order with its whole timeline', async () => {
    const o = orderEvents();
    await spec
      .given(o.placed(), o.paid(), o.shipped())
      .when(o.delivered('2026-03-01T10:03:30.000Z'))
      .deliveredTwice()
      .expectDocument({
        orderId: 'o1',
        customerId: 'cust-7',
        status: 'delivered',
        statusHistory: [
          { status: 'placed', at: '2026-03-01T10:01:00.000Z' },
          { status: 'paid', at: '2026-03-01T10:02:00.000Z' },
          { status: 'shipped', at: '2026-03-01T10:03:00.000Z' },
          { status: 'delivered', at: '2026-03-01T10:03:30.000Z' },
        ],
        channel: 'web',
        currency: 'EUR',
        lines: [
          {
            sku: 'AUD-HP-01',
            productId: 'prod-001',
            title: 'Over-Ear Headphones',
            quantity: 1,
            unitPriceMinor: 8999,
            lineTotalMinor: 8999,
          },
          { sku: 'FIT-FR-10', productId: 'prod-010', title: 'Foam Roller', quantity: 2, unitPriceMinor: 1999, lineTotalMinor: 3998 },
        ],
        itemCount: 3,
        totalMinor: 12997,
        total: 129.97,
        skus: ['AUD-HP-01', 'FIT-FR-10'],
        productIds: ['prod-001', 'prod-010'],
        shippingCountry: 'DE',
        shippingCity: 'Berlin',
        shippingPostalCode: '10115',
        placedAt: '2026-03-01T10:01:00.000Z',
        paidAt: '2026-03-01T10:02:00.000Z',
        shippedAt: '2026-03-01T10:03:00.000Z',
        deliveredAt: '2026-03-01T10:03:30.000Z',
        cancelledAt: null,
        paymentId: 'pay-o1',
        paymentMethod: 'card',
        paidMinor: 12997,
        shipmentId: 'shp-o1',
        carrier: 'DHL',
        trackingNumber: 'JD1234567890',
        cancelReason: null,
        cancelledBy: null,
        refundMinor: null,
        searchText: 'o1 AUD-HP-01 FIT-FR-10 Over-Ear Headphones Foam Roller DHL JD1234567890',
        lastAggregateVersion: 4,
        lastEventAt: '2026-03-01T10:04:00.000Z',
      });
  });

  it('given a delivery without a carrier time, then the event time is the delivery time', async () => {
    const o = orderEvents();
    const { doc } = await spec.given(o.placed(), o.paid(), o.shipped()).when(o.delivered()).run();
    expect(doc()).toMatchObject({ status: 'delivered', deliveredAt: '2026-03-01T10:04:00.000Z' });
  });

  it('given an order placed only, then it is open with nothing but the placement', async () => {
    const o = orderEvents();
    const { doc } = await spec.given().when(o.placed()).deliveredTwice().run();
    expect(doc()).toMatchObject({
      status: 'placed',
      statusHistory: [{ status: 'placed', at: '2026-03-01T10:01:00.000Z' }],
      paidAt: null,
      shippedAt: null,
      carrier: null,
      searchText: 'o1 AUD-HP-01 FIT-FR-10 Over-Ear Headphones Foam Roller',
      lastAggregateVersion: 1,
    });
  });

  it('given a cancellation before payment, then the order is cancelled with who and why, and no refund', async () => {
    const o = orderEvents();
    const { doc } = await spec
      .given(o.placed())
      .when(o.cancelled({ reason: 'payment not completed in time', cancelledBy: 'system' }))
      .run();
    expect(doc()).toMatchObject({
      status: 'cancelled',
      statusHistory: [
        { status: 'placed', at: '2026-03-01T10:01:00.000Z' },
        { status: 'cancelled', at: '2026-03-01T10:02:00.000Z' },
      ],
      cancelledAt: '2026-03-01T10:02:00.000Z',
      cancelReason: 'payment not completed in time',
      cancelledBy: 'system',
      refundMinor: null,
      paidAt: null,
    });
  });

  it('given a cancellation after payment, then the payment and the refund both show', async () => {
    const o = orderEvents();
    const { doc } = await spec
      .given(o.placed(), o.paid())
      .when(o.cancelled({ reason: 'item out of stock', cancelledBy: 'merchant', refundMinor: 12997 }))
      .deliveredTwice()
      .run();
    expect(doc()).toMatchObject({
      status: 'cancelled',
      paidAt: '2026-03-01T10:02:00.000Z',
      paidMinor: 12997,
      cancelledBy: 'merchant',
      refundMinor: 12997,
      statusHistory: [{ status: 'placed' }, { status: 'paid' }, { status: 'cancelled' }],
    });
  });

  it('given events after cancellation, then the status stays cancelled but the late facts are recorded', async () => {
    const o = orderEvents();
    const { doc } = await spec.given(o.placed(), o.cancelled()).when(o.paid(), o.shipped()).run();
    expect(doc()).toMatchObject({
      status: 'cancelled',
      cancelledAt: '2026-03-01T10:02:00.000Z',
      paidAt: '2026-03-01T10:03:00.000Z',
      paymentId: 'pay-o1',
      shippedAt: '2026-03-01T10:04:00.000Z',
      trackingNumber: 'JD1234567890',
      statusHistory: [{ status: 'placed' }, { status: 'cancelled' }, { status: 'paid' }, { status: 'shipped' }],
      lastAggregateVersion: 4,
    });
  });

  it('given an invoice order shipped and delivered before it is paid, then the status never moves backwards', async () => {
    const o = orderEvents();
    const { doc } = await spec
      .given(o.placed(), o.shipped(), o.delivered())
      .when(o.paid({ method: 'invoice' }))
      .run();
    expect(doc()).toMatchObject({
      status: 'delivered',
      paymentMethod: 'invoice',
      paidAt: '2026-03-01T10:04:00.000Z',
      statusHistory: [{ status: 'placed' }, { status: 'shipped' }, { status: 'delivered' }, { status: 'paid' }],
    });
  });

  it('given a repeated milestone, then the first one stands', async () => {
    const o = orderEvents();
    const { doc } = await spec
      .given(o.placed(), o.paid())
      .when(o.paid({ paymentId: 'pay-retry', amountMinor: 1 }), o.cancelled(), o.cancelled({ reason: 'again' }))
      .run();
    expect(doc()).toMatchObject({
      paymentId: 'pay-o1',
      paidMinor: 12997,
      paidAt: '2026-03-01T10:02:00.000Z',
      cancelReason: 'changed my mind',
      statusHistory: [{ status: 'placed' }, { status: 'paid' }, { status: 'cancelled' }],
      lastAggregateVersion: 5,
    });
  });

  it('given a second OrderPlaced for the same order, then the first placement stands', async () => {
    const o = orderEvents();
    const { doc } = await spec
      .given(o.placed())
      .when(o.placed({ customerId: 'someone-else', currency: 'USD' }))
      .run();
    expect(doc()).toMatchObject({ customerId: 'cust-7', currency: 'EUR', statusHistory: [{ status: 'placed' }], lastAggregateVersion: 2 });
  });

  it('given a delivery with no recorded shipment, then the order is delivered and takes its shipment id', async () => {
    const o = orderEvents();
    const { doc } = await spec.given(o.placed(), o.paid()).when(o.delivered()).run();
    expect(doc()).toMatchObject({ status: 'delivered', shipmentId: 'shp-o1', shippedAt: null, carrier: null });
  });

  it('given events for an order that was never placed, then no document appears, only a tombstone at their version', async () => {
    const o = orderEvents();
    const placed = o.placed();
    const early = [o.paid(), o.shipped(), o.delivered(), o.cancelled()];
    const { doc, states } = await spec
      .given()
      .when(...early)
      .deliveredTwice()
      .run();
    expect(doc()).toBeNull();
    expect(states.get('o1')).toEqual({ id: 'o1', version: 5, doc: null });
    // A placement with an older aggregate version is stale: the version guard, not the projection, decides.
    const late = foldEvent(projection, states.get('o1'), placed);
    expect(late.outcome).toBe('stale');
  });

  it('given events before OrderPlaced in the stream, then they are ignored and the order starts at its placement', async () => {
    const o = orderEvents();
    const paidEarly = o.paid();
    const placedAfter = o.placed();
    const { doc } = await spec.given(paidEarly).when(placedAfter).run();
    expect(doc()).toMatchObject({ status: 'placed', paidAt: null, paymentId: null, lastAggregateVersion: 2 });
  });

  it('version guard: an event not newer than the document is a no-op', () => {
    const o = orderEvents();
    const placed = o.placed();
    const paid = o.paid();
    const first = foldEvent(projection, undefined, placed);
    const second = foldEvent(projection, first.state, paid);
    expect(second.outcome).toBe('applied');
    const replayOld = foldEvent(projection, second.state, placed);
    expect(replayOld.outcome).toBe('stale');
    expect(replayOld.state).toBe(second.state);
    const replaySame = foldEvent(projection, second.state, paid);
    expect(replaySame.outcome).toBe('stale');
    expect(replaySame.state).toBe(second.state);
  });

  it('idempotency: replaying the whole fixture stream twice gives the same documents as once', async () => {
    const events = readFixtureEvents('order-history');
    const once = await spec.given(...events).run();
    const twice = await spec
      .given(...events)
      .when(...events)
      .run();
    expect(twice.outcomes.every((o) => o === 'stale')).toBe(true);
    expect([...twice.states.entries()]).toEqual([...once.states.entries()]);
    expect(once.states.size).toBe(15);
  });

  it('the committed fixtures fold into the documented mix of statuses, with totals matching their lines', async () => {
    const { states } = await spec.given(...readFixtureEvents('order-history')).run();
    const docs = [...states.values()].map((s) => s.doc!);
    const byStatus = new Map<string, number>();
    for (const d of docs) byStatus.set(d.status, (byStatus.get(d.status) ?? 0) + 1);
    // One cancelled before and one after payment, one invoice order paid after delivery, two still open.
    expect(Object.fromEntries(byStatus)).toEqual({ delivered: 11, cancelled: 2, paid: 1, shipped: 1 });
    expect(
      docs
        .filter((d) => d.status === 'cancelled')
        .map((d) => d.refundMinor !== null)
        .sort(),
    ).toEqual([false, true]);
    expect(docs.some((d) => d.paymentMethod === 'invoice' && d.paidAt! > d.deliveredAt!)).toBe(true);
    for (const d of docs) {
      expect(d.totalMinor).toBe(d.lines.reduce((n, l) => n + l.quantity * l.unitPriceMinor, 0));
      expect(d.total).toBe(d.totalMinor / 100);
      expect(d.itemCount).toBe(d.lines.reduce((n, l) => n + l.quantity, 0));
      expect(d.statusHistory[0]).toEqual({ status: 'placed', at: d.placedAt });
    }
  });

  it('is deterministic: same input, deep-equal output, with no clock or randomness', async () => {
    const events = readFixtureEvents('order-history');
    const a = await spec.given(...events).run();
    const b = await spec.given(...events).run();
    expect(JSON.stringify([...a.states])).toBe(JSON.stringify([...b.states]));
  });

  it('the mapping (dynamic strict) declares exactly the fields the projection writes', async () => {
    const mapping = JSON.parse(readFileSync(path.join(ROOT, 'mappings/order_history.v1.json'), 'utf8'));
    expect(mapping.mappings.dynamic).toBe('strict');
    const declared = (props: Record<string, { properties?: Record<string, unknown> }>, prefix = ''): string[] =>
      Object.entries(props).flatMap(([k, v]) => (v.properties ? declared(v.properties as never, `${prefix}${k}.`) : [`${prefix}${k}`]));
    const written = new Set<string>();
    const walk = (value: unknown, prefix: string) => {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const item = Array.isArray(v) ? v[0] : v;
        if (item !== null && typeof item === 'object') walk(item, `${prefix}${k}.`);
        else written.add(`${prefix}${k}`);
      }
    };
    const { states } = await spec.given(...readFixtureEvents('order-history')).run();
    for (const s of states.values()) walk(s.doc, '');
    expect([...written].sort()).toEqual(declared(mapping.mappings.properties).sort());
  });

  it('ignores event types it does not handle (product events on a shared topic)', () => {
    const o = orderEvents();
    const other = { ...o.placed(), eventType: 'ProductCreated' };
    expect(foldEvent(projection, undefined, other).outcome).toBe('ignored');
  });
});
