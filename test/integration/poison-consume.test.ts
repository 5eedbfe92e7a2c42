import { afterAll, describe, expect, it } from 'vitest';
import { independentKafkaClient } from '../support/kafkajs-client.js';
import { createKafkaDeadLetterSink, DLQ_HEADERS } from '../../src/adapters/kafka/kafka-dead-letter-sink.js';
import { runConsume } from '../../src/app/run-consume.js';
import { runReplay } from '../../src/app/run-replay.js';
import type { EventEnvelope } from '../../src/core/envelope.js';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';
import { createProgressBus } from '../../src/core/progress/progress-events.js';
import { assetsFor } from '../support/assets.js';
import { productEvents } from '../../src/core/read-models/product-search/event-builders.js';
import { rebuild } from '../support/rebuild-helpers.js';
import {
  ENGINES,
  brokers,
  isolatedProductModel,
  kafkaAdmin,
  kafkaSource,
  publishEvents,
  sinkFor,
  uniqueName,
  modelGroupConsumer,
} from '../support/services.js';

type Model = ReturnType<typeof isolatedProductModel>;

/** Sum of the group's committed offsets on the topic (0 for a partition it never committed). */
async function committed(model: Model): Promise<number> {
  const admin = kafkaAdmin();
  await admin.connect();
  try {
    const offsets = await admin.fetchOffsets({ groupId: model.consumerGroup, topics: [model.topic] });
    return offsets[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

async function until(what: string, check: () => Promise<boolean>, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every record of a topic with its headers (kafkajs directly: the event source does not expose headers). */
async function readAllWithHeaders(topic: string, expected: number) {
  const consumer = independentKafkaClient(brokers()).consumer({ groupId: uniqueName('dlq-reader') });
  const out: Array<{ key: string | null; value: string | null; headers: Record<string, string> }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      out.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers });
    },
  });
  await until(`${expected} records in ${topic}`, async () => out.length >= expected);
  await consumer.disconnect();
  return out;
}

/** The live index with the product mapping as it was before the fix: attributeFacets unbounded. */
async function unboundedTarget(sink: ReturnType<typeof sinkFor>, model: Model) {
  const assets = await assetsFor(model);
  const mapping = structuredClone(assets.mapping) as { mappings: { properties: Record<string, Record<string, unknown>> } };
  delete mapping.mappings.properties.attributeFacets!.ignore_above;
  const index = `${model.indexBase}_live`;
  await sink.createIndex(index, mapping as never);
  return { assets, index };
}

describe.each(ENGINES)('poison events in the live consumer on %s', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  it('parks refused documents and invalid events in the dead-letter topic, commits past them and keeps going', async () => {
    const model = isolatedProductModel();
    const dlqTopic = `${model.topic}.dlq`;
    const good = [...generateProductEvents({ products: 15, seed: 41 })].map((g) => g.envelope);
    const poison = productEvents('px-huge').created({ attributes: { engraving: 'x'.repeat(40_000) } });
    const invalid = {
      ...good[0]!,
      eventId: '99999999-1111-4222-8333-444444444444',
      aggregateVersion: 500,
      eventType: 'StockAdjusted',
      data: { delta: 'lots', reason: 'sale' },
    };
    await publishEvents(model.topic, 1, [...good, poison, invalid]);
    const { assets, index } = await unboundedTarget(sink, model);

    const deadLetters = createKafkaDeadLetterSink({
      brokers: brokers(),
      clientId: 'readmodel-test',
      topic: dlqTopic,
      model: model.name,
      groupId: model.consumerGroup,
    });
    const controller = new AbortController();
    const consumer = modelGroupConsumer(model);
    let settled = false;
    const running = runConsume(
      { assets, onInvalid: 'skip', target: index, signal: controller.signal },
      { consumer, sink, progress: createProgressBus(), deadLetters },
    ).finally(() => (settled = true));
    try {
      await until('everything is committed', async () => (await committed(model)) === good.length + 2);
      const letters = await readAllWithHeaders(dlqTopic, 2);
      expect(letters).toHaveLength(2);
      const bySource = new Map(letters.map((l) => [l.headers[DLQ_HEADERS.offset], l]));
      expect(bySource.get(String(good.length))).toMatchObject({
        key: 'px-huge',
        value: JSON.stringify(poison),
        headers: {
          [DLQ_HEADERS.stage]: 'sink',
          [DLQ_HEADERS.reason]: expect.stringMatching(/document px-huge \(version 1\) rejected by .*immense term/is),
          [DLQ_HEADERS.documentId]: 'px-huge',
          [DLQ_HEADERS.topic]: model.topic,
          [DLQ_HEADERS.partition]: '0',
          [DLQ_HEADERS.model]: model.name,
          [DLQ_HEADERS.group]: model.consumerGroup,
        },
      });
      expect(bySource.get(String(good.length + 1))).toMatchObject({
        value: JSON.stringify(invalid),
        headers: { [DLQ_HEADERS.stage]: 'contract', [DLQ_HEADERS.reason]: expect.stringContaining('/data/delta type') },
      });

      // It keeps going: events after the poison are applied and committed.
      const later = productEvents('p-after').created();
      await publishEvents(model.topic, 1, [later]);
      await until('the later event is committed', async () => (await committed(model)) === good.length + 3);
      expect((await sink.getMany(index, ['p-after'])).get('p-after')?.version).toBe(1);
      expect((await sink.getMany(index, ['px-huge'])).size).toBe(0);
      expect(settled).toBe(false);
    } finally {
      controller.abort();
      const report = await running;
      await deadLetters.close();
      expect(report).toMatchObject({ deadLetterTopic: dlqTopic, deadLettered: 2, counters: { docsRejected: 1, eventsInvalid: 1 } });
    }
  });

  it('with --on-invalid stop a refused document stops the consumer as SINK_REJECTED (not a Kafka outage), committing nothing past it', async () => {
    const model = isolatedProductModel();
    const good = [...generateProductEvents({ products: 10, seed: 42 })].map((g) => g.envelope);
    await publishEvents(model.topic, 1, good);
    const { assets, index } = await unboundedTarget(sink, model);
    const controller = new AbortController();
    const consumer = modelGroupConsumer(model);
    const running = runConsume(
      { assets, onInvalid: 'stop', target: index, signal: controller.signal },
      { consumer, sink, progress: createProgressBus() },
    );
    running.catch(() => undefined);
    try {
      await until('the good events are committed', async () => (await committed(model)) === good.length);
      await publishEvents(model.topic, 1, [productEvents('px-huge').created({ attributes: { engraving: 'x'.repeat(40_000) } })]);
      const err = await running.catch((e) => e);
      expect(err).toMatchObject({
        code: 'SINK_REJECTED',
        exitCode: 1,
        context: { id: 'px-huge', topic: model.topic, partition: 0, offset: good.length },
      });
      expect(await committed(model)).toBe(good.length);
    } finally {
      controller.abort();
    }
  });

  it('a null Kafka key is invalid (rule key) in rebuild, consume and replay alike', async () => {
    const model = isolatedProductModel();
    const p = productEvents('p-null');
    const keyed: EventEnvelope[] = [p.created(), p.published(), p.priceV2(4200)];
    const unkeyed = p.stock(-3);
    await publishEvents(model.topic, 1, keyed);
    const producer = independentKafkaClient(brokers()).producer();
    await producer.connect();
    await producer.send({ topic: model.topic, acks: -1, messages: [{ key: null, value: JSON.stringify(unkeyed) }] });
    await producer.disconnect();

    // rebuild, default: stops at the event, rule key.
    const stopped = await rebuild(model, sink).catch((e) => e);
    expect(stopped).toMatchObject({
      code: 'CONTRACT_VIOLATION',
      context: { partition: 0, offset: 3, rule: 'key', pointer: '/aggregateId', eventId: unkeyed.eventId },
    });
    expect(stopped.message).toContain('Kafka key is null');

    // rebuild --on-invalid skip: the event is skipped and listed.
    const skipped = await rebuild({ ...model, indexBase: `${model.indexBase}_skip` }, sink, { onInvalid: 'skip' });
    expect(skipped.manifest.skipped).toEqual([
      expect.objectContaining({ partition: 0, offset: 3, eventId: unkeyed.eventId, reason: expect.stringContaining('key') }),
    ]);
    const built = (await sink.getMany(skipped.manifest.index, ['p-null'])).get('p-null')!;
    expect(built.version).toBe(3);

    // consume: the same document (the null-key event is not applied).
    const assets = await assetsFor(model);
    const live = `${model.indexBase}_live`;
    await sink.createIndex(live, assets.mapping);
    const controller = new AbortController();
    const consumer = modelGroupConsumer(model);
    const running = runConsume(
      { assets, onInvalid: 'skip', target: live, signal: controller.signal },
      { consumer, sink, progress: createProgressBus() },
    );
    try {
      await until('the topic is committed', async () => (await committed(model)) === 4);
    } finally {
      controller.abort();
    }
    const consumed = await running;
    expect(consumed.counters.eventsInvalid).toBe(1);
    expect((await sink.getMany(live, ['p-null'])).get('p-null')).toEqual(built);

    // replay into a third index: the same document, and the null-key event is reported, not applied.
    const replayed = `${model.indexBase}_replay`;
    // An index of this model (replay writes only into builds of the model it replays).
    await sink.createIndex(replayed, {
      ...assets.mapping,
      mappings: {
        ...assets.mapping.mappings,
        _meta: { readmodel: { model: model.name, status: 'complete', index: replayed, ranges: [] } },
      },
    });
    const source = kafkaSource();
    try {
      const r = await runReplay({ assets, aggregateIds: ['p-null'], toIndex: replayed }, { source, sink, progress: createProgressBus() });
      expect(r).toMatchObject({
        eventsMatched: 3,
        eventsInvalid: 1,
        written: 1,
        documents: [{ id: 'p-null', version: 3, action: 'index' }],
      });
    } finally {
      await source.close();
    }
    expect((await sink.getMany(replayed, ['p-null'])).get('p-null')).toEqual(built);
  });
});
