import { afterAll, describe, expect, it } from 'vitest';
import { runAliasRollback, runAliasSwap } from '../../src/app/run-alias.js';
import { runConsume } from '../../src/app/run-consume.js';
import { createProgressBus } from '../../src/core/progress/progress-events.js';
import { foldAll } from '../../src/core/projections/projection.js';
import { aliasName } from '../../src/core/read-model.js';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';
import { assetsFor } from '../support/assets.js';
import { productValidator, readFixtureEvents } from '../support/contracts.js';
import { allDocs, rebuild } from '../support/rebuild-helpers.js';
import {
  ENGINES,
  isolatedProductModel,
  kafkaAdmin,
  kafkaPublisher,
  publishEvents,
  sinkFor,
  modelGroupConsumer,
} from '../support/services.js';

const progress = () => createProgressBus();

async function expectedDocs(events = readFixtureEvents()) {
  const v = await productValidator();
  const upcast = events.map((e) => {
    const r = v.validate(e);
    if (!r.ok) throw new Error('invalid');
    return r.envelope;
  });
  const out = new Map<string, Record<string, unknown>>();
  for (const s of foldAll(
    (await import('../../src/core/read-models/product-search/projection.js')).productSearchProjection,
    upcast,
  ).values()) {
    if (s.doc) out.set(s.id, s.doc as unknown as Record<string, unknown>);
  }
  return out;
}

describe.each(ENGINES)('rebuild product-search on %s (real Kafka and engine)', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  it('rebuilds, swaps the alias, and a query through the alias finds the published products', async () => {
    const model = isolatedProductModel();
    await publishEvents(model.topic, 3, readFixtureEvents());
    const { outcome, manifest } = await rebuild(model, sink);
    expect(outcome).toBe('built');
    expect(manifest.index).toMatch(new RegExp(`^${model.indexBase}_v1_[0-9a-f]{10}$`));
    expect(manifest.counts).toMatchObject({ eventsRead: readFixtureEvents().length, eventsSkipped: 0 });
    const expected = await expectedDocs();
    expect(manifest.counts!.documents).toBe(expected.size);

    // Settings restored after the load.
    const settings = await sink.getSettings(manifest.index);
    expect(settings['index.refresh_interval']).toBe('1s');

    await runAliasSwap({ model, to: manifest.index }, { sink, progress: progress() });
    const alias = aliasName(model);
    expect(await sink.aliasTargets(alias)).toEqual([manifest.index]);
    const published = [...expected.values()].filter((d) => d.published);
    const r = await sink.search(alias, { query: { term: { published: true } }, size: 100, track_total_hits: true });
    expect(r.total).toBe(published.length);
    expect(new Set(r.hits.map((h) => h.id))).toEqual(new Set(published.map((d) => d.productId as string)));
    // Documents equal the pure fold of the events.
    expect(await allDocs(sink, alias)).toEqual(expected);
  });

  it('rebuilding twice gives the same checksum and identical documents; a re-run is "already built"', async () => {
    const model = isolatedProductModel();
    await publishEvents(model.topic, 3, readFixtureEvents());
    const first = await rebuild(model, sink);
    const docs1 = await allDocs(sink, first.manifest.index);
    const again = await rebuild(model, sink);
    expect(again.outcome).toBe('already-built');
    expect(again.manifest.checksum).toBe(first.manifest.checksum);
    const forced = await rebuild(model, sink, { force: true });
    expect(forced.outcome).toBe('built');
    expect(forced.manifest.checksum).toBe(first.manifest.checksum);
    expect(await allDocs(sink, forced.manifest.index)).toEqual(docs1);
  });

  it('stops at the snapshotted end offsets while a producer keeps writing', async () => {
    const model = isolatedProductModel();
    await publishEvents(
      model.topic,
      3,
      [...generateProductEvents({ products: 300, seed: 11 })].map((g) => g.envelope),
    );
    const publisher = kafkaPublisher();
    let producing = true;
    let extra = 0;
    const producer = (async () => {
      const more = generateProductEvents({ products: 5000, seed: 12, idPrefix: 'late' });
      while (producing) {
        const batch = [];
        for (let i = 0; i < 50; i++) {
          const n = more.next();
          if (n.done) break;
          batch.push({ key: n.value.envelope.aggregateId, value: JSON.stringify(n.value.envelope) });
        }
        await publisher.publish(model.topic, batch);
        extra += batch.length;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 200));
      const { manifest } = await rebuild(model, sink, { batchSize: 200 });
      const planned = manifest.ranges.reduce((n, r) => n + r.end - r.start, 0);
      expect(manifest.counts!.eventsRead).toBe(planned);
      producing = false;
      await producer;
      const source = (await import('../support/services.js')).kafkaSource();
      const now = await source.watermarks(model.topic);
      await source.close();
      // The producer wrote past the snapshot, and the rebuild did not follow it.
      const high = now.reduce((n, w) => n + w.high, 0);
      expect(high).toBeGreaterThan(manifest.ranges.reduce((n, r) => n + r.end, 0));
      expect(extra).toBeGreaterThan(0);
    } finally {
      producing = false;
      await producer.catch(() => undefined);
      await publisher.close();
    }
  });

  it('the live consumer and a rebuild over the same events produce identical documents; the rebuild leaves the group untouched', async () => {
    const model = isolatedProductModel();
    const events = [...generateProductEvents({ products: 150, seed: 21 })].map((g) => g.envelope);
    await publishEvents(model.topic, 3, events);
    const assets = await assetsFor(model);
    const liveIndex = `${model.indexBase}_live`;
    await sink.createIndex(liveIndex, assets.mapping);

    const admin = kafkaAdmin();
    await admin.connect();
    const controller = new AbortController();
    const consumer = modelGroupConsumer(model);
    const running = runConsume(
      { assets, onInvalid: 'stop', target: liveIndex, signal: controller.signal },
      { consumer, sink, progress: progress() },
    );
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        // A young group's coordinator may still be moving: that answer is retriable, not a failure.
        const offsets = await admin.fetchOffsets({ groupId: model.consumerGroup, topics: [model.topic] }).catch((err) => {
          if ((err as { retriable?: boolean }).retriable) return undefined;
          throw err;
        });
        if (!offsets) {
          await new Promise((r) => setTimeout(r, 250));
          continue;
        }
        const committed = offsets[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
        if (committed === events.length) break;
        if (Date.now() > deadline) throw new Error(`consumer did not catch up: ${committed}/${events.length}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const groupsBefore = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
      const committedBefore = await admin.fetchOffsets({ groupId: model.consumerGroup, topics: [model.topic] });

      const { manifest } = await rebuild(model, sink);

      const groupsAfter = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
      const committedAfter = await admin.fetchOffsets({ groupId: model.consumerGroup, topics: [model.topic] });
      expect(groupsAfter).toEqual(groupsBefore);
      expect(committedAfter).toEqual(committedBefore);

      const live = await allDocs(sink, liveIndex);
      const rebuilt = await allDocs(sink, manifest.index);
      expect(live.size).toBeGreaterThan(100);
      expect(rebuilt).toEqual(live);
    } finally {
      controller.abort();
      await running.catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('an invalid event stops the default rebuild with where and why, and leaves the alias as it was', async () => {
    const model = isolatedProductModel();
    const good = readFixtureEvents();
    await publishEvents(model.topic, 1, good);
    const first = await rebuild(model, sink);
    await runAliasSwap({ model, to: first.manifest.index }, { sink, progress: progress() });

    const broken = {
      ...good[3]!,
      eventId: '11111111-2222-4333-8444-555555555555',
      aggregateVersion: 999,
      data: { rating: 9, count: 1 },
      eventType: 'ReviewSummaryUpdated',
    };
    await publishEvents(model.topic, 1, [broken]);
    // A new build (projection v99) of the same topic: its own index, never the live one.
    const changedModel = { ...model, projection: { ...model.projection, version: 99 } };
    const err = await rebuild(changedModel, sink).catch((e) => e);
    expect(err).toMatchObject({
      code: 'CONTRACT_VIOLATION',
      exitCode: 4,
      context: { topic: model.topic, partition: 0, offset: good.length, eventId: broken.eventId, pointer: '/data/rating', rule: 'maximum' },
    });
    expect(err.message).toContain(`${model.topic}/0@${good.length}`);
    expect(await sink.aliasTargets(aliasName(model))).toEqual([first.manifest.index]);

    // With --on-invalid skip the same run completes (rebuilding the incomplete index) and reports what it skipped.
    const skipped = await rebuild(changedModel, sink, { onInvalid: 'skip' });
    expect(skipped.manifest.counts!.eventsSkipped).toBe(1);
    expect(skipped.manifest.skipped).toEqual([
      { partition: 0, offset: good.length, eventId: broken.eventId, reason: expect.stringContaining('/data/rating maximum') },
    ]);
    expect(await sink.aliasTargets(aliasName(model))).toEqual([first.manifest.index]);
  });

  it('swap refuses an incomplete index and one built for another model; rollback restores the previous index', async () => {
    const model = isolatedProductModel();
    await publishEvents(model.topic, 2, readFixtureEvents());
    const a = await rebuild(model, sink);
    await runAliasSwap({ model, to: a.manifest.index }, { sink, progress: progress() });

    const incomplete = `${model.indexBase}_v1_00000000aa`;
    await sink.createIndex(incomplete, { mappings: { _meta: { readmodel: { ...a.manifest, index: incomplete, status: 'building' } } } });
    await expect(runAliasSwap({ model, to: incomplete }, { sink, progress: progress() })).rejects.toMatchObject({
      code: 'INDEX_INCOMPLETE',
      exitCode: 7,
    });
    const foreign = `${model.indexBase}_v1_00000000bb`;
    await sink.createIndex(foreign, { mappings: { _meta: { readmodel: { ...a.manifest, model: 'order-history', index: foreign } } } });
    await expect(runAliasSwap({ model, to: foreign }, { sink, progress: progress() })).rejects.toMatchObject({ code: 'WRONG_MODEL' });
    expect(await sink.aliasTargets(aliasName(model))).toEqual([a.manifest.index]);

    const b = await rebuild({ ...model, projection: { ...model.projection, version: 2 } }, sink);
    expect(b.manifest.index).not.toBe(a.manifest.index);
    const swap = await runAliasSwap({ model, to: b.manifest.index }, { sink, progress: progress() });
    expect(swap).toMatchObject({ from: a.manifest.index, to: b.manifest.index });
    expect(await sink.aliasTargets(aliasName(model))).toEqual([b.manifest.index]);

    const back = await runAliasRollback({ model }, { sink, progress: progress() });
    expect(back).toMatchObject({ from: b.manifest.index, to: a.manifest.index, record: { action: 'rollback' } });
    expect(await sink.aliasTargets(aliasName(model))).toEqual([a.manifest.index]);
    // The old index was kept, so rolling back was instant; the newer one is kept too.
    expect(await sink.indexExists(b.manifest.index)).toBe(true);
    await expect(runAliasRollback({ model }, { sink, progress: progress() })).rejects.toMatchObject({ code: 'NO_ROLLBACK' });
  });
});
