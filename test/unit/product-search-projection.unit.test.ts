import { describe, expect, it } from 'vitest';
import { foldAll, foldEvent } from '../../src/core/projections/projection.js';
import { productSearchProjection as projection } from '../../src/core/read-models/product-search/projection.js';
import type { EventEnvelope } from '../../src/core/envelope.js';
import { productEvents } from '../../src/core/read-models/product-search/event-builders.js';
import { productValidator, readFixtureEvents } from '../support/contracts.js';

/** Given these events (validated and upcast like the engine does), the read model holds this. */
async function given(...events: EventEnvelope[]) {
  const validator = await productValidator();
  const upcast = events.map((e) => {
    const r = validator.validate(e);
    if (!r.ok) throw new Error(`test event invalid: ${JSON.stringify(r.violation)}`);
    return r.envelope;
  });
  const states = foldAll(projection, upcast);
  return { doc: (id = 'p1') => states.get(id)?.doc ?? null, states };
}

describe('product-search projection', () => {
  it('given a created and published product, then a searchable document with derived fields', async () => {
    const p = productEvents();
    const { doc } = await given(p.created(), p.published());
    expect(doc()).toEqual({
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
    expect((await given(p.created(), p.stock(-6))).doc()).toMatchObject({ stockQuantity: 4, availability: 'low_stock' });
    const q = productEvents();
    expect((await given(q.created(), q.stock(-25))).doc()).toMatchObject({ stockQuantity: 0, availability: 'out_of_stock' });
  });

  it('given an update with a null attribute, then that attribute is removed and others merge', async () => {
    const p = productEvents();
    const { doc } = await given(p.created(), p.updated({ attributes: { color: null, size: 'L' }, title: 'Acme Pro 2' }));
    expect(doc()).toMatchObject({
      title: 'Acme Pro 2',
      attributes: { brand: 'Acme', size: 'L' },
      attributeFacets: ['brand=Acme', 'size=L'],
    });
  });

  it('given a v1 decimal price update, then it is upcast to minor units', async () => {
    const p = productEvents();
    const { doc } = await given(p.created(), p.priceV1(19.99));
    expect(doc()).toMatchObject({ priceMinor: 1999, price: 19.99, priceRange: '10-25', onSale: false });
  });

  it('given a v2 price below its compare-at price, then the product is on sale', async () => {
    const p = productEvents();
    const { doc } = await given(p.created(), p.priceV2(4999, 6999));
    expect(doc()).toMatchObject({ priceMinor: 4999, compareAtMinor: 6999, onSale: true, priceRange: '25-50' });
  });

  it('given reviews on a published product, then the ranking score reflects the shrunk rating', async () => {
    const p = productEvents();
    const { doc } = await given(p.created(), p.published(), p.reviews(4.8, 1000));
    expect(doc()).toMatchObject({ rating: 4.8, reviewCount: 1000, rankingScore: 91.446 });
  });

  it('given an unpublished product, then it is not published and ranks zero', async () => {
    const p = productEvents();
    const { doc } = await given(p.created(), p.published(), p.unpublished());
    expect(doc()).toMatchObject({ published: false, publicationState: 'unpublished', rankingScore: 0 });
  });

  it('given a deleted product, then there is no document (a tombstone at its version)', async () => {
    const p = productEvents();
    const { doc, states } = await given(p.created(), p.published(), p.deleted());
    expect(doc()).toBeNull();
    expect(states.get('p1')).toEqual({ id: 'p1', version: 3, doc: null });
  });

  it('given events for a product that was never created, then no document appears', async () => {
    const p = productEvents();
    const all = [p.created(), p.stock(5)];
    const { doc } = await given(all[1]!);
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
    const once = await given(...events);
    const twice = await given(...events, ...events);
    expect([...twice.states.entries()]).toEqual([...once.states.entries()]);
    expect(once.states.size).toBe(12);
  });

  it('is deterministic: same input, deep-equal output, with no clock or randomness', async () => {
    const events = readFixtureEvents();
    const a = await given(...events);
    const b = await given(...events);
    expect(JSON.stringify([...a.states])).toBe(JSON.stringify([...b.states]));
  });

  it('ignores event types it does not handle', () => {
    const p = productEvents();
    const other = { ...p.created(), eventType: 'SomethingElse' };
    expect(foldEvent(projection, undefined, other).outcome).toBe('ignored');
  });
});
