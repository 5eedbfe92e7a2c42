import { describe, expect, it } from 'vitest';
import { foldEvent } from '../../src/core/projections/projection.js';
import { productSearchProjection as projection } from '../../src/core/read-models/product-search/projection.js';
import { productSearchModel } from '../../src/core/read-models/product-search/model.js';
import type { ProductSearchDocument } from '../../src/core/read-models/product-search/document.js';
import { productEvents } from '../../src/core/read-models/product-search/event-builders.js';
import { readFixtureEvents } from '../support/contracts.js';
import { projectionSpec } from '../support/projection-spec.js';

const spec = projectionSpec<ProductSearchDocument>(productSearchModel);
describe('product-search projection', () => {
  it('given a created and published product, then a searchable document with derived fields', async () => {
    const p = productEvents();
    await spec
      .given(p.created())
      .when(p.published())
      .deliveredTwice()
      .expectDocument({
        productId: 'p1',
        sku: 'SKU-1',
        title: 'Acme Pro Headphones',
        description: 'Closed-back headphones',
        categoryPath: ['Electronics', 'Electronics/Audio', 'Electronics/Audio/Headphones'],
        category: 'Headphones',
        priceMinor: 12999,
        price: 129.99,
        currency: 'EUR',
        priceRange: '100-250',
        compareAtMinor: null,
        onSale: false,
        attributes: { color: 'black', brand: 'Acme' },
        attributeFacets: ['brand=Acme', 'color=black'],
        stockQuantity: 10,
        availability: 'in_stock',
        sellerId: 'seller-7',
        sellerScore: 80,
        rating: 0,
        reviewCount: 0,
        published: true,
        publicationState: 'published',
        publishedAt: '2026-03-01T10:02:00.000Z',
        rankingScore: 76,
        createdAt: '2026-03-01T10:01:00.000Z',
        updatedAt: '2026-03-01T10:02:00.000Z',
        lastAggregateVersion: 2,
        lastEventAt: '2026-03-01T10:02:00.000Z',
      });
  });

  it('given stock running down, then availability moves from in stock to low to out, never below zero', async () => {
    const p = productEvents();
    expect((await spec.given(p.created()).when(p.stock(-6)).deliveredTwice().run()).doc()).toMatchObject({
      stockQuantity: 4,
      availability: 'low_stock',
    });
    const q = productEvents();
    expect((await spec.given(q.created()).when(q.stock(-25)).run()).doc()).toMatchObject({
      stockQuantity: 0,
      availability: 'out_of_stock',
    });
  });

  it('given an update with a null attribute, then that attribute is removed and others merge', async () => {
    const p = productEvents();
    const { doc } = await spec
      .given(p.created())
      .when(p.updated({ attributes: { color: null, size: 'L' }, title: 'Acme Pro 2' }))
      .run();
    expect(doc()).toMatchObject({
      title: 'Acme Pro 2',
      attributes: { brand: 'Acme', size: 'L' },
      attributeFacets: ['brand=Acme', 'size=L'],
    });
  });

  it('given a v1 decimal price update, then it is upcast to minor units', async () => {
    const p = productEvents();
    const { doc } = await spec.given(p.created()).when(p.priceV1(19.99)).deliveredTwice().run();
    expect(doc()).toMatchObject({ priceMinor: 1999, price: 19.99, priceRange: '10-25', onSale: false });
  });

  it('given a v2 price below its compare-at price, then the product is on sale', async () => {
    const p = productEvents();
    const { doc } = await spec.given(p.created()).when(p.priceV2(4999, 6999)).run();
    expect(doc()).toMatchObject({ priceMinor: 4999, compareAtMinor: 6999, onSale: true, priceRange: '25-50' });
  });

  it('given reviews on a published product, then the ranking score reflects the shrunk rating', async () => {
    const p = productEvents();
    const { doc } = await spec.given(p.created(), p.published()).when(p.reviews(4.8, 1000)).run();
    expect(doc()).toMatchObject({ rating: 4.8, reviewCount: 1000, rankingScore: 91.446 });
  });

  it('given an unpublished product, then it is not published and ranks zero', async () => {
    const p = productEvents();
    const { doc } = await spec.given(p.created(), p.published()).when(p.unpublished()).run();
    expect(doc()).toMatchObject({ published: false, publicationState: 'unpublished', rankingScore: 0 });
  });

  it('given a deleted product, then there is no document (a tombstone at its version)', async () => {
    const p = productEvents();
    const { doc, states } = await spec.given(p.created(), p.published()).when(p.deleted()).deliveredTwice().run();
    expect(doc()).toBeNull();
    expect(states.get('p1')).toEqual({ id: 'p1', version: 3, doc: null });
  });

  it('given events for a product that was never created, then no document appears', async () => {
    const p = productEvents();
    const all = [p.created(), p.stock(5)];
    const { doc } = await spec.given().when(all[1]!).run();
    expect(doc()).toBeNull();
  });

  it('version guard: an event not newer than the document is a no-op', async () => {
    const p = productEvents();
    const created = p.created();
    const price = p.priceV2(5000);
    const first = foldEvent(projection, undefined, created);
    const second = foldEvent(projection, first.state, price);
    expect(second.outcome).toBe('applied');
    const replayOld = foldEvent(projection, second.state, created);
    expect(replayOld.outcome).toBe('stale');
    expect(replayOld.state).toBe(second.state);
    const replaySame = foldEvent(projection, second.state, price);
    expect(replaySame.outcome).toBe('stale');
  });

  it('idempotency: replaying the whole fixture stream twice gives the same documents as once', async () => {
    const events = readFixtureEvents();
    const once = await spec.given(...events).run();
    const twice = await spec
      .given(...events)
      .when(...events)
      .run();
    expect(twice.outcomes.every((o) => o === 'stale')).toBe(true);
    expect([...twice.states.entries()]).toEqual([...once.states.entries()]);
    expect(once.states.size).toBe(12);
  });

  it('is deterministic: same input, deep-equal output, with no clock or randomness', async () => {
    const events = readFixtureEvents();
    const a = await spec.given(...events).run();
    const b = await spec.given(...events).run();
    expect(JSON.stringify([...a.states])).toBe(JSON.stringify([...b.states]));
  });

  it('an event the engine would refuse fails the spec, naming the rule', async () => {
    const p = productEvents();
    await expect(spec.given(p.created()).when(p.stock(1.5)).run()).rejects.toThrow(/refuse.*"\/data\/delta"/);
    const wrongKey = { ...p.created(), aggregateId: '' };
    await expect(spec.given(wrongKey).run()).rejects.toThrow(/refuse/);
  });

  it('ignores event types it does not handle', () => {
    const p = productEvents();
    const other = { ...p.created(), eventType: 'SomethingElse' };
    expect(foldEvent(projection, undefined, other).outcome).toBe('ignored');
  });
});
