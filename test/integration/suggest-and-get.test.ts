import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGet } from '../../src/app/run-get.js';
import { runSuggest } from '../../src/app/run-suggest.js';
import { targetOf, type EngineTarget } from '../../src/core/engines/engine-capabilities.js';
import type { EventEnvelope } from '../../src/core/envelope.js';
import { aliasName } from '../../src/core/read-model.js';
import { productEvents } from '../../src/core/read-models/product-search/event-builders.js';
import type { RunManifest } from '../../src/core/rebuild/run-manifest.js';
import { assetsFor } from '../support/assets.js';
import { rebuild } from '../support/rebuild-helpers.js';
import { ENGINES, isolatedProductModel, publishEvents, sinkFor } from '../support/services.js';

/** A small catalogue whose titles exercise prefixes, several words, accents and categories. */
function catalogue() {
  const product = (
    id: string,
    title: string,
    categoryPath: string[],
    extra: (p: ReturnType<typeof productEvents>) => EventEnvelope[] = () => [],
  ) => {
    const p = productEvents(id);
    return [p.created({ sku: `SKU-${id}`, title, categoryPath }), p.published(), ...extra(p)];
  };
  const events = [
    ...product('p1', 'Acme Smart Wok', ['Home', 'Kitchen', 'Cookware']),
    ...product('p2', 'Acme Smartphone Pro', ['Electronics', 'Phones', 'Smartphones'], (p) => [p.priceV1(499), p.stock(-2)]),
    ...product('p3', 'Café Crème Espresso Maker', ['Home', 'Kitchen', 'Coffee']),
    ...product('p4', 'Cafetière Classic', ['Home', 'Kitchen', 'Coffee']),
    ...product('p5', 'Globex Trail Shoe', ['Sports', 'Running', 'Shoes']),
    ...product('p6', 'Acme Discontinued Kettle', ['Home', 'Kitchen', 'Cookware'], (p) => [p.deleted()]),
    ...product('p7', 'Initech Wireless Headphones', ['Electronics', 'Audio', 'Headphones'], (p) => [
      p.updated({ title: 'Initech Studio Headphones' }),
    ]),
  ];
  // The builders number event ids per product; every event of the topic needs its own.
  return events.map((e) => ({ ...e, eventId: randomUUID() }));
}

describe.each(ENGINES)('suggest and get on %s (real Kafka and engine)', (engine) => {
  const sink = sinkFor(engine);
  const model = isolatedProductModel();
  const alias = aliasName(model);
  const events = catalogue();
  let target: EngineTarget;
  let live: RunManifest;
  const ids = async (prefix: string) => (await runSuggest({ model, prefix, limit: 10 }, { sink })).suggestions.map((s) => s.id);

  beforeAll(async () => {
    const info = await sink.info();
    target = targetOf(info.engine, info.version);
    await publishEvents(model.topic, 2, events);
    // Built as the CLI builds on this engine: the mapping variant the engine supports.
    const { manifest } = await rebuild(model, sink, { assets: await assetsFor(model, target) });
    live = manifest;
    await sink.updateAliases([{ add: { index: manifest.index, alias } }]);
  });
  afterAll(() => sink.close());

  it('a missing alias is an error (ALIAS_MISSING, exit 1), never "no suggestions"', async () => {
    const other = isolatedProductModel();
    await expect(runSuggest({ model: other, prefix: 'acme', limit: 5 }, { sink })).rejects.toMatchObject({
      code: 'ALIAS_MISSING',
      exitCode: 1,
    });
    await expect(runGet({ model: other, id: 'p1' }, { sink })).rejects.toMatchObject({ code: 'ALIAS_MISSING', exitCode: 1 });
  });

  it('suggests by word prefix through the alias: first and later words, several words, category; deleted products never', async () => {
    const rich = target.engine === 'opensearch' && target.major >= 3;
    expect(live.mappingFile).toBe(rich ? 'mappings/product_search.v1.analysis-common.json' : 'mappings/product_search.v1.json');
    expect(await ids('acm')).toEqual(['p1', 'p2']);
    expect(await ids('Acme Sma')).toEqual(['p1', 'p2']);
    expect(await ids('acme smartp')).toEqual(['p2']);
    expect(await ids('hea')).toEqual(['p7']);
    // The current title only: the old "Wireless" title is gone with the update.
    expect(await ids('wirel')).toEqual([]);
    // Category prefixes find products whose titles do not say it.
    expect(await ids('cookw')).toEqual(['p1']);
    expect(await ids('kettle')).toEqual([]);
    const r = await runSuggest({ model, prefix: 'globex', limit: 10 }, { sink });
    expect(r).toMatchObject({ index: live.index, alias, live: true, fields: ['title', 'category'] });
    expect(r.suggestions).toEqual([{ id: 'p5', score: expect.any(Number), title: 'Globex Trail Shoe', category: 'Shoes' }]);
  });

  it('ASCII folding where analysis-common exists: "cafe" finds "Café" on OpenSearch 3; elsewhere only the exact accent does', async () => {
    const rich = target.engine === 'opensearch' && target.major >= 3;
    expect(await ids('café')).toEqual(rich ? ['p3', 'p4'] : ['p3']);
    expect(await ids('cafe')).toEqual(rich ? ['p3', 'p4'] : ['p4']);
    expect(await ids('creme espr')).toEqual(rich ? ['p3'] : []);
  });

  it('ranks title matches above category matches, and answers the same order every time; --limit caps it', async () => {
    // "smart": titles p1, p2 (Smart Wok, Smartphone) and category Smartphones (p2): p2 matches twice.
    const first = await ids('smart');
    expect(first[0]).toBe('p2');
    expect(new Set(first)).toEqual(new Set(['p1', 'p2']));
    expect(await ids('smart')).toEqual(first);
    expect((await runSuggest({ model, prefix: 'acme', limit: 1 }, { sink })).suggestions).toHaveLength(1);
  });

  it('get: the document with its stored version, last event time and the live build it lives in', async () => {
    const p2 = events.filter((e) => e.aggregateId === 'p2');
    const last = p2[p2.length - 1]!;
    const r = await runGet({ model, id: 'p2' }, { sink });
    expect(r).toMatchObject({
      model: model.name,
      id: 'p2',
      index: live.index,
      alias,
      live: true,
      version: last.aggregateVersion,
      lastAggregateVersion: last.aggregateVersion,
      lastEventAt: last.occurredAt,
      build: {
        model: model.name,
        status: 'complete',
        buildHash: live.buildHash,
        mappingFile: live.mappingFile,
        projection: { name: 'product-search', version: live.projection.version },
        topic: model.topic,
        finishedAt: live.finishedAt,
      },
    });
    expect(r.document).toMatchObject({ productId: 'p2', title: 'Acme Smartphone Pro', price: 499 });
  });

  it('get: a deleted or unknown id is DOCUMENT_NOT_FOUND (exit 1); --index reads a build that is not live, and says so', async () => {
    await expect(runGet({ model, id: 'p6' }, { sink })).rejects.toMatchObject({ code: 'DOCUMENT_NOT_FOUND', exitCode: 1 });
    await expect(runGet({ model, id: 'nope' }, { sink })).rejects.toMatchObject({
      code: 'DOCUMENT_NOT_FOUND',
      context: { index: live.index, live: true },
    });
    // A second build of the same events under a new projection version (so a new index name): a candidate, not live.
    const next = { ...model, projection: { ...model.projection, version: model.projection.version + 1 } };
    const candidate = await rebuild(next, sink, { assets: await assetsFor(next, target) });
    expect(candidate.manifest.index).not.toBe(live.index);
    const r = await runGet({ model, id: 'p1', index: candidate.manifest.index }, { sink });
    expect(r).toMatchObject({ index: candidate.manifest.index, live: false, build: { buildHash: candidate.manifest.buildHash } });
    const s = await runSuggest({ model, prefix: 'acm', limit: 10, index: candidate.manifest.index }, { sink });
    expect(s).toMatchObject({ index: candidate.manifest.index, live: false });
    expect(s.suggestions.map((x) => x.id)).toEqual(['p1', 'p2']);
    await expect(runGet({ model, id: 'p1', index: `${model.indexBase}_v1_0000000000` }, { sink })).rejects.toMatchObject({
      code: 'INDEX_NOT_FOUND',
      exitCode: 2,
    });
  });

  it('a build from before autocomplete (no autocomplete sub-fields) is NO_AUTOCOMPLETE (exit 1), not an empty answer', async () => {
    const index = `${model.indexBase}_v1_0000000001`;
    await sink.createIndex(index, { mappings: { properties: { productId: { type: 'keyword' }, title: { type: 'text' } } } });
    await expect(runSuggest({ model, prefix: 'acme', limit: 5, index }, { sink })).rejects.toMatchObject({
      code: 'NO_AUTOCOMPLETE',
      exitCode: 1,
    });
    await sink.deleteIndex(index);
  });
});
