import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery, type QueryOptions } from '../../src/app/run-query.js';
import { UsageError, type ReadmodelError } from '../../src/core/errors.js';
import type { IndexBody } from '../../src/core/ports/search-sink.js';
import { orderHistoryModel } from '../../src/core/read-models/order-history/model.js';
import { ROOT } from '../support/contracts.js';
import { loadQueryCatalogue } from '../support/query-catalogue.js';
import { ENGINES, isolatedProductModel, sinkFor, uniqueName } from '../support/services.js';

describe.each(ENGINES)('readmodel query on %s (real engine)', (engine) => {
  const sink = sinkFor(engine);
  const model = isolatedProductModel();
  let index = '';
  const query = (o: Omit<QueryOptions, 'model'> = {}) => runQuery({ model, ...o }, { sink });
  const ids = (r: { hits: Array<{ id: string }> }) => r.hits.map((h) => h.id);
  const facet = (r: Awaited<ReturnType<typeof query>>, name: string) =>
    Object.fromEntries(r.facets.find((f) => f.name === name)!.buckets.map((b) => [b.value, b.count]));

  beforeAll(async () => {
    index = await loadQueryCatalogue(sink, model.indexBase);
  });
  afterAll(async () => {
    await sink.deleteIndex(index);
    await sink.close();
  });

  it('reads through the alias; AND-ed filters of every operator; the tie-breaker orders by default', async () => {
    const r = await query({ filters: ['availability=in_stock', 'price<100'] });
    expect(r.target).toEqual({ name: `${model.indexBase}_current`, index });
    expect(r.total).toBe(4);
    expect(ids(r)).toEqual(['p01', 'p04', 'p07', 'p08']);
    expect(ids(await query({ filters: ['price>=45', 'price<=79.99'] }))).toEqual(['p01', 'p03', 'p06']);
    expect(ids(await query({ filters: ['price>45', 'availability!=in_stock'] }))).toEqual(['p03']);
    expect(ids(await query({ filters: ['availability=low_stock,out_of_stock'] }))).toEqual(['p03', 'p06']);
    expect(ids(await query({ filters: ['attributeFacets=color=white', 'categoryPath=Home'] }))).toEqual(['p08']);
    expect(ids(await query({ filters: ['onSale=true'] }))).toEqual(['p07']);
    expect(ids(await query({ filters: ['publishedAt>=2026-01-07T00:00:00Z'] }))).toEqual(['p07', 'p08']);
    expect(ids(await query({ filters: ['title.keyword=hooli desk lamp'] }))).toEqual(['p08']);
  });

  it('sorts by several fields, "-" descending, the second field breaking ties', async () => {
    const r = await query({ sort: '-rankingScore,price' });
    expect(ids(r)).toEqual(['p02', 'p05', 'p01', 'p06', 'p07', 'p04', 'p03', 'p08']);
    expect(r.hits.every((h) => h.score === null)).toBe(true);
    expect(ids(await query({ sort: 'price', limit: 2 }))).toEqual(['p08', 'p07']);
  });

  it('pages with offset and limit; the total counts every match', async () => {
    const r = await query({ sort: '-rankingScore,price', offset: 2, limit: 3 });
    expect(r.total).toBe(8);
    expect(ids(r)).toEqual(['p01', 'p06', 'p07']);
    const past = await query({ offset: 8, limit: 5 });
    expect(past.total).toBe(8);
    expect(past.hits).toEqual([]);
    const countOnly = await query({ limit: 0, filters: ['categoryPath=Electronics'] });
    expect(countOnly.total).toBe(5);
    expect(countOnly.hits).toEqual([]);
  });

  it('free text: every word must match, best first (title above description), scores shown even when sorted by a field', async () => {
    const r = await query({ text: 'headphones' });
    expect(ids(r)).toEqual(['p01', 'p02', 'p03', 'p04']);
    const scores = r.hits.map((h) => h.score!);
    expect(scores[2]!).toBeGreaterThan(scores[3]!);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(ids(await query({ text: 'acme headphones' }))).toEqual(['p01']);
    const inStockUnder100 = await query({ text: 'headphones', filters: ['availability=in_stock', 'price<100'] });
    expect(ids(inStockUnder100)).toEqual(['p01', 'p04']);
    const byPrice = await query({ text: 'headphones', sort: 'price' });
    expect(ids(byPrice)).toEqual(['p04', 'p03', 'p01', 'p02']);
    expect(byPrice.hits.every((h) => typeof h.score === 'number' && h.score > 0)).toBe(true);
  });

  it('counts facets over the matches: category tree, price ranges, availability, attribute pairs', async () => {
    const all = await query({ limit: 0 });
    expect(facet(all, 'category')).toEqual({
      Electronics: 5,
      'Electronics/Audio': 4,
      'Electronics/Computers': 1,
      Home: 3,
      'Home/Kitchen': 2,
      'Home/Lighting': 1,
    });
    expect(all.facets.find((f) => f.name === 'price')!.buckets.map((b) => [b.value, b.count])).toEqual([
      ['0-10', 1],
      ['10-25', 0],
      ['25-50', 4],
      ['50-100', 1],
      ['100-250', 1],
      ['250-500', 0],
      ['500+', 1],
    ]);
    expect(facet(all, 'availability')).toEqual({ in_stock: 6, low_stock: 1, out_of_stock: 1 });
    expect(facet(all, 'attributes')).toMatchObject({ 'brand=Acme': 3, 'color=black': 3, 'color=white': 2, 'brand=Initech': 1 });

    const audio = await query({ filters: ['categoryPath=Electronics/Audio'], limit: 0 });
    const tree = audio.facets.find((f) => f.name === 'category')!;
    expect(tree.under).toBe('Electronics/Audio');
    expect(tree.buckets).toEqual([
      { value: 'Electronics/Audio', count: 4, level: 1, label: 'Audio' },
      { value: 'Electronics/Audio/Earbuds', count: 1, level: 2, label: 'Earbuds' },
      { value: 'Electronics/Audio/Headphones', count: 3, level: 2, label: 'Headphones' },
    ]);
    const filtered = await query({ text: 'headphones', filters: ['availability=in_stock', 'price<100'] });
    expect(facet(filtered, 'availability')).toEqual({ in_stock: 2 });
    expect(facet(filtered, 'price')).toMatchObject({ '25-50': 1, '50-100': 1, '100-250': 0 });
    expect((await query({ facets: false })).facets).toEqual([]);
  });

  it('reads a named index with --index; a missing alias or index is an error, never "no results"', async () => {
    expect(ids(await query({ index, filters: ['categoryPath=Home/Lighting'] }))).toEqual(['p08']);
    const missing = isolatedProductModel();
    const err = (await runQuery({ model: missing }, { sink }).catch((e: unknown) => e)) as ReadmodelError;
    expect(err.code).toBe('ALIAS_MISSING');
    expect(err.exitCode).toBe(1);
    expect(err.message).toContain(`${missing.indexBase}_current`);
    const noIndex = (await query({ index: `${model.indexBase}_v9_nope` }).catch((e: unknown) => e)) as ReadmodelError;
    expect(noIndex.code).toBe('INDEX_NOT_FOUND');
  });

  it('refuses a field the mapping cannot filter or sort, naming those that can', async () => {
    const err = (await query({ filters: ['colour=red'] }).catch((e: unknown) => e)) as UsageError;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.suggestion).toMatch(/^filter on one of: attributeFacets, availability, category, categoryPath, /);
    const sortErr = (await query({ sort: 'description' }).catch((e: unknown) => e)) as UsageError;
    expect(sortErr.code).toBe('UNKNOWN_SORT_FIELD');
  });
});

describe.each(ENGINES)('readmodel query of order-history on %s: its own declared facets and text fields', (engine) => {
  const sink = sinkFor(engine);
  const model = { ...orderHistoryModel, indexBase: uniqueName('oh') };
  const index = `${model.indexBase}_v1_query`;
  const order = (orderId: string, customerId: string, status: string, title: string, total: number) => ({
    orderId,
    customerId,
    status,
    channel: 'web',
    currency: 'EUR',
    lines: [
      { sku: `sku-${orderId}`, productId: `p-${orderId}`, title, quantity: 1, unitPriceMinor: total * 100, lineTotalMinor: total * 100 },
    ],
    itemCount: 1,
    total,
    searchText: `${orderId} sku-${orderId} ${title}`,
    placedAt: '2026-02-01T10:00:00.000Z',
    paymentMethod: status === 'placed' ? null : 'card',
  });
  beforeAll(async () => {
    const mapping = JSON.parse(readFileSync(path.join(ROOT, orderHistoryModel.mappingFile), 'utf8')) as IndexBody;
    await sink.createIndex(index, mapping);
    const docs = [
      order('o1', 'c1', 'delivered', 'Acme Wireless Headphones', 80),
      order('o2', 'c1', 'placed', 'Globex Frying Pan', 25),
      order('o3', 'c2', 'delivered', 'Hooli Desk Lamp', 10),
    ];
    await sink.bulk(
      index,
      docs.map((doc) => ({ action: 'index' as const, id: doc.orderId, version: 1, doc })),
    );
    await sink.refresh(index);
    await sink.updateAliases([{ add: { index, alias: `${model.indexBase}_current` } }]);
  });
  afterAll(async () => {
    await sink.deleteIndex(index);
    await sink.close();
  });

  it('filters a customer, searches line titles, counts status, channel and payment method', async () => {
    const r = await runQuery({ model, filters: ['customerId=c1'], sort: '-total' }, { sink });
    expect(r.hits.map((h) => h.id)).toEqual(['o1', 'o2']);
    expect(r.facets.map((f) => [f.name, f.buckets.map((b) => [b.value, b.count])])).toEqual([
      [
        'status',
        [
          ['delivered', 1],
          ['placed', 1],
        ],
      ],
      ['channel', [['web', 2]]],
      ['paymentMethod', [['card', 1]]],
    ]);
    const text = await runQuery({ model, text: 'lamp' }, { sink });
    expect(text.hits.map((h) => h.id)).toEqual(['o3']);
  });
});
