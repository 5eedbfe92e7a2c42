import { afterAll, describe, expect, it } from 'vitest';
import { createKafkaGroupConsumer } from '../../src/adapters/kafka/kafka-group-consumer.js';
import { createSearchSink } from '../../src/adapters/search/create-search-sink.js';
import { runConsume } from '../../src/app/run-consume.js';
import type { EventEnvelope } from '../../src/core/envelope.js';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';
import { createProgressBus } from '../../src/core/progress/progress-events.js';
import { foldAll } from '../../src/core/projections/projection.js';
import { assetsFor } from '../support/assets.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { allDocs } from '../support/rebuild-helpers.js';
import {
  ENGINES,
  brokers,
  isolatedProductModel,
  kafkaAdmin,
  nodeFor,
  publishEvents,
  sinkFor,
  modelGroupConsumer,
} from '../support/services.js';

type Model = ReturnType<typeof isolatedProductModel>;

async function until(what: string, check: () => Promise<boolean>, ms = 90_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function groupState(model: Model) {
  const admin = kafkaAdmin();
  await admin.connect();
  try {
    const offsets = await admin.fetchOffsets({ groupId: model.consumerGroup, topics: [model.topic] });
    const { groups } = await admin.describeGroups([model.consumerGroup]);
    return {
      committed: offsets[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0),
      state: groups[0]!.state,
      members: groups[0]!.members.map((m) => m.memberId),
    };
  } finally {
    await admin.disconnect();
  }
}

/** The reference: a fold of every event (validated and upcast), per aggregate in version order. */
function referenceFold(model: Model, assets: Awaited<ReturnType<typeof assetsFor>>, events: readonly EventEnvelope[]) {
  const upcast = events.map((e) => {
    const v = assets.validator.validate(e);
    if (!v.ok) throw new Error(`fixture event ${e.eventId} is invalid`);
    return v.envelope;
  });
  const sorted = upcast.sort((a, b) =>
    a.aggregateId === b.aggregateId ? a.aggregateVersion - b.aggregateVersion : a.aggregateId < b.aggregateId ? -1 : 1,
  );
  const out = new Map<string, Record<string, unknown>>();
  for (const s of foldAll(model.projection, sorted).values()) if (s.doc) out.set(s.id, s.doc as unknown as Record<string, unknown>);
  return out;
}

/**
 * A sink that gives up within about a second, whether its retry limit is counted in attempts or in
 * time (a variable, not a literal, so it type-checks against either policy shape).
 */
const quickGiveUp = { baseMs: 50, maxMs: 300, maxAttempts: 4, budgetMs: 1000 };

describe.each(ENGINES)('the live consumer through a search engine outage on %s', (engine) => {
  const direct = sinkFor(engine);
  afterAll(() => direct.close());

  it('pauses, keeps its group membership, commits nothing unwritten, resumes by itself; the index equals the reference fold', async () => {
    const model = isolatedProductModel();
    const all = [...generateProductEvents({ products: 120, seed: 61 })].map((g) => g.envelope);
    const before = all.slice(0, 200);
    const during = all.slice(200);
    await publishEvents(model.topic, 2, before);
    const assets = await assetsFor(model);
    const index = `${model.indexBase}_live`;
    await direct.createIndex(index, assets.mapping);

    const proxy = await startFaultProxy(nodeFor(engine));
    // The sink itself gives up after ~1 s: the waiting under test is the consumer's, not the sink's.
    const sink = createSearchSink({ engine, node: proxy.url, backoff: quickGiveUp });
    const controller = new AbortController();
    // A 6-s session: without heartbeats during the 20-s outage the member would be evicted.
    const consumer = createKafkaGroupConsumer({
      brokers: brokers(),
      clientId: 'readmodel-test',
      groupId: model.consumerGroup,
      topic: model.topic,
      sessionTimeoutMs: 6000,
    });
    const warnings: string[] = [];
    const progress = createProgressBus();
    progress.subscribe((e) => void (e.type === 'log' && e.level === 'warn' && warnings.push(e.message)));
    let settled = false;
    const running = runConsume(
      { assets, onInvalid: 'stop', target: index, signal: controller.signal, sinkBackoff: { baseMs: 200, maxMs: 2000 } },
      { consumer, sink, progress },
    ).finally(() => (settled = true));
    running.catch(() => undefined);
    try {
      await until('the first events are committed', async () => (await groupState(model)).committed === before.length);
      const healthy = await groupState(model);
      expect(healthy.state).toBe('Stable');
      expect(healthy.members).toHaveLength(1);

      proxy.set({ unavailable: 1, match: 'all' }, { forMs: 20_000 });
      await publishEvents(model.topic, 2, during);
      await until('the consumer is waiting for the engine', async () => warnings.some((w) => w.includes('paused, retrying its batch')));
      // While the engine is down: nothing new is committed, the member is the same, the consumer has not given up.
      let samples = 0;
      while (proxy.faults.unavailable) {
        const s = await groupState(model);
        if (!proxy.faults.unavailable) break;
        expect(s.committed).toBe(before.length);
        expect(s.members).toEqual(healthy.members);
        expect(settled).toBe(false);
        samples++;
        await new Promise((r) => setTimeout(r, 1000));
      }
      expect(samples).toBeGreaterThan(5);
      expect(proxy.stats.unavailable).toBeGreaterThan(0);

      await until('everything is committed after the engine came back', async () => (await groupState(model)).committed === all.length);
      const after = await groupState(model);
      expect(after.members).toEqual(healthy.members);
      expect(await allDocs(direct, index)).toEqual(referenceFold(model, assets, all));
      expect(settled).toBe(false);
    } finally {
      controller.abort();
      const report = await running.catch((e) => e);
      await sink.close();
      await proxy.close();
      expect(report).toMatchObject({ counters: { eventsRead: all.length } });
      expect(report.sinkWaits).toBeGreaterThan(0);
    }
  });

  it('with --max-sink-wait it gives up as SINK_UNAVAILABLE (exit 6), not as a Kafka outage, having committed nothing unwritten', async () => {
    const model = isolatedProductModel();
    const events = [...generateProductEvents({ products: 20, seed: 62 })].map((g) => g.envelope);
    await publishEvents(model.topic, 1, events);
    const assets = await assetsFor(model);
    const index = `${model.indexBase}_live`;
    await direct.createIndex(index, assets.mapping);
    const proxy = await startFaultProxy(nodeFor(engine));
    const sink = createSearchSink({ engine, node: proxy.url, backoff: quickGiveUp });
    const controller = new AbortController();
    const consumer = modelGroupConsumer(model);
    const running = runConsume(
      {
        assets,
        onInvalid: 'stop',
        target: index,
        signal: controller.signal,
        maxSinkWaitMs: 3000,
        sinkBackoff: { baseMs: 200, maxMs: 1000 },
      },
      { consumer, sink, progress: createProgressBus() },
    );
    running.catch(() => undefined);
    // Down from the start (after the target check): the first batch can never be written.
    proxy.set({ unavailable: 1, match: 'bulk' });
    try {
      const err = await running.catch((e) => e);
      expect(err).toMatchObject({ code: 'SINK_UNAVAILABLE', exitCode: 6, context: { target: index, partition: 0 } });
      expect(err.message).toMatch(/gave up waiting for/);
      expect(err.suggestion).toContain('--max-sink-wait');
      expect((await groupState(model)).committed).toBe(0);
    } finally {
      controller.abort();
      await sink.close();
      await proxy.close();
    }
  });
});
