import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSearchSink, type RetryInfo } from '../../src/adapters/search/create-search-sink.js';
import type { LimiterState } from '../../src/adapters/search/adaptive-limiter.js';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';
import type { BulkWrite, EngineKind, SearchSink } from '../../src/core/ports/search-sink.js';
import type { BackoffPolicy } from '../../src/core/retry.js';
import type { ReadModelDefinition } from '../../src/core/read-model.js';
import { startFaultProxy, type FaultProxy, type Faults } from '../support/fault-proxy.js';
import { allDocs, rebuild } from '../support/rebuild-helpers.js';
import { ENGINES, isolatedProductModel, nodeFor, publishEvents, sinkFor, uniqueName } from '../support/services.js';

/**
 * Rebuilds through a fault proxy in front of the real engines: throttling storms, resets, 503s and
 * 413s must not end a run or change what it builds (same checksum as a fault-free build). Both
 * engines run side by side in each test so the storms' wall time is paid once.
 */

interface Lane {
  engine: EngineKind;
  proxy: FaultProxy;
  direct: SearchSink;
  model: ReadModelDefinition;
  reference: { checksum: string; documents: number; docs: Map<string, Record<string, unknown>> };
}

interface Observed {
  sink: SearchSink;
  retries: RetryInfo[];
  throttle: LimiterState[];
}

function faultySink(lane: Lane, backoff: Partial<BackoffPolicy> = { budgetMs: 120_000, baseMs: 100, maxMs: 2_000 }): Observed {
  const retries: RetryInfo[] = [];
  const throttle: LimiterState[] = [];
  const sink = createSearchSink({
    engine: lane.engine,
    node: lane.proxy.url,
    backoff,
    onRetry: (r) => retries.push(r),
    onThrottle: (t) => throttle.push(t),
  });
  return { sink, retries, throttle };
}

/** Runs the fault windows one after the other, each switching itself off. */
async function storm(proxy: FaultProxy, windows: Array<[Faults, number]>) {
  for (const [faults, ms] of windows) {
    proxy.set(faults, { forMs: ms });
    await proxy.whenCleared();
  }
}

describe('rebuild through faults (real engines behind a fault proxy)', () => {
  const lanes: Lane[] = [];
  const each = (fn: (lane: Lane) => Promise<void>) => Promise.all(lanes.map(fn));

  beforeAll(async () => {
    for (const engine of ENGINES) {
      const model = isolatedProductModel();
      await publishEvents(
        model.topic,
        3,
        [...generateProductEvents({ products: 400, seed: 7 })].map((g) => g.envelope),
      );
      const direct = sinkFor(engine);
      const built = await rebuild(model, direct, { batchSize: 200 });
      lanes.push({
        engine,
        proxy: await startFaultProxy(nodeFor(engine)),
        direct,
        model,
        reference: {
          checksum: built.manifest.checksum!,
          documents: built.manifest.counts!.documents,
          docs: await allDocs(direct, built.manifest.index),
        },
      });
    }
  });
  afterAll(async () => {
    for (const l of lanes) {
      for (const i of await l.direct.listIndices(`${l.model.indexBase}*`)) await l.direct.deleteIndex(i.name);
      await l.proxy.close();
      await l.direct.close();
    }
  });

  async function expectSameAsReference(lane: Lane, manifest: { checksum?: string; index: string; counts?: { documents: number } }) {
    expect(manifest.checksum).toBe(lane.reference.checksum);
    expect(manifest.counts!.documents).toBe(lane.reference.documents);
    expect(await allDocs(lane.direct, manifest.index)).toEqual(lane.reference.docs);
  }

  it('a 20-s storm of per-item 429s slows the run down, and it completes with nothing lost', async () => {
    await each(async (lane) => {
      const o = faultySink(lane);
      const windows = storm(lane.proxy, [
        [{ itemThrottle: 1 }, 8_000],
        [{ itemThrottle: 0.5 }, 12_000],
      ]);
      const { outcome, manifest } = await rebuild(lane.model, o.sink, { force: true, batchSize: 200 });
      await windows;
      expect(outcome).toBe('built');
      await expectSameAsReference(lane, manifest);
      expect(lane.proxy.stats.itemsThrottled).toBeGreaterThan(0);
      // Counted and shown: every throttled retry reported, the limiter went down to one bulk in flight.
      expect(o.retries.some((r) => r.kind === 'throttled' && (r.writes ?? 0) > 0)).toBe(true);
      // ... and the trail is in the manifest.
      expect(manifest.counts!.faults!.throttled).toBeGreaterThan(0);
      expect(manifest.counts!.faults!.retries).toBeGreaterThanOrEqual(manifest.counts!.faults!.throttled);
      expect(o.throttle.some((t) => t.throttled && t.maxInFlight === 1 && t.maxBulkWrites !== undefined)).toBe(true);
      await o.sink.close();
    });
  });

  it('a 20-s storm of whole-request 429s: the run waits it out and completes with nothing lost', async () => {
    await each(async (lane) => {
      const o = faultySink(lane);
      const before = lane.proxy.stats.requestsThrottled;
      const windows = storm(lane.proxy, [
        [{ requestThrottle: 1 }, 10_000],
        [{ requestThrottle: 0.7 }, 10_000],
      ]);
      const { outcome, manifest } = await rebuild(lane.model, o.sink, { force: true, batchSize: 200 });
      await windows;
      expect(outcome).toBe('built');
      await expectSameAsReference(lane, manifest);
      expect(lane.proxy.stats.requestsThrottled - before).toBeGreaterThan(5);
      expect(o.retries.filter((r) => r.kind === 'throttled').length).toBeGreaterThan(5);
      expect(o.throttle.some((t) => t.throttled)).toBe(true);
      await o.sink.close();
    });
  });

  it('3 s of connection resets and 503s on every request, then lost bulk answers: the run completes', async () => {
    await each(async (lane) => {
      const o = faultySink(lane);
      const s0 = { ...lane.proxy.stats };
      const windows = storm(lane.proxy, [
        [{ reset: 0.4, unavailable: 0.4, match: 'all' }, 3_000],
        [{ reset: 0.5, resetWhen: 'after', latencyMs: 50 }, 3_000],
      ]);
      const { outcome, manifest } = await rebuild(lane.model, o.sink, { force: true, batchSize: 100 });
      await windows;
      expect(outcome).toBe('built');
      await expectSameAsReference(lane, manifest);
      expect(lane.proxy.stats.resets - s0.resets).toBeGreaterThan(0);
      expect(lane.proxy.stats.unavailable - s0.unavailable).toBeGreaterThan(0);
      expect(o.retries.every((r) => r.kind === 'unavailable')).toBe(true);
      await o.sink.close();
    });
  });

  it('bulks above the engine limit (413) are split until they fit, and the run completes', async () => {
    await each(async (lane) => {
      const o = faultySink(lane);
      lane.proxy.set({ maxContentLength: 48 * 1024 });
      try {
        const { outcome, manifest } = await rebuild(lane.model, o.sink, { force: true, batchSize: 500 });
        expect(outcome).toBe('built');
        await expectSameAsReference(lane, manifest);
        expect(manifest.counts!.faults!.splits).toBeGreaterThan(0);
      } finally {
        lane.proxy.clear();
      }
      expect(lane.proxy.stats.tooLarge).toBeGreaterThan(0);
      expect(o.retries.some((r) => r.kind === 'too-large')).toBe(true);
      expect(lane.proxy.stats.largestBody).toBeGreaterThan(48 * 1024); // it did try big ones first
      await o.sink.close();
    });
  });

  it('gives up with exit 6 once the retry budget is spent, saying for how long it tried', async () => {
    await each(async (lane) => {
      const o = faultySink(lane, { budgetMs: 1_500, baseMs: 50, maxMs: 300 });
      lane.proxy.set({ unavailable: 1 });
      try {
        const err = await rebuild(lane.model, o.sink, { force: true, batchSize: 200 }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toMatchObject({ code: 'SINK_UNAVAILABLE', exitCode: 6, context: { retryBudgetMs: 1_500, lastError: 'HTTP 503' } });
        expect((err as Error).message).toMatch(/kept failing for \d+(\.\d+)? s|kept failing for \d+ ms/);
        expect((err as { context: { triedForMs: number } }).context.triedForMs).toBeGreaterThanOrEqual(1_500);
        expect((err as { suggestion: string }).suggestion).toMatch(/--retry-budget/);
      } finally {
        lane.proxy.clear();
      }
      await o.sink.close();
    });
  });
});

describe.each(ENGINES)('bulk writes through faults on %s', (engine) => {
  let proxy: FaultProxy;
  const index = uniqueName('faults');
  const direct = sinkFor(engine);
  const doc = (id: string, n: number) => ({ productId: id, name: `product ${id}`, pad: 'x'.repeat(n) });

  beforeAll(async () => {
    proxy = await startFaultProxy(nodeFor(engine), { seed: 3 });
    await direct.createIndex(index, { settings: { number_of_replicas: 0 }, mappings: { properties: { productId: { type: 'keyword' } } } });
  });
  afterAll(async () => {
    await direct.deleteIndex(index);
    await proxy.close();
    await direct.close();
  });

  it('resends bulks whose answers were lost: every write lands once, as written or as an equal version (stale)', async () => {
    const sink = createSearchSink({ engine, node: proxy.url, backoff: { budgetMs: 60_000, baseMs: 20, maxMs: 200 } });
    const writes: BulkWrite[] = Array.from({ length: 300 }, (_, i) => ({
      action: 'index',
      id: `lost${i}`,
      version: 3,
      doc: doc(`lost${i}`, 10),
    }));
    proxy.set({ reset: 0.6, resetWhen: 'after' });
    const out = await sink.bulk(index, writes);
    proxy.clear();
    expect(proxy.stats.resets).toBeGreaterThan(0);
    expect(out.rejected).toEqual([]);
    expect(out.written + out.stale).toBe(300);
    expect(out.retries).toBeGreaterThan(0);
    const stored = await direct.getMany(
      index,
      writes.map((w) => w.id),
    );
    expect(stored.size).toBe(300);
    expect([...stored.values()].every((d) => d.version === 3)).toBe(true);
    await sink.close();
  });

  it('counts per-item throttling and splits in the bulk outcome', async () => {
    const sink = createSearchSink({ engine, node: proxy.url, backoff: { budgetMs: 60_000, baseMs: 20, maxMs: 200 } });
    const writes: BulkWrite[] = Array.from({ length: 200 }, (_, i) => ({
      action: 'index',
      id: `c${i}`,
      version: 1,
      doc: doc(`c${i}`, 200),
    }));
    proxy.set({ itemThrottle: 0.3, maxContentLength: 16 * 1024 });
    const out = await sink.bulk(index, writes);
    proxy.clear();
    expect(out.written).toBe(200);
    expect(out.throttled).toBeGreaterThan(0);
    expect(out.retries).toBeGreaterThanOrEqual(out.throttled);
    expect(out.splits).toBeGreaterThan(0);
    await sink.close();
  });

  it('returns a single document too large for the engine as rejected, with its reason, and writes the rest', async () => {
    const sink = createSearchSink({ engine, node: proxy.url, backoff: { budgetMs: 10_000, baseMs: 20, maxMs: 200 } });
    proxy.set({ maxContentLength: 4_000 });
    const out = await sink.bulk(index, [
      { action: 'index', id: 'small1', version: 1, doc: doc('small1', 10) },
      { action: 'index', id: 'huge', version: 1, doc: doc('huge', 8_000) },
      { action: 'index', id: 'small2', version: 1, doc: doc('small2', 10) },
    ]);
    proxy.clear();
    expect(out.written).toBe(2);
    expect(out.rejected).toHaveLength(1);
    expect(out.rejected[0]).toMatchObject({ id: 'huge', action: 'index', version: 1, status: 413 });
    expect(out.rejected[0]!.reason).toMatch(/too large.*http\.max_content_length/);
    expect((await direct.getMany(index, ['small1', 'small2', 'huge'])).size).toBe(2);
    await sink.close();
  });
});
