import { WRITE_LOG_INDEX } from '../../src/app/write-log.js';
import { afterAll, describe, expect, it } from 'vitest';
import { runAliasSwap } from '../../src/app/run-alias.js';
import { runConsume } from '../../src/app/run-consume.js';
import { runReplay } from '../../src/app/run-replay.js';
import { gatesFor } from '../../src/app/swap-gates.js';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';
import { partitionForKey } from '../../src/core/partitioning/murmur2-partition.js';
import { createProgressBus } from '../../src/core/progress/progress-events.js';
import { foldAll } from '../../src/core/projections/projection.js';
import { aliasName } from '../../src/core/read-model.js';
import type { EventEnvelope } from '../../src/core/envelope.js';
import { assetsFor } from '../support/assets.js';
import { allDocs, rebuild } from '../support/rebuild-helpers.js';
import {
  ENGINES,
  isolatedProductModel,
  kafkaPublisher,
  kafkaSource,
  publishEvents,
  sinkFor,
  modelGroupConsumer,
} from '../support/services.js';

/** Reads the whole topic back and folds it: the ground truth the read model must equal. */
async function foldOfTopic(topic: string, model: ReturnType<typeof isolatedProductModel>) {
  const assets = await assetsFor(model);
  const source = kafkaSource();
  const marks = await source.watermarks(topic);
  const events: EventEnvelope[] = [];
  for await (const b of source.readRanges({ topic, ranges: marks.map((m) => ({ partition: m.partition, start: m.low, end: m.high })) })) {
    for (const r of b) {
      const v = assets.validator.validate(JSON.parse(r.value!.toString()));
      if (v.ok) events.push(v.envelope);
    }
  }
  await source.close();
  // Per-aggregate order is what matters; sort to make the fold independent of partition interleaving.
  events.sort((a, b) =>
    a.aggregateId === b.aggregateId ? a.aggregateVersion - b.aggregateVersion : a.aggregateId < b.aggregateId ? -1 : 1,
  );
  const out = new Map<string, Record<string, unknown>>();
  for (const s of foldAll(model.projection, events).values()) if (s.doc) out.set(s.id, s.doc as unknown as Record<string, unknown>);
  return out;
}

describe.each(ENGINES)('partial replay and zero-loss cutover on %s (real Kafka and engine)', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  it('replays one aggregate by scanning only its partition, restores a corrupted document, and touches nothing else', async () => {
    const model = isolatedProductModel();
    const events = [...generateProductEvents({ products: 120, seed: 31 })].map((g) => g.envelope);
    await publishEvents(model.topic, 4, events);
    const built = await rebuild(model, sink);
    await runAliasSwap({ model, to: built.manifest.index }, { sink, progress: createProgressBus() });
    const before = await allDocs(sink, built.manifest.index);

    const victim = [...before.keys()][7]!;
    const original = before.get(victim)!;
    const version = original.lastAggregateVersion as number;
    // A buggy writer corrupts the document in place, at its current version.
    await sink.bulk(
      built.manifest.index,
      [{ action: 'index', id: victim, version, doc: { ...original, title: 'CORRUPTED', priceMinor: 0 } }],
      { versionType: 'external_gte' },
    );
    await sink.refresh(built.manifest.index);
    expect((await sink.getMany(built.manifest.index, [victim])).get(victim)!.doc.title).toBe('CORRUPTED');

    const assets = await assetsFor(model);
    const source = kafkaSource();
    const dry = await runReplay({ assets, aggregateIds: [victim], dryRun: true }, { source, sink, progress: createProgressBus() });
    expect(dry.documents).toEqual([{ id: victim, version, action: 'index', doc: original }]);
    expect((await sink.getMany(built.manifest.index, [victim])).get(victim)!.doc.title).toBe('CORRUPTED');

    const r = await runReplay({ assets, aggregateIds: [victim] }, { source, sink, progress: createProgressBus() });
    await source.close();
    const partition = partitionForKey(victim, 4);
    const inPartition = built.manifest.ranges.find((x) => x.partition === partition)!;
    expect(r.partitions.map((p) => p.partition)).toEqual([partition]);
    expect(r.eventsScanned).toBe(inPartition.end - inPartition.start);
    expect(r.eventsScanned).toBeLessThan(events.length);
    expect(r.eventsMatched).toBe(events.filter((e) => e.aggregateId === victim).length);
    expect(r).toMatchObject({ written: 1, keptNewer: 0, target: built.manifest.index });

    const after = await allDocs(sink, built.manifest.index);
    expect(after.get(victim)).toEqual(original);
    expect(after).toEqual(before);
  });

  it('a replay never overwrites newer state the live consumer wrote meanwhile', async () => {
    const model = isolatedProductModel();
    const events = [...generateProductEvents({ products: 20, seed: 32 })].map((g) => g.envelope);
    await publishEvents(model.topic, 2, events);
    const built = await rebuild(model, sink);
    const id = events[0]!.aggregateId;
    const stored = (await sink.getMany(built.manifest.index, [id])).get(id)!;
    const newer = { ...stored.doc, title: 'newer from live', lastAggregateVersion: stored.version + 5 };
    await sink.bulk(built.manifest.index, [{ action: 'index', id, version: stored.version + 5, doc: newer }]);
    const source = kafkaSource();
    const r = await runReplay(
      { assets: await assetsFor(model), aggregateIds: [id], toIndex: built.manifest.index },
      { source, sink, progress: createProgressBus() },
    );
    await source.close();
    expect(r).toMatchObject({ written: 0, keptNewer: 1 });
    expect((await sink.getMany(built.manifest.index, [id])).get(id)!.doc.title).toBe('newer from live');
  });

  it('rebuild --swap loses nothing while a producer writes through the whole cutover and the live consumer runs', async () => {
    const model = isolatedProductModel();
    // A long-lived catalogue: after 400 products are created, events keep updating, deleting and
    // re-creating products picked from the whole catalogue, before and all through the cutover.
    const catalogue = generateProductEvents({ products: 400, seed: 41, catalogue: 'long-lived', updates: 1_000_000 });
    const take = (n: number) => Array.from({ length: n }, () => catalogue.next().value!.envelope);
    await publishEvents(model.topic, 3, take(6000));
    const first = await rebuild(model, sink);
    await runAliasSwap({ model, to: first.manifest.index }, { sink, progress: createProgressBus() });

    // The live consumer keeps the current index up to date through the alias.
    const assets = await assetsFor(model);
    const controller = new AbortController();
    const consumer = modelGroupConsumer(model);
    const history = kafkaSource();
    const consuming = runConsume(
      { assets, onInvalid: 'stop', signal: controller.signal },
      { consumer, sink, source: history, progress: createProgressBus() },
    );

    const publisher = kafkaPublisher();
    let producing = true;
    const producer = (async () => {
      // Updates, deletes and re-creations of any existing product, all through the cutover.
      while (producing) {
        // About 300 events/s: steady pressure, yet slow enough that a loaded 2-core CI machine's rebuild
        // (cache 50, so old products are read back) still converges within a few catch-up rounds.
        const batch = take(10);
        await publisher.publish(
          model.topic,
          batch.map((e) => ({ key: e.aggregateId, value: JSON.stringify(e) })),
        );
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 300));
      const v2 = { ...model, projection: { ...model.projection, version: 2 } };
      // A cache far smaller than the catalogue: old products' states are evicted and read back.
      const result = await rebuild(v2, sink, {
        batchSize: 100,
        cacheSize: 50,
        swap: { gates: gatesFor(v2, { maxCountDrift: 10, maxChangedShare: 1 }, sink), maxLag: 200, maxRounds: 5 },
      });
      expect(result.swap).toMatchObject({ from: first.manifest.index, to: result.manifest.index });
      expect(result.manifest.cutover).toBeDefined();
      // The write log went with the checkpoints; the final round after the swap logged nothing more.
      await sink.refresh(WRITE_LOG_INDEX);
      expect(await sink.count(WRITE_LOG_INDEX, { term: { index: result.manifest.index } })).toBe(0);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      producing = false;
      await producer;
      await publisher.close();
    }

    // Let the live consumer drain what is left, then stop it.
    const expected = await foldOfTopic(model.topic, model);
    const deadline = Date.now() + 60_000;
    let actual = await allDocs(sink, aliasName(model));
    while (actual.size !== expected.size || JSON.stringify([...actual].sort()) !== JSON.stringify([...expected].sort())) {
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
      actual = await allDocs(sink, aliasName(model));
    }
    controller.abort();
    await consuming;
    await history.close();
    expect(actual.size).toBe(expected.size);
    expect(actual).toEqual(expected);
  });
});
