import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/app/checkpoint-store.js';
import { indexChecksum } from '../../src/app/index-checksum.js';
import { readManifest } from '../../src/app/read-manifest.js';
import { runSeal } from '../../src/app/seal-build.js';
import type { SearchSink } from '../../src/core/ports/search-sink.js';
import { createProgressBus } from '../../src/core/progress/progress-events.js';
import { parseShard } from '../../src/core/rebuild/shard-spec.js';
import { assetsFor } from '../support/assets.js';
import { dyingSource } from '../support/dying-process.js';
import { messyProductStream } from '../support/messy-stream.js';
import { allDocs, rebuild } from '../support/rebuild-helpers.js';
import { ENGINES, isolatedProductModel, kafkaSource, publishEvents, sinkFor } from '../support/services.js';

/** A sink whose first final-settings request (the start of finalize) fails, as if the process died there. */
function dyingInFinalize(sink: SearchSink): SearchSink {
  let failed = false;
  return new Proxy(sink, {
    get(target, prop) {
      if (prop === 'putSettings') {
        return async (index: string, settings: Record<string, unknown>) => {
          if (!failed) {
            failed = true;
            throw new Error('simulated crash in finalize');
          }
          return target.putSettings(index, settings);
        };
      }
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe.each(ENGINES)('resumable and sharded rebuilds on %s (real Kafka and engine)', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  /** A messy long-lived catalogue on 3 partitions, and its uninterrupted single-run rebuild. */
  async function reference() {
    const model = isolatedProductModel();
    const stream = messyProductStream({ seed: 31, products: 250, updates: 2500 });
    await publishEvents(model.topic, 3, stream.events);
    const built = await rebuild(model, sink, { batchSize: 97, cacheSize: 40 });
    return { model, events: stream.events.length, built, docs: await allDocs(sink, built.manifest.index) };
  }
  const sameTopic = (model: { topic: string }) => isolatedProductModel({ topic: model.topic });

  it('the checksum computed while writing equals the one read back from the index (one definition)', async () => {
    const ref = await reference();
    const read = await indexChecksum(sink, ref.built.manifest.index, 'productId');
    expect(read.checksum).toBe(ref.built.manifest.checksum);
    expect(read.documents).toBe(ref.docs.size);
    // --verify reads it back before marking complete, and agrees.
    const verified = await rebuild(sameTopic(ref.model), sink, { verify: true });
    expect(verified.manifest.checksum).toBe(ref.built.manifest.checksum);
  });

  it('a rebuild that dies mid-replay continues from its checkpoint: identical documents and checksum', async () => {
    const ref = await reference();
    const model = sameTopic(ref.model);
    const opts = { batchSize: 100, cacheSize: 40, checkpointEveryMs: 0 };
    await expect(rebuild(model, sink, opts, { source: dyingSource(Math.floor(ref.events / 2)) })).rejects.toThrow(/simulated crash/);
    const index = (await assetsFor(model)).indexName;
    expect((await readManifest(sink, index))?.status).toBe('building');
    const cp = await readCheckpoint(sink, index, 'all');
    const reached = Object.values(cp!.positions).reduce((n, p) => n + p, 0);
    expect(cp!.status).toBe('running');
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThan(ref.events);

    const resumed = await rebuild(model, sink, opts);
    expect(resumed.outcome).toBe('built');
    expect(resumed.manifest.checksum).toBe(ref.built.manifest.checksum);
    expect(resumed.manifest.counts?.documents).toBe(ref.docs.size);
    expect(resumed.manifest.counts?.eventsRead).toBe(ref.events);
    expect(resumed.manifest.resumptions).toHaveLength(1);
    expect(await allDocs(sink, index)).toEqual(ref.docs);
    // The checkpoints are gone once the build is complete.
    expect(await readCheckpoint(sink, index, 'all')).toBeUndefined();
  });

  it('checkpoints recorded behind the fold at partition ends: a rebuild dying in a later partition resumes after the finished ones', async () => {
    const ref = await reference();
    const model = sameTopic(ref.model);
    // No timed checkpoint: only the ends of partitions record one, once their held writes are acknowledged.
    const opts = { batchSize: 100, cacheSize: 40, checkpointEveryMs: 3_600_000 };
    const probe = kafkaSource();
    const counts = (await probe.watermarks(model.topic).finally(() => probe.close())).map((m) => m.high - m.low);
    await expect(rebuild(model, sink, opts, { source: dyingSource(counts[0]! + counts[1]! + 120) })).rejects.toThrow(/simulated crash/);
    const index = (await assetsFor(model)).indexName;
    const cp = await readCheckpoint(sink, index, 'all');
    expect(cp!.status).toBe('running');
    // Partitions 0 and 1 are finished and acknowledged (the second one's record may still have been on its way: then only 0);
    // partition 2 starts over.
    expect(cp!.positions['0']).toBe(counts[0]);
    expect([0, counts[1]]).toContain(cp!.positions['1']);
    expect(cp!.positions['2']).toBe(0);

    const resumed = await rebuild(model, sink, opts);
    expect(resumed.manifest.checksum).toBe(ref.built.manifest.checksum);
    expect(resumed.manifest.counts?.documents).toBe(ref.docs.size);
    expect(resumed.manifest.counts?.eventsRead).toBe(ref.events);
    expect(resumed.manifest.counts?.eventsApplied).toBe(ref.built.manifest.counts?.eventsApplied);
    expect(resumed.manifest.resumptions).toHaveLength(1);
    expect(await allDocs(sink, index)).toEqual(ref.docs);
  });

  it('a rebuild that fails mid-replay returns only once its writes in flight are done: none lands after it', async () => {
    const ref = await reference();
    const model = sameTopic(ref.model);
    // Bulks answer 300 ms late, so writes are out when the source fails.
    let failedAt: number | undefined;
    let landedAfter = 0;
    const slow = new Proxy(sink, {
      get(target, prop) {
        const v = Reflect.get(target, prop) as unknown;
        if (prop !== 'bulk') return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        return async (...args: Parameters<SearchSink['bulk']>) => {
          await new Promise((r) => setTimeout(r, 300));
          const out = await target.bulk(...args);
          if (failedAt !== undefined) landedAfter++;
          return out;
        };
      },
    });
    await expect(
      rebuild(
        model,
        slow,
        { batchSize: 97, holdWrites: 0, checkpointEveryMs: 60_000 },
        { source: dyingSource(Math.floor(ref.events / 2)) },
      ).finally(() => (failedAt = Date.now())),
    ).rejects.toThrow(/simulated crash/);
    const index = (await assetsFor(model)).indexName;
    await sink.refresh(index);
    const counted = await sink.count(index);
    await new Promise((r) => setTimeout(r, 700));
    await sink.refresh(index);
    expect(landedAfter).toBe(0);
    expect(await sink.count(index)).toBe(counted);
  });

  it('a rebuild that dies in finalize resumes straight into finalize', async () => {
    const ref = await reference();
    const model = sameTopic(ref.model);
    await expect(rebuild(model, dyingInFinalize(sink), { batchSize: 200 })).rejects.toThrow(/simulated crash in finalize/);
    const index = (await assetsFor(model)).indexName;
    expect((await readCheckpoint(sink, index, 'all'))?.status).toBe('done');

    const resumed = await rebuild(model, sink, { batchSize: 200 });
    expect(resumed.manifest.checksum).toBe(ref.built.manifest.checksum);
    expect(resumed.manifest.counts?.eventsRead).toBe(ref.events);
    expect(resumed.manifest.resumptions?.[0]?.from.every((r) => r.start === r.end)).toBe(true);
    expect(await allDocs(sink, index)).toEqual(ref.docs);
  });

  it('shards fold disjoint partitions into one index; seal refuses until all finished, then merges to the single-run result', async () => {
    const ref = await reference();
    const model = sameTopic(ref.model);
    const assets = await assetsFor(model);
    const s0 = await rebuild(model, sink, { shard: parseShard('0/2'), batchSize: 100 });
    expect(s0.outcome).toBe('shard-done');
    const progress = createProgressBus();
    await expect(runSeal({ assets }, { sink, progress })).rejects.toMatchObject({ code: 'SHARDS_INCOMPLETE', exitCode: 8 });
    expect((await readManifest(sink, assets.indexName))?.status).toBe('building');

    // Shard 1 dies half way, is re-run, and continues from its checkpoint.
    await expect(
      rebuild(
        model,
        sink,
        { shard: parseShard('1/2'), batchSize: 100, checkpointEveryMs: 0 },
        { source: dyingSource(Math.floor(ref.events / 4)) },
      ),
    ).rejects.toThrow(/simulated crash/);
    await expect(runSeal({ assets }, { sink, progress })).rejects.toMatchObject({ code: 'SHARDS_INCOMPLETE' });
    expect((await rebuild(model, sink, { shard: parseShard('1/2'), batchSize: 100 })).outcome).toBe('shard-done');

    const sealed = await runSeal({ assets, verify: true }, { sink, progress });
    expect(sealed.outcome).toBe('built');
    expect(sealed.manifest).toMatchObject({ status: 'complete', sharded: true, checksum: ref.built.manifest.checksum });
    expect(sealed.manifest.shards?.map((s) => s.shard)).toEqual(['shard-0-of-2', 'shard-1-of-2']);
    expect(sealed.manifest.resumptions).toHaveLength(1);
    expect(sealed.manifest.counts?.eventsRead).toBe(ref.events);
    expect(await allDocs(sink, assets.indexName)).toEqual(ref.docs);
    // A shard re-run after the seal has nothing left to do.
    expect((await rebuild(model, sink, { shard: parseShard('0/2') })).outcome).toBe('already-built');
  });
});
