import { describe, expect, it } from 'vitest';
import { availabilityModel } from '../../src/core/read-models/availability/model.js';
import type { AvailabilityDocument } from '../../src/core/read-models/availability/document.js';
import { productEvents } from '../../src/core/read-models/product-search/event-builders.js';
import { readFixtureEvents } from '../support/contracts.js';
import { projectionSpec } from '../support/projection-spec.js';

const spec = projectionSpec<AvailabilityDocument>(availabilityModel);

describe('availability projection', () => {
  it('given a created product, then its initial stock is the position, in stock', async () => {
    const p = productEvents();
    await spec.given().when(p.created()).deliveredTwice().expectDocument({
      productId: 'p1',
      sku: 'SKU-1',
      stockQuantity: 10,
      availability: 'in_stock',
      inStock: true,
      lastChange: 'created',
      lastDelta: 10,
      lastChangedAt: '2026-03-01T10:01:00.000Z',
      lastAggregateVersion: 1,
      lastEventAt: '2026-03-01T10:01:00.000Z',
    });
  });

  it('given a sale, then the quantity drops, availability follows and the last change is the sale', async () => {
    const p = productEvents();
    await spec.given(p.created()).when(p.stock(-6)).deliveredTwice().expectDocument({
      productId: 'p1',
      sku: 'SKU-1',
      stockQuantity: 4,
      availability: 'low_stock',
      inStock: true,
      lastChange: 'sale',
      lastDelta: -6,
      lastChangedAt: '2026-03-01T10:02:00.000Z',
      lastAggregateVersion: 2,
      lastEventAt: '2026-03-01T10:02:00.000Z',
    });
  });

  it('given an oversold adjustment, then the quantity stops at zero and the product is out of stock', async () => {
    const p = productEvents();
    const { doc } = await spec.given(p.created()).when(p.stock(-25)).run();
    expect(doc()).toMatchObject({ stockQuantity: 0, availability: 'out_of_stock', inStock: false, lastDelta: -25 });
  });

  it('given a product created without initial stock, then a restock brings it in stock', async () => {
    const p = productEvents();
    const { doc } = await spec
      .given(p.created({ initialStock: undefined }))
      .when(p.stock(3))
      .run();
    expect(doc()).toMatchObject({ stockQuantity: 3, availability: 'low_stock', inStock: true, lastChange: 'restock' });
  });

  it('ignores product events that do not move stock: the document and its version stay as they were', async () => {
    const p = productEvents();
    const r = await spec.given(p.created()).when(p.published(), p.priceV2(4999), p.reviews(4, 3)).run();
    expect(r.outcomes).toEqual(['ignored', 'ignored', 'ignored']);
    expect(r.doc()).toMatchObject({ stockQuantity: 10, lastChange: 'created', lastAggregateVersion: 1 });
  });

  it('given a deleted product, then there is no document; stock moved after deletion changes nothing', async () => {
    const p = productEvents();
    const { doc, states } = await spec.given(p.created(), p.stock(5)).when(p.deleted(), p.stock(7)).deliveredTwice().run();
    expect(doc()).toBeNull();
    expect(states.get('p1')).toEqual({ id: 'p1', version: 4, doc: null });
  });

  it('given a product re-created after deletion, then it starts again from its new initial stock', async () => {
    const p = productEvents();
    const { doc } = await spec
      .given(p.created(), p.stock(-9), p.deleted())
      .when(p.created({ initialStock: 2 }))
      .run();
    expect(doc()).toMatchObject({ stockQuantity: 2, availability: 'low_stock', lastChange: 'created', lastAggregateVersion: 4 });
  });

  it('given stock adjusted on a product never created, then no document appears', async () => {
    const p = productEvents('p9');
    const { doc } = await spec.given().when(p.stock(4)).run();
    expect(doc()).toBeNull();
  });

  it('agrees with product search on every committed fixture product: same quantity and availability', async () => {
    const { productSearchModel } = await import('../../src/core/read-models/product-search/model.js');
    const events = readFixtureEvents('availability');
    const mine = await spec.given(...events).run();
    const search = await projectionSpec(productSearchModel)
      .given(...events)
      .run();
    expect(mine.states.size).toBe(12);
    for (const [id, s] of mine.states) {
      const other = search.states.get(id)!.doc as { stockQuantity: number; availability: string } | null;
      expect(s.doc && { q: s.doc.stockQuantity, a: s.doc.availability }, id).toEqual(
        other && { q: other.stockQuantity, a: other.availability },
      );
    }
  });
});
