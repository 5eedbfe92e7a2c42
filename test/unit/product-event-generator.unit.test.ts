import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateProductEvents } from '../../src/core/fixtures/product-event-generator.js';
import { PRODUCT_FIXTURE } from '../support/fixture-settings.js';
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
      'ProductCreated.v1', 'ProductUpdated.v1', 'ProductPublished.v1', 'ProductUnpublished.v1',
      'PriceUpdated.v1', 'PriceUpdated.v2', 'StockAdjusted.v1', 'ReviewSummaryUpdated.v1', 'ProductDeleted.v1',
    ]) expect(types.get(k) ?? 0, k).toBeGreaterThan(0);
  });
});
