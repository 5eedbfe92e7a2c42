import { afterAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../src/core/envelope.js';
import { availabilityModel } from '../../src/core/read-models/availability/model.js';
import type { AvailabilityDocument } from '../../src/core/read-models/availability/document.js';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';
import { allDocs, rebuild } from '../support/rebuild-helpers.js';
import { projectionSpec } from '../support/projection-spec.js';
import { ENGINES, publishEvents, sinkFor, uniqueName } from '../support/services.js';

/** The reference: the pure fold of the events through the engine's decode path, live documents only. */
async function expectedDocs(events: EventEnvelope[]) {
  const { states } = await projectionSpec<AvailabilityDocument>(availabilityModel)
    .given(...events)
    .run();
  const out = new Map<string, Record<string, unknown>>();
  for (const s of states.values()) if (s.doc) out.set(s.id, { ...s.doc });
  return out;
}

describe.each(ENGINES)('rebuild availability on %s (real Kafka and engine)', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  it('rebuilds the inventory view from the product topic with the unchanged engine; documents equal the reference fold', async () => {
    // The availability model on its own topic, index names and group: isolated per test.
    const id = uniqueName('t');
    const model = { ...availabilityModel, topic: `product-events-${id}`, indexBase: `av_${id}`, consumerGroup: `readmodel.test.${id}` };
    // A long-lived catalogue: deletions, re-creations and stock moved on deleted products.
    const events = [...generateProductEvents({ products: 60, seed: 11, catalogue: 'long-lived', updates: 240 })].map((g) => g.envelope);
    await publishEvents(model.topic, 3, events);

    const { outcome, manifest } = await rebuild(model, sink);
    expect(outcome).toBe('built');
    expect(manifest.projection).toEqual({ name: 'availability', version: 1 });
    expect(manifest.index).toMatch(new RegExp(`^${model.indexBase}_v1_[0-9a-f]{10}$`));
    const handled = events.filter((e) => availabilityModel.projection.handles.includes(e.eventType)).length;
    expect(manifest.counts).toMatchObject({
      eventsRead: events.length,
      eventsApplied: handled,
      eventsIgnored: events.length - handled,
      eventsSkipped: 0,
    });

    const expected = await expectedDocs(events);
    expect(expected.size).toBeGreaterThan(40);
    expect(manifest.counts!.documents).toBe(expected.size);
    expect(await allDocs(sink, manifest.index, 'productId')).toEqual(expected);

    // The view answers its questions with core field types: what is out of stock, what is low.
    const out = [...expected.values()].filter((d) => d.availability === 'out_of_stock').length;
    const r = await sink.search(manifest.index, { query: { term: { inStock: false } }, size: 0, track_total_hits: true });
    expect(r.total).toBe(out);
  });
});
