import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';
import { PRODUCT_FIXTURE } from '../../src/core/read-models/product-search/fixture-settings.js';
import { ROOT } from '../support/contracts.js';

describe('product event generator', () => {
  it('is deterministic: the committed fixtures are exactly what the seed produces', () => {
    const committed = readFileSync(path.join(ROOT, 'fixtures/product-search/events.ndjson'), 'utf8');
    const regenerated = [...generateProductEvents(PRODUCT_FIXTURE)].map((g) => JSON.stringify(g.envelope)).join('\n') + '\n';
    expect(regenerated).toBe(committed);
  });

  it('different seeds give different streams', () => {
    const a = [...generateProductEvents({ products: 5, seed: 1 })].map((g) => g.envelope.eventId);
    const b = [...generateProductEvents({ products: 5, seed: 2 })].map((g) => g.envelope.eventId);
    expect(a).not.toEqual(b);
  });

  it('keeps aggregate versions strictly increasing per product and time ordered overall', () => {
    const last = new Map<string, number>();
    let prevTime = '';
    let count = 0;
    for (const { envelope: e } of generateProductEvents({ products: 300, seed: 5 })) {
      count++;
      expect(e.aggregateVersion).toBe((last.get(e.aggregateId) ?? 0) + 1);
      last.set(e.aggregateId, e.aggregateVersion);
      expect(e.occurredAt >= prevTime).toBe(true);
      prevTime = e.occurredAt;
    }
    expect(last.size).toBe(300);
    // A realistic mix: several events per product on average.
    expect(count / 300).toBeGreaterThan(5);
  });

  it('produces a realistic mix of every product event type', () => {
    const types = new Map<string, number>();
    for (const { envelope: e } of generateProductEvents({ products: 500, seed: 3 })) {
      const k = `${e.eventType}.v${e.eventVersion}`;
      types.set(k, (types.get(k) ?? 0) + 1);
    }
    for (const k of [
      'ProductCreated.v1',
      'ProductUpdated.v1',
      'ProductPublished.v1',
      'ProductUnpublished.v1',
      'PriceUpdated.v1',
      'PriceUpdated.v2',
      'StockAdjusted.v1',
      'ReviewSummaryUpdated.v1',
      'ProductDeleted.v1',
    ])
      expect(types.get(k) ?? 0, k).toBeGreaterThan(0);
  });

  describe('long-lived catalogue', () => {
    const opts = { products: 400, seed: 9, catalogue: 'long-lived', updates: 3000 } as const;

    it('is deterministic per seed, and different seeds differ', () => {
      const a = [...generateProductEvents(opts)].map((g) => JSON.stringify(g.envelope));
      const b = [...generateProductEvents(opts)].map((g) => JSON.stringify(g.envelope));
      const c = [...generateProductEvents({ ...opts, seed: 10 })].map((g) => JSON.stringify(g.envelope));
      expect(a).toEqual(b);
      expect(a).not.toEqual(c);
    });

    it('starts with exactly the default stream, then adds the requested number of later events', () => {
      const recent = [...generateProductEvents({ products: 400, seed: 9 })].map((g) => JSON.stringify(g.envelope));
      const long = [...generateProductEvents(opts)].map((g) => JSON.stringify(g.envelope));
      expect(long.slice(0, recent.length)).toEqual(recent);
      expect(long.length - recent.length).toBe(3000);
      const byDefault = [...generateProductEvents({ products: 400, seed: 9, catalogue: 'long-lived' })];
      expect(byDefault.length - recent.length).toBe(800);
    });

    it('later events reach old products uniformly, delete and re-create them, and keep versions and time ordered', () => {
      const recentCount = [...generateProductEvents({ products: 400, seed: 9 })].length;
      const last = new Map<string, number>();
      let prevTime = '';
      const touched = new Map<string, number>();
      const types = new Map<string, number>();
      let recreated = 0;
      const deleted = new Set<string>();
      [...generateProductEvents(opts)].forEach(({ envelope: e }, i) => {
        expect(e.aggregateVersion).toBe((last.get(e.aggregateId) ?? 0) + 1);
        last.set(e.aggregateId, e.aggregateVersion);
        expect(e.occurredAt >= prevTime).toBe(true);
        prevTime = e.occurredAt;
        if (i >= recentCount) {
          touched.set(e.aggregateId, (touched.get(e.aggregateId) ?? 0) + 1);
          types.set(e.eventType, (types.get(e.eventType) ?? 0) + 1);
          if (e.eventType === 'ProductCreated' && deleted.has(e.aggregateId)) recreated++;
        }
        if (e.eventType === 'ProductDeleted') deleted.add(e.aggregateId);
        if (e.eventType === 'ProductCreated') deleted.delete(e.aggregateId);
      });
      // The oldest products (the first 10% created) get their share of the later events.
      const oldest = [...last.keys()].sort().slice(0, 40);
      const toOldest = oldest.reduce((n, id) => n + (touched.get(id) ?? 0), 0);
      expect(toOldest).toBeGreaterThan(3000 * 0.1 * 0.6);
      expect(touched.size).toBeGreaterThan(400 * 0.95);
      expect(types.get('ProductDeleted') ?? 0).toBeGreaterThan(0);
      expect(recreated).toBeGreaterThan(0);
      for (const t of [
        'PriceUpdated',
        'StockAdjusted',
        'ReviewSummaryUpdated',
        'ProductUpdated',
        'ProductPublished',
        'ProductUnpublished',
      ]) {
        expect(types.get(t) ?? 0, t).toBeGreaterThan(0);
      }
    });
  });
});
