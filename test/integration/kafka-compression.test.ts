import { Producer, stringSerializers, type CompressionAlgorithmValue } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import type { RawRecord } from '../../src/core/ports/event-source.js';
import { independentKafkaClient } from '../support/kafkajs-client.js';
import { brokers, kafkaPublisher, kafkaSource, uniqueName } from '../support/services.js';

const CODECS: CompressionAlgorithmValue[] = ['gzip', 'snappy', 'lz4', 'zstd'];

describe('the Kafka source reads every compression codec a producer may use (real broker)', () => {
  it('gzip, snappy, lz4 and zstd batches, and gzip from another client, come back byte for byte', async () => {
    const topic = uniqueName('codecs');
    const publisher = kafkaPublisher();
    await publisher.ensureTopic(topic, 1);
    await publisher.close();
    const expected: string[] = [];
    const producer = new Producer({ clientId: 'readmodel-test', bootstrapBrokers: brokers(), serializers: stringSerializers });
    try {
      for (const compression of CODECS) {
        const values = Array.from({ length: 50 }, (_, i) => JSON.stringify({ compression, i, pad: 'x'.repeat(200) }));
        await producer.send({ messages: values.map((value) => ({ topic, key: compression, value })), compression });
        expected.push(...values);
      }
    } finally {
      await producer.close();
    }
    const other = independentKafkaClient(brokers()).producer();
    await other.connect();
    try {
      const values = Array.from({ length: 50 }, (_, i) => `other-gzip-${i}`);
      await other.send({ topic, compression: 1, messages: values.map((value) => ({ key: 'other', value })) });
      expected.push(...values);
    } finally {
      await other.disconnect();
    }
    const source = kafkaSource();
    try {
      const [marks] = await source.watermarks(topic);
      const read: RawRecord[] = [];
      for await (const b of source.readRanges({ topic, ranges: [{ partition: 0, start: 0, end: marks!.high }] })) read.push(...b);
      expect(read.map((r) => r.value!.toString('utf8'))).toEqual(expected);
      expect(read.map((r) => r.offset)).toEqual(expected.map((_, i) => i));
    } finally {
      await source.close();
    }
  });
});
