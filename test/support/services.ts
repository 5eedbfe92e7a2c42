import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { independentKafkaClient } from './kafkajs-client.js';
import { createKafkaEventSource } from '../../src/adapters/kafka/kafka-event-source.js';
import { createKafkaGroupConsumer } from '../../src/adapters/kafka/kafka-group-consumer.js';
import { createKafkaPublisher } from '../../src/adapters/kafka/kafka-publisher.js';
import { createSearchSink } from '../../src/adapters/search/create-search-sink.js';
import type { EngineKind, SearchSink } from '../../src/core/ports/search-sink.js';
import type { EventEnvelope } from '../../src/core/envelope.js';
import type { ReadModelDefinition } from '../../src/core/read-model.js';
import { productSearchModel } from '../../src/core/read-models/product-search/model.js';

/** Unique, valid Kafka topic / index name per test, so tests never see each other's data. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`.toLowerCase();
}

export const brokers = (): string[] => inject('kafkaBrokers').split(',');

export const ENGINES: EngineKind[] = ['opensearch', 'elasticsearch'];

export function nodeFor(engine: EngineKind): string {
  return engine === 'opensearch' ? inject('opensearchUrl') : inject('elasticsearchUrl');
}

export function sinkFor(engine: EngineKind): SearchSink {
  return createSearchSink({ engine, node: nodeFor(engine), backoff: { budgetMs: 5_000, baseMs: 50, maxMs: 500 } });
}

export function kafkaSource() {
  return createKafkaEventSource({ brokers: brokers(), clientId: 'readmodel-test' });
}

export function kafkaPublisher() {
  return createKafkaPublisher({ brokers: brokers(), clientId: 'readmodel-test' });
}

/** The live consumer's group consumer for a test model (its own group and topic). */
export function modelGroupConsumer(model: Pick<ReadModelDefinition, 'consumerGroup' | 'topic'>) {
  return createKafkaGroupConsumer({ brokers: brokers(), clientId: 'readmodel-test', groupId: model.consumerGroup, topic: model.topic });
}

export function kafkaAdmin() {
  return independentKafkaClient(brokers()).admin();
}

/** Creates a topic and publishes envelopes keyed by aggregate id (raw strings pass through as-is). */
export async function publishEvents(
  topic: string,
  partitions: number,
  events: ReadonlyArray<EventEnvelope | { key: string; value: string }>,
) {
  const p = kafkaPublisher();
  try {
    await p.ensureTopic(topic, partitions);
    const records = events.map((e) => ('eventId' in e ? { key: e.aggregateId, value: JSON.stringify(e) } : e));
    for (let i = 0; i < records.length; i += 1000) await p.publish(topic, records.slice(i, i + 1000));
  } finally {
    await p.close();
  }
}

/** The product model with its own topic, index names and alias: isolated per test. */
export function isolatedProductModel(over: Partial<ReadModelDefinition> = {}): ReadModelDefinition {
  const id = uniqueName('t');
  return {
    ...productSearchModel,
    topic: `product-events-${id}`,
    indexBase: `ps_${id}`,
    consumerGroup: `readmodel.test.${id}`,
    ...over,
  };
}

/** The live consumer's position without running one: the group committed the end of every partition. */
export async function commitToEnd(model: Pick<ReadModelDefinition, 'topic' | 'consumerGroup'>) {
  const admin = kafkaAdmin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(model.topic);
    await admin.setOffsets({
      groupId: model.consumerGroup,
      topic: model.topic,
      partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
    });
  } finally {
    await admin.disconnect();
  }
}
