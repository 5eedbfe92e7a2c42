import { afterAll, describe, expect, it } from 'vitest';
import { createBatchProjector } from '../../src/app/batch-projector.js';
import { createDocStateCache } from '../../src/app/doc-state-cache.js';
import { replayRanges } from '../../src/app/replay-ranges.js';
import type { EventEnvelope } from '../../src/core/envelope.js';
import { createSeededRandom } from '../../src/core/fixtures/seeded-random.js';
import { createProgressBus } from '../../src/core/progress/progress-events.js';
import { partitionForKey } from '../../src/core/partitioning/murmur2-partition.js';
import { foldAll } from '../../src/core/projections/projection.js';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';
import type { ReadModelDefinition } from '../../src/core/read-model.js';
import { assetsFor } from '../support/assets.js';
import { messyProductStream } from '../support/messy-stream.js';
import { allDocs, rebuild } from '../support/rebuild-helpers.js';
import { independentKafkaClient } from '../support/kafkajs-client.js';
import { brokers, ENGINES, isolatedProductModel, kafkaSource, publishEvents, sinkFor, uniqueName } from '../support/services.js';

/** The reference: every event folded from scratch in delivery order (each aggregate's order in Kafka). */
async function referenceFold(model: ReadModelDefinition, events: readonly EventEnvelope[]) {
  const { validator } = await assetsFor(model);
  const upcast = events.map((e) => {
    const r = validator.validate(structuredClone(e));
    if (!r.ok) throw new Error(`generated an invalid event: ${JSON.stringify(r)}`);
    return r.envelope;
  });
  const out = new Map<string, Record<string, unknown>>();
  for (const s of foldAll(model.projection, upcast).values()) if (s.doc) out.set(s.id, s.doc as Record<string, unknown>);
  return out;
}

const SEEDS = [101, 202, 303];

describe.each(ENGINES)('the rebuilt index equals the reference fold whatever the batch, cache and hold sizes on %s', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  it.each(SEEDS)('seed %i: duplicates, stale redeliveries, out-of-order versions, deletes and re-creates', async (seed) => {
    const rnd = createSeededRandom(seed);
    const stream = messyProductStream({ seed, products: rnd.int(20, 60), updates: rnd.int(150, 400) });
    expect(stream.duplicates + stream.staleRedeliveries + stream.swapped).toBeGreaterThan(10);
    const model = isolatedProductModel();
    await publishEvents(model.topic, 3, stream.events);
    const expected = await referenceFold(model, stream.events);

    const base = await rebuild(model, sink);
    expect(await allDocs(sink, base.manifest.index)).toEqual(expected);
    expect(base.manifest.counts!.documents).toBe(expected.size);

    // Tiny batches and caches, batches holding far more documents than the cache, writes sent with
    // every batch (hold 0) and held writes sent early many times over (a hold far below the catalogue).
    const runs: Array<[number, number, number]> = [
      [rnd.int(1, 10), rnd.int(1, 10), rnd.int(1, 5)],
      [rnd.int(11, 400), rnd.int(1, 10), 0],
      [rnd.int(1, 400), rnd.int(1, 80), rnd.int(6, 40)],
      [rnd.int(1, 400), rnd.int(1, 80), 0],
    ];
    for (const [batchSize, cacheSize, holdWrites] of runs) {
      const what = `batch ${batchSize}, cache ${cacheSize}, hold ${holdWrites}`;
      const r = await rebuild(model, sink, { force: true, batchSize, cacheSize, holdWrites });
      const docs = await allDocs(sink, r.manifest.index);
      expect(docs, what).toEqual(expected);
      expect(r.manifest.checksum, what).toBe(base.manifest.checksum);
      expect(r.manifest.counts!.documents, what).toBe(expected.size);
    }
  });

  it('regression: a long-lived catalogue with a cache far smaller than the catalogue rebuilds exactly, run after run', async () => {
    // The reported scenario scaled down: every later event may hit a product evicted long ago.
    const stream = messyProductStream({ seed: 4242, products: 400, updates: 1600 });
    const model = isolatedProductModel();
    await publishEvents(model.topic, 3, stream.events);
    const expected = await referenceFold(model, stream.events);

    const big = await rebuild(model, sink, { batchSize: 2000, cacheSize: 100 });
    expect(await allDocs(sink, big.manifest.index)).toEqual(expected);
    const again = await rebuild(model, sink, { force: true, batchSize: 2000, cacheSize: 100 });
    expect(again.manifest.checksum).toBe(big.manifest.checksum);
    const small = await rebuild(model, sink, { force: true, batchSize: 50, cacheSize: 100 });
    expect(small.manifest.checksum).toBe(big.manifest.checksum);
    expect(await allDocs(sink, small.manifest.index)).toEqual(expected);

    // The fold's own count of documents matches the index (what the self-check compares).
    const assets = await assetsFor(model);
    const index = uniqueName('fold_count');
    await sink.createIndex(index, {
      settings: { ...(assets.mapping.settings ?? {}), number_of_replicas: 0 },
      mappings: assets.mapping.mappings ?? {},
    });
    const source = kafkaSource();
    try {
      const projector = createBatchProjector({
        projection: model.projection,
        validator: assets.validator,
        sink,
        target: index,
        cache: createDocStateCache(30),
        onInvalid: 'stop',
        exclusiveFreshTarget: true,
        progress: createProgressBus(),
      });
      const marks = await source.watermarks(model.topic);
      await replayRanges({
        source,
        projector,
        progress: createProgressBus(),
        topic: model.topic,
        ranges: marks.map((m) => ({ partition: m.partition, start: m.low, end: m.high })),
        batchSize: 70,
      });
      await sink.refresh(index);
      expect(projector.documentCount).toBe(expected.size);
      expect(await sink.count(index)).toBe(expected.size);
    } finally {
      await source.close();
      await sink.deleteIndex(index);
    }
  });

  it('a producer that places records itself: a document whose last event sits in a later partition is read back, not taken as new', async () => {
    // Partitions are read one after another and a finished one's live documents leave the ledger;
    // an event for one of them placed (by a custom partitioner, same key) in a later partition must
    // fold onto the stored document.
    const events = [...generateProductEvents({ products: 60, seed: 77, updates: 600 })].map((g) => g.envelope);
    const lastOf = new Map<string, number>();
    events.forEach((e, i) => lastOf.set(e.aggregateId, i));
    const moved = new Set([...lastOf].filter(([id]) => partitionForKey(id, 3) === 0).map(([, i]) => i));
    expect(moved.size).toBeGreaterThan(5);
    const placed = events.map((e, i) => (moved.has(i) ? 2 : partitionForKey(e.aggregateId, 3)));
    const model = isolatedProductModel();
    await publishEvents(model.topic, 3, []);
    const producer = independentKafkaClient(brokers()).producer();
    await producer.connect();
    try {
      const messages = events.map((e, i) => ({ key: e.aggregateId, value: JSON.stringify(e), partition: placed[i]! }));
      for (let i = 0; i < messages.length; i += 500) await producer.send({ topic: model.topic, messages: messages.slice(i, i + 500) });
    } finally {
      await producer.disconnect();
    }
    // The order the rebuild reads: partition by partition, each in offset order; the moved events
    // are their documents' last, so it folds to the same documents as the publishing order.
    const expected = await referenceFold(model, events);
    expect(
      await referenceFold(
        model,
        [0, 1, 2].flatMap((p) => events.filter((_, i) => placed[i] === p)),
      ),
    ).toEqual(expected);

    for (const holdWrites of [0, 7, 50_000]) {
      const r = await rebuild(model, sink, { force: true, batchSize: 40, cacheSize: 5, holdWrites });
      expect(await allDocs(sink, r.manifest.index), `hold ${holdWrites}`).toEqual(expected);
      expect(r.manifest.counts!.documents).toBe(expected.size);
    }
  });

  it('a build whose index was changed behind its back fails (TARGET_CHANGED) instead of folding onto it', async () => {
    const model = isolatedProductModel();
    const assets = await assetsFor(model);
    const events = messyProductStream({ seed: 7, products: 6, updates: 40 }).events;
    const records = events.map((e, offset) => ({
      topic: model.topic,
      partition: 0,
      offset,
      key: e.aggregateId,
      value: Buffer.from(JSON.stringify(e)),
      timestamp: 0,
    }));
    const index = uniqueName('fold_changed');
    await sink.createIndex(index, {
      settings: { ...(assets.mapping.settings ?? {}), number_of_replicas: 0 },
      mappings: assets.mapping.mappings ?? {},
    });
    try {
      const projector = createBatchProjector({
        projection: model.projection,
        validator: assets.validator,
        sink,
        target: index,
        cache: createDocStateCache(0),
        onInvalid: 'stop',
        exclusiveFreshTarget: true,
        progress: createProgressBus(),
      });
      await projector.process(records.slice(0, 60));
      await projector.flush();
      // Someone deletes a document the build wrote (or a concurrent build overwrites it).
      const victim = [...(await allDocs(sink, index)).keys()][0]!;
      await sink.bulk(index, [{ action: 'delete', id: victim, version: 10_000 }]);
      const later = records.slice(60).filter((r) => r.key === victim);
      expect(later.length).toBeGreaterThan(0);
      await expect(projector.process(later)).rejects.toMatchObject({ code: 'TARGET_CHANGED', exitCode: 8 });
    } finally {
      await sink.deleteIndex(index);
    }
  });
});
