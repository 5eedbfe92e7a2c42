import { describe, expect, it } from 'vitest';
import { readFixtureEvents, readInvalidFixtures, productValidator } from '../support/contracts.js';
import { priceUpdatedV1ToV2 } from '../../src/core/read-models/product-search/upcasters.js';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';

describe('event contracts', () => {
  it('every committed fixture event validates', async () => {
    const v = await productValidator();
    const events = readFixtureEvents();
    expect(events.length).toBeGreaterThan(50);
    for (const e of events) {
      const r = v.validate(e);
      expect(r.ok, JSON.stringify(!r.ok && r.violation)).toBe(true);
    }
  });

  it('covers every product event type, with PriceUpdated in two versions', async () => {
    const v = await productValidator();
    const types = new Set(v.contracts.map((c) => c.eventType));
    for (const t of [
      'ProductCreated',
      'ProductUpdated',
      'ProductPublished',
      'ProductUnpublished',
      'PriceUpdated',
      'StockAdjusted',
      'ReviewSummaryUpdated',
      'ProductDeleted',
    ])
      expect(types).toContain(t);
    expect(v.latestVersion('PriceUpdated')).toBe(2);
  });

  for (const f of readInvalidFixtures()) {
    it(`invalid fixture ${f.file} fails at ${f.expect.pointer} by rule ${f.expect.rule}`, async () => {
      const v = await productValidator();
      const r = v.validate(f.event);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.violation.pointer).toBe(f.expect.pointer);
      expect(r.violation.rule).toBe(f.expect.rule);
    });
  }

  it('a violation names the event type, version and id', async () => {
    const v = await productValidator();
    const r = v.validate({
      eventId: '6f1c2a34-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
      eventType: 'StockAdjusted',
      eventVersion: 1,
      aggregateType: 'Product',
      aggregateId: 'p1',
      aggregateVersion: 2,
      occurredAt: '2026-01-01T00:00:00Z',
      data: { delta: 'many', reason: 'sale' },
    });
    expect(r).toMatchObject({
      ok: false,
      violation: {
        eventType: 'StockAdjusted',
        eventVersion: 1,
        eventId: '6f1c2a34-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
        pointer: '/data/delta',
        rule: 'type',
        schemaFile: 'events/stock_adjusted.v1.json',
      },
    });
  });

  it('upcasts PriceUpdated v1 to v2 and reports the upcast', async () => {
    const v = await productValidator();
    const r = v.validate({
      eventId: '6f1c2a34-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
      eventType: 'PriceUpdated',
      eventVersion: 1,
      aggregateType: 'Product',
      aggregateId: 'p1',
      aggregateVersion: 2,
      occurredAt: '2026-01-01T00:00:00Z',
      data: { price: 10.1, currency: 'EUR' },
    });
    expect(r).toMatchObject({ ok: true, upcastFrom: 1, envelope: { eventVersion: 2, data: { amountMinor: 1010, currency: 'EUR' } } });
    expect(priceUpdatedV1ToV2.upcast({ price: 0.29, currency: 'EUR' })).toEqual({ amountMinor: 29, currency: 'EUR' });
  });

  it('generated invalid events fail exactly where the generator says', async () => {
    const v = await productValidator();
    let invalid = 0;
    for (const g of generateProductEvents({ products: 200, seed: 9, invalidRate: 0.05 })) {
      const r = v.validate(g.envelope);
      if (g.invalid) {
        invalid++;
        expect(r.ok).toBe(false);
        if (!r.ok) expect({ pointer: r.violation.pointer, rule: r.violation.rule }).toEqual(g.invalid);
      } else {
        expect(r.ok, JSON.stringify(!r.ok && r.violation)).toBe(true);
      }
    }
    expect(invalid).toBeGreaterThan(20);
  });
});
