import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEventValidator } from '../../src/core/contracts/event-validator.js';
import { loadContracts } from '../../src/app/load-contracts.js';
import { generateOrderEvents } from '../../src/core/read-models/order-history/fixture-generator.js';
import { orderHistoryModel } from '../../src/core/read-models/order-history/model.js';
import { orderHistoryProjection } from '../../src/core/read-models/order-history/projection.js';
import { findModel } from '../../src/core/read-models/catalog.js';
import { ROOT, readFixtureEvents, readInvalidFixtures } from '../support/contracts.js';
import { ORDER_FIXTURE } from '../../src/core/read-models/order-history/fixture-settings.js';

const orderValidator = async () => createEventValidator(await loadContracts(path.join(ROOT, 'contracts')), []);

describe('order event contracts', () => {
  it('every order event type has exactly one v1 contract on the Order aggregate, titled by its type', async () => {
    const v = await orderValidator();
    for (const t of orderHistoryProjection.handles) {
      const cs = v.contracts.filter((c) => c.eventType === t);
      expect(
        cs.map((c) => [c.version, c.aggregateType, c.schema.title]),
        t,
      ).toEqual([[1, 'Order', t]]);
      expect(cs[0]!.schema.additionalProperties, t).toBe(false);
      expect(cs[0]!.schema.$id).toBe(`https://readmodel.dev/contracts/events/${cs[0]!.file.replace('events/', '')}`);
    }
  });

  it('every committed fixture event validates', async () => {
    const v = await orderValidator();
    const events = readFixtureEvents('order-history');
    expect(events.length).toBeGreaterThan(40);
    for (const e of events) {
      const r = v.validate(e);
      expect(r.ok, JSON.stringify(!r.ok && r.violation)).toBe(true);
    }
  });

  const invalid = readInvalidFixtures('order-history');
  it('ships at least four invalid examples, each with its reason', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(4);
    for (const f of invalid) expect(f.reason.length, f.file).toBeGreaterThan(0);
  });

  for (const f of invalid) {
    it(`invalid fixture ${f.file} fails at ${f.expect.pointer} by rule ${f.expect.rule}`, async () => {
      const v = await orderValidator();
      const r = v.validate(f.event);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.violation.pointer).toBe(f.expect.pointer);
      expect(r.violation.rule).toBe(f.expect.rule);
    });
  }

  it('a ShipmentDelivered time must be a date-time when present', async () => {
    const v = await orderValidator();
    const r = v.validate({
      eventId: '6f1c2a34-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
      eventType: 'ShipmentDelivered',
      eventVersion: 1,
      aggregateType: 'Order',
      aggregateId: 'o1',
      aggregateVersion: 4,
      occurredAt: '2026-01-01T00:00:00Z',
      data: { shipmentId: 'shp-o1', deliveredAt: 'this morning' },
    });
    expect(r).toMatchObject({
      ok: false,
      violation: { pointer: '/data/deliveredAt', rule: 'format', schemaFile: 'events/shipment_delivered.v1.json' },
    });
  });

  it('generated invalid events fail exactly where the generator says', async () => {
    const v = await orderValidator();
    let invalidCount = 0;
    const rules = new Set<string>();
    for (const g of generateOrderEvents({ orders: 1000, seed: 9, invalidRate: 0.2 })) {
      const r = v.validate(g.envelope);
      if (g.invalid) {
        invalidCount++;
        rules.add(`${g.invalid.pointer} ${g.invalid.rule}`);
        expect(r.ok).toBe(false);
        if (!r.ok) expect({ pointer: r.violation.pointer, rule: r.violation.rule }).toEqual(g.invalid);
      } else {
        expect(r.ok, JSON.stringify(!r.ok && r.violation)).toBe(true);
      }
    }
    expect(invalidCount).toBeGreaterThan(400);
    // Every breakage occurs, not only the fallback.
    expect(rules.size).toBe(6);
  });
});

describe('order event generator', () => {
  it('is deterministic: the committed fixtures are exactly what the seed produces', () => {
    const committed = readFileSync(path.join(ROOT, 'fixtures/order-history/events.ndjson'), 'utf8');
    const regenerated = [...generateOrderEvents(ORDER_FIXTURE)].map((g) => JSON.stringify(g.envelope)).join('\n') + '\n';
    expect(regenerated).toBe(committed);
  });

  it('different seeds give different streams', () => {
    const a = [...generateOrderEvents({ orders: 5, seed: 1 })].map((g) => g.envelope.eventId);
    const b = [...generateOrderEvents({ orders: 5, seed: 2 })].map((g) => g.envelope.eventId);
    expect(a).not.toEqual(b);
  });

  it('keeps aggregate versions strictly increasing per order, starts every order with OrderPlaced, and is time ordered', () => {
    const last = new Map<string, number>();
    let prevTime = '';
    for (const { envelope: e } of generateOrderEvents({ orders: 500, seed: 5 })) {
      expect(e.aggregateType).toBe('Order');
      expect(e.aggregateVersion).toBe((last.get(e.aggregateId) ?? 0) + 1);
      if (e.aggregateVersion === 1) expect(e.eventType).toBe('OrderPlaced');
      last.set(e.aggregateId, e.aggregateVersion);
      expect(e.occurredAt >= prevTime).toBe(true);
      prevTime = e.occurredAt;
    }
    expect(last.size).toBe(500);
  });

  it('produces a realistic mix: most orders delivered, some cancelled before or after payment, some open', () => {
    const seqs = new Map<string, string[]>();
    const customers = new Map<string, number>();
    for (const { envelope: e } of generateOrderEvents({ orders: 1000, seed: 3 })) {
      seqs.set(e.aggregateId, [...(seqs.get(e.aggregateId) ?? []), e.eventType]);
      if (e.eventType === 'OrderPlaced') {
        const c = e.data.customerId as string;
        customers.set(c, (customers.get(c) ?? 0) + 1);
      }
    }
    const all = [...seqs.values()];
    const share = (f: (s: string[]) => boolean) => all.filter(f).length / all.length;
    expect(share((s) => s.includes('ShipmentDelivered'))).toBeGreaterThan(0.6);
    expect(share((s) => s.join() === 'OrderPlaced,OrderCancelled')).toBeGreaterThan(0.03);
    expect(share((s) => s.join() === 'OrderPlaced,OrderPaid,OrderCancelled')).toBeGreaterThan(0.03);
    expect(share((s) => !s.includes('ShipmentDelivered') && !s.includes('OrderCancelled'))).toBeGreaterThan(0.1);
    // Invoice orders: shipped before they are paid.
    expect(share((s) => s[1] === 'OrderShipped')).toBeGreaterThan(0.03);
    // Customers reorder: per-customer queries return several orders.
    expect(customers.size).toBeLessThan(1000 / 2);
    expect([...customers.values()].filter((n) => n >= 3).length).toBeGreaterThan(50);
  });

  it('is registered as a built-in model whose fixtures are this generator', () => {
    expect(findModel('order-history')).toBe(orderHistoryModel);
    const viaModel = [...orderHistoryModel.generateFixtures!({ count: 3, seed: 4 })];
    expect(viaModel).toEqual([...generateOrderEvents({ orders: 3, seed: 4 })]);
  });
});
