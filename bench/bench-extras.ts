// npm run bench:extras -- [--diff-docs 1000000] [--engine opensearch]
// Issue 4: diff two N-document indices against a plain full scan of one (time, peak RSS).
// Issue 5: partial replay of one aggregate against a full rebuild, on the main bench topic.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSearchSink } from '../src/adapters/search/create-search-sink.js';
import { loadModelAssets } from '../src/app/model-assets.js';
import type { BulkWrite, EngineKind, SearchSink } from '../src/core/ports/search-sink.js';
import { productSearchModel } from '../src/core/read-models/product-search/model.js';
import { ROOT, arg, fmt, runCliMeasured } from './bench-support.js';

process.removeAllListeners('warning');
const ENGINE = arg('engine', 'opensearch') as EngineKind;
const NODE = ENGINE === 'opensearch' ? 'http://127.0.0.1:19200' : 'http://127.0.0.1:19201';
const DOCS = Number(arg('diff-docs', '1000000'));
const TOPIC = arg('topic', 'bench-products-1000000-100000-6-s2026');
const log = (s: string) => process.stdout.write(`${s}\n`);

function workspace(models: Record<string, unknown>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'readmodel-bench-'));
  writeFileSync(
    path.join(dir, 'readmodel.config.json'),
    JSON.stringify({ kafka: { brokers: ['127.0.0.1:19092'] }, search: { engine: ENGINE, node: NODE }, models }),
  );
  return dir;
}

function doc(i: number, variant: number): Record<string, unknown> {
  const id = `d${String(i).padStart(8, '0')}`;
  return {
    productId: id,
    sku: `SKU-${id}`,
    title: `Acme Product ${i % 997}`,
    description: 'Bench document',
    categoryPath: ['Home', 'Home/Kitchen'],
    category: 'Kitchen',
    priceMinor: ((i * 37) % 90000) + variant,
    price: (((i * 37) % 90000) + variant) / 100,
    currency: 'EUR',
    priceRange: '50-100',
    compareAtMinor: null,
    onSale: false,
    attributes: { color: 'red' },
    attributeFacets: ['color=red'],
    stockQuantity: i % 40,
    availability: 'in_stock',
    sellerId: `seller-${i % 200}`,
    sellerScore: 70,
    rating: 4.2,
    reviewCount: i % 1000,
    published: true,
    publicationState: 'published',
    publishedAt: '2026-01-01T00:00:00.000Z',
    rankingScore: 70.5,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    lastAggregateVersion: 3,
    lastEventAt: '2026-01-01T00:00:00.000Z',
  };
}

async function fill(
  sink: SearchSink,
  index: string,
  mapping: Record<string, unknown>,
  pick: (i: number) => BulkWrite | undefined,
  extra: number,
) {
  await sink.deleteIndex(index);
  await sink.createIndex(index, {
    settings: { ...((mapping.settings as Record<string, unknown>) ?? {}), number_of_replicas: 0, refresh_interval: '-1' },
    mappings: mapping.mappings as Record<string, unknown>,
  });
  let batch: BulkWrite[] = [];
  const inflight = new Set<Promise<unknown>>();
  const flush = async () => {
    while (inflight.size >= 2) await Promise.race(inflight);
    const p = sink.bulk(index, batch).finally(() => inflight.delete(p));
    inflight.add(p);
    batch = [];
  };
  for (let i = 0; i < DOCS + extra; i++) {
    const w = pick(i);
    if (w) batch.push(w);
    if (batch.length === 5000) await flush();
  }
  if (batch.length) await flush();
  await Promise.all(inflight);
  await sink.putSettings(index, { index: { refresh_interval: '1s' } });
  await sink.refresh(index);
}

async function main() {
  const sink = createSearchSink({ engine: ENGINE, node: NODE });
  const assets = await loadModelAssets(productSearchModel, { contractsDir: path.join(ROOT, 'contracts'), packageRoot: ROOT });
  const mapping = assets.mapping as Record<string, unknown>;
  log(`# readmodel bench extras on ${ENGINE} (${new Date().toISOString()})`);

  // Diff: A = N docs; B = the same with 1% changed, 0.1% removed and 0.1% added.
  const a = 'bench_diff_a';
  const b = 'bench_diff_b_v1_0000000000';
  const t0 = performance.now();
  await fill(
    sink,
    a,
    mapping,
    (i) => (i < DOCS ? { action: 'index', id: doc(i, 0).productId as string, version: 3, doc: doc(i, 0) } : undefined),
    0,
  );
  await fill(
    sink,
    b,
    mapping,
    (i) => {
      if (i % 1000 === 1) return undefined;
      if (i >= DOCS && i >= DOCS + DOCS / 1000) return undefined;
      const d = doc(i, i % 100 === 7 ? 1 : 0);
      return { action: 'index', id: d.productId as string, version: 3, doc: d };
    },
    DOCS / 1000,
  );
  log(`indexed 2 x ${fmt(DOCS)} documents in ${fmt((performance.now() - t0) / 1000, 1)} s`);

  const ts = performance.now();
  let scanned = 0;
  for await (const page of sink.scan(a, { sortField: 'productId', pageSize: 2000 })) scanned += page.length;
  const scanSecs = (performance.now() - ts) / 1000;
  log(`plain full scan of one index: ${fmt(scanned)} docs in ${fmt(scanSecs, 1)} s (${fmt(scanned / scanSecs)} docs/s)`);

  const cwd = workspace({ 'product-search': { indexBase: 'bench_diff_b' } });
  const d = await runCliMeasured(['diff', 'product-search', '--from', a, '--to', b, '--json', '--show', '5'], { cwd });
  const report = JSON.parse(d.stdout);
  log(
    `diff of the two: ${fmt(report.from.count)} vs ${fmt(report.to.count)} docs, ${fmt(report.changed.count)} changed, ${fmt(report.onlyInFrom.count)} / ${fmt(report.onlyInTo.count)} on one side, in ${fmt(d.wallMs / 1000, 1)} s, peak RSS ${d.peakRssMb} MB`,
  );
  log(`ratio diff / plain scan of one index = ${fmt(d.wallMs / 1000 / scanSecs, 2)}x (a diff reads two indices)`);
  for (const i of [a, b]) await sink.deleteIndex(i);

  // Partial replay of one aggregate against a full rebuild, on the main bench topic.
  const base = 'bench_replay';
  const ws = workspace({ 'product-search': { topic: TOPIC, indexBase: base } });
  const full = await runCliMeasured(['rebuild', 'product-search', '--json', '--force', '--replicas', '0'], { cwd: ws });
  if (full.code !== 0) throw new Error(`rebuild failed: ${full.stdout}${full.stderr.slice(-1000)}`);
  const index = JSON.parse(full.stdout).manifest.index;
  const one = await runCliMeasured(['replay', 'product-search', '--aggregate-id', 'p042424', '--to-index', index, '--json'], { cwd: ws });
  const r = JSON.parse(one.stdout);
  log(`full rebuild of ${TOPIC}: ${fmt(full.wallMs / 1000, 1)} s, peak RSS ${full.peakRssMb} MB`);
  log(
    `partial replay of one aggregate: scanned ${fmt(r.eventsScanned)} events in partition ${r.partitions.map((p: { partition: number }) => p.partition).join(',')}, matched ${r.eventsMatched}, wrote ${r.written}, in ${fmt(one.wallMs / 1000, 1)} s, peak RSS ${one.peakRssMb} MB`,
  );
  log(`ratio full rebuild / partial replay = ${fmt(full.wallMs / one.wallMs, 1)}x`);
  await sink.deleteIndex(index);
  await sink.close();
}

await main();
