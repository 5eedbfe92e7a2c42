import { describe, expect, it } from 'vitest';
import { createKafkaEventSource } from '../../src/adapters/kafka/kafka-event-source.js';
import { createKafkaGroupConsumer } from '../../src/adapters/kafka/kafka-group-consumer.js';
import { createKafkaLagReader } from '../../src/adapters/kafka/kafka-lag-reader.js';
import { createKafkaPublisher } from '../../src/adapters/kafka/kafka-publisher.js';
import { brokers, kafkaSource, uniqueName } from '../support/services.js';

/** Nothing listens there: connections are refused at once. */
const DEAD = ['127.0.0.1:1'];
const unavailable = { code: 'SOURCE_UNAVAILABLE', exitCode: 5, context: { brokers: '127.0.0.1:1' } };

describe('Kafka failures are classified once, by the adapters (real sockets)', () => {
  it('an unreachable cluster is SOURCE_UNAVAILABLE, exit 5, naming the brokers, from every adapter', async () => {
    const source = createKafkaEventSource({ brokers: DEAD });
    const publisher = createKafkaPublisher({ brokers: DEAD });
    const lag = createKafkaLagReader({ brokers: DEAD });
    try {
      await expect(source.watermarks('t')).rejects.toMatchObject(unavailable);
      const read = async () => {
        for await (const _ of source.readRanges({ topic: 't', ranges: [{ partition: 0, start: 0, end: 1 }] })) void _;
      };
      await expect(read()).rejects.toMatchObject(unavailable);
      await expect(publisher.publish('t', [{ key: 'k', value: 'v' }])).rejects.toMatchObject(unavailable);
      await expect(lag.groupOffsets('g', 't')).rejects.toMatchObject(unavailable);
      const consumer = createKafkaGroupConsumer({ brokers: DEAD, groupId: 'g', topic: 't' });
      await expect(consumer.run(async () => undefined, { signal: new AbortController().signal })).rejects.toMatchObject(unavailable);
    } finally {
      await Promise.allSettled([source.close(), publisher.close(), lag.close()]);
    }
  }, 120_000);

  it('a missing topic is TOPIC_NOT_FOUND (exit 5) for reads and lag, not a broker outage', async () => {
    const source = kafkaSource();
    const lag = createKafkaLagReader({ brokers: brokers(), clientId: 'readmodel-test' });
    const topic = uniqueName('missing');
    try {
      await expect(source.watermarks(topic)).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND', exitCode: 5 });
      await expect(source.topicConfig(topic)).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND', exitCode: 5 });
      await expect(lag.groupOffsets('g', topic)).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND', exitCode: 5 });
    } finally {
      await Promise.allSettled([source.close(), lag.close()]);
    }
  });
});
