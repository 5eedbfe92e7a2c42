import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { foldAll } from '../../src/core/projections/projection.js';
import { productSearchProjection } from '../../src/core/read-models/product-search/projection.js';
import { ROOT, productValidator, readFixtureEvents } from '../support/contracts.js';
import { ENGINES, sinkFor, uniqueName } from '../support/services.js';

const mapping = JSON.parse(readFileSync(path.join(ROOT, 'mappings/product_search.v1.json'), 'utf8'));

async function projectedFixtures() {
  const v = await productValidator();
  const events = readFixtureEvents().map((e) => {
    const r = v.validate(e);
    if (!r.ok) throw new Error('fixture invalid');
    return r.envelope;
  });
  return [...foldAll(productSearchProjection, events).values()]
    .filter((s) => s.doc !== null)
    .map((s) => ({ ...s, doc: s.doc as unknown as Record<string, unknown> }));
}

/** One contract, two engines: everything readmodel relies on must behave the same on both. */
describe.each(ENGINES)('search sink contract on %s (real engine)', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  it('reports which engine it talks to', async () => {
    const info = await sink.info();
    expect(info.engine).toBe(engine);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('creates an index with the product mapping, indexes projected documents and queries them', async () => {
    const index = uniqueName('ps');
    await sink.createIndex(index, mapping);
    const states = await projectedFixtures();
    const out = await sink.bulk(
      index,
      states.map((s) => ({ action: 'index', id: s.id, version: s.version, doc: s.doc! })),
    );
    expect(out.written).toBe(states.length);
    await sink.refresh(index);
    expect(await sink.count(index)).toBe(states.length);

    const published = states.filter((s) => s.doc!.published).length;
    const r = await sink.search(index, { query: { term: { published: true } }, size: 100, track_total_hits: true });
    expect(r.total).toBe(published);

    const first = states[0]!.doc!;
    const words = String(first.title).split(' ');
    const byTitle = await sink.search(index, { query: { match: { title: words[words.length - 1]!.toUpperCase() } }, size: 100 });
    expect(byTitle.hits.map((h) => h.id)).toContain(states[0]!.id);

    const facet = await sink.search(index, {
      size: 0,
      query: { term: { categoryPath: String((first.categoryPath as string[])[0]) } },
      track_total_hits: true,
    });
    expect(facet.total).toBeGreaterThan(0);
    await sink.deleteIndex(index);
  });

  it('guards writes by external version: older state never overwrites newer', async () => {
    const index = uniqueName('ver');
    await sink.createIndex(index, mapping);
    const [s] = await projectedFixtures();
    const doc = s!.doc!;
    await sink.bulk(index, [{ action: 'index', id: 'x', version: 5, doc: { ...doc, title: 'five' } }]);
    const older = await sink.bulk(index, [{ action: 'index', id: 'x', version: 3, doc: { ...doc, title: 'three' } }]);
    expect(older).toMatchObject({ written: 0, stale: 1 });
    const same = await sink.bulk(index, [{ action: 'index', id: 'x', version: 5, doc: { ...doc, title: 'again' } }]);
    expect(same.stale).toBe(1);
    const got = await sink.getMany(index, ['x', 'nope']);
    expect(got.get('x')).toMatchObject({ version: 5, doc: { title: 'five' } });
    expect(got.has('nope')).toBe(false);

    const staleDelete = await sink.bulk(index, [{ action: 'delete', id: 'x', version: 4 }]);
    expect(staleDelete.stale).toBe(1);
    const del = await sink.bulk(index, [{ action: 'delete', id: 'x', version: 6 }]);
    expect(del.deleted).toBe(1);
    // The tombstone remembers version 6: a late older write cannot resurrect the document.
    const late = await sink.bulk(index, [{ action: 'index', id: 'x', version: 5, doc }]);
    expect(late.stale).toBe(1);
    expect((await sink.getMany(index, ['x'])).size).toBe(0);
    await sink.deleteIndex(index);
  });

  it('stores and reads back the manifest in the mapping _meta, and changes settings', async () => {
    const index = uniqueName('meta');
    await sink.createIndex(index, { ...mapping, settings: { ...mapping.settings, number_of_replicas: 0, refresh_interval: '-1' } });
    await sink.putMeta(index, { readmodel: { status: 'complete', checksum: 'abc' } });
    expect(await sink.getMeta(index)).toEqual({ readmodel: { status: 'complete', checksum: 'abc' } });
    await sink.putSettings(index, { index: { refresh_interval: '1s' } });
    expect((await sink.getSettings(index))['index.refresh_interval']).toBe('1s');
    await sink.deleteIndex(index);
  });

  it('scans every document in id order across pages', async () => {
    const index = uniqueName('scan');
    await sink.createIndex(index, mapping);
    const states = await projectedFixtures();
    await sink.bulk(
      index,
      states.map((s) => ({ action: 'index', id: s.id, version: s.version, doc: s.doc! })),
    );
    await sink.refresh(index);
    const ids: string[] = [];
    for await (const page of sink.scan(index, { sortField: 'productId', pageSize: 3 })) ids.push(...page.map((d) => d.id));
    expect(ids).toEqual(states.map((s) => s.id).sort());
    await sink.deleteIndex(index);
  });

  it('switches an alias atomically and refuses when it moved meanwhile', async () => {
    const a = uniqueName('a');
    const b = uniqueName('b');
    const c = uniqueName('c');
    const alias = uniqueName('alias');
    for (const i of [a, b, c]) await sink.createIndex(i, mapping);
    await sink.updateAliases([{ add: { index: a, alias } }]);
    expect(await sink.aliasTargets(alias)).toEqual([a]);
    await sink.updateAliases([{ remove: { index: a, alias, must_exist: true } }, { add: { index: b, alias } }]);
    expect(await sink.aliasTargets(alias)).toEqual([b]);
    // Someone read "a" and tries to move it: the remove fails, so the add does not happen either.
    await expect(
      sink.updateAliases([{ remove: { index: a, alias, must_exist: true } }, { add: { index: c, alias } }]),
    ).rejects.toMatchObject({ code: 'SINK_REJECTED' });
    expect(await sink.aliasTargets(alias)).toEqual([b]);
    for (const i of [a, b, c]) await sink.deleteIndex(i);
    expect(await sink.aliasTargets(alias)).toEqual([]);
  });

  it('reports an unreachable engine as unavailable, with where and what to do', async () => {
    const { createSearchSink } = await import('../../src/adapters/search/create-search-sink.js');
    const dead = createSearchSink({ engine, node: 'http://127.0.0.1:1', backoff: { budgetMs: 20, baseMs: 1, maxMs: 5 } });
    await expect(dead.info()).rejects.toMatchObject({ code: 'SINK_UNAVAILABLE', exitCode: 6, context: { node: 'http://127.0.0.1:1' } });
    await dead.close();
  });
});
