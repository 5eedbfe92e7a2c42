import { afterAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../src/app/run-replay.js';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';
import { createProgressBus } from '../../src/core/progress/progress-events.js';
import { assetsFor } from '../support/assets.js';
import { allDocs, rebuild } from '../support/rebuild-helpers.js';
import { ENGINES, isolatedProductModel, kafkaSource, nodeFor, publishEvents, sinkFor } from '../support/services.js';

describe.each(ENGINES)('replay after a document was deleted by hand on %s', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  it('refuses (NOT_RESTORED, exit 8) while the delete tombstone is in the way, then restores once gc_deletes expired it', async () => {
    const model = isolatedProductModel();
    await publishEvents(
      model.topic,
      2,
      [...generateProductEvents({ products: 12, seed: 51 })].map((g) => g.envelope),
    );
    const { manifest } = await rebuild(model, sink);
    const index = manifest.index;
    // Short tombstone life so the test can follow the error's advice; rebuilt indices keep them 1h.
    await sink.putSettings(index, { index: { gc_deletes: '2s' } });
    const someId = [...(await allDocs(sink, index)).keys()][3]!;
    const victim = (await sink.getMany(index, [someId])).get(someId);
    expect(victim).toBeDefined();

    // A plain DELETE, as an operator might do: internal versioning puts the tombstone one above the aggregate version.
    const del = await fetch(`${nodeFor(engine)}/${index}/_doc/${victim!.id}`, { method: 'DELETE' });
    expect(((await del.json()) as { _version: number })._version).toBe(victim!.version + 1);

    const assets = await assetsFor(model);
    const replay = async () => {
      const source = kafkaSource();
      try {
        return await runReplay({ assets, aggregateIds: [victim!.id], toIndex: index }, { source, sink, progress: createProgressBus() });
      } finally {
        await source.close();
      }
    };
    const err = await replay().catch((e) => e);
    expect(err).toMatchObject({
      code: 'NOT_RESTORED',
      exitCode: 8,
      context: { index, gcDeletes: '2s', documents: [{ id: victim!.id, status: 'absent', expectedVersion: victim!.version }] },
      suggestion: expect.stringContaining('index.gc_deletes (2s'),
    });
    expect(err.message).toContain(`${victim!.id} is missing`);
    expect((await sink.getMany(index, [victim!.id])).size).toBe(0);

    // Following the advice: once the engine forgot the delete's version, the same replay restores the document.
    const deadline = Date.now() + 60_000;
    let restored = await replay().catch((e) => e);
    while (restored instanceof Error && (restored as { code?: string }).code === 'NOT_RESTORED' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      restored = await replay().catch((e) => e);
    }
    expect(restored).toMatchObject({ written: 1, keptNewer: 0 });
    expect((await sink.getMany(index, [victim!.id])).get(victim!.id)).toEqual(victim);
  });

  it('a document that is simply absent (no tombstone) is written and verified at its aggregate version', async () => {
    const model = isolatedProductModel();
    await publishEvents(
      model.topic,
      1,
      [...generateProductEvents({ products: 5, seed: 52 })].map((g) => g.envelope),
    );
    const { manifest } = await rebuild(model, sink);
    const assets = await assetsFor(model);
    const empty = `${model.indexBase}_empty`;
    // An index of this model (replay writes only into builds of the model it replays).
    await sink.createIndex(empty, {
      ...assets.mapping,
      mappings: { ...assets.mapping.mappings, _meta: { readmodel: { model: model.name, status: 'complete', index: empty, ranges: [] } } },
    });
    const id = [...(await allDocs(sink, manifest.index)).keys()][0]!;
    const source = kafkaSource();
    try {
      const r = await runReplay({ assets, aggregateIds: [id], toIndex: empty }, { source, sink, progress: createProgressBus() });
      expect(r).toMatchObject({ written: 1, keptNewer: 0 });
    } finally {
      await source.close();
    }
    expect((await sink.getMany(empty, [id])).get(id)).toEqual((await sink.getMany(manifest.index, [id])).get(id));
  });
});
