import type { Producer } from 'kafkajs';
import { createKafkaClient, type KafkaConnectionOptions } from './kafka-connection.js';
import { sourceError } from './kafka-errors.js';
import type { EventPublisher } from '../../core/ports/event-publisher.js';
import { connectIdempotentProducer } from './idempotent-producer.js';
import { ensureTopic } from './ensure-topic.js';

/** Keyed publishing with the Java-compatible murmur2 partitioner, so keys land where Java clients put them. */
export function createKafkaPublisher(options: KafkaConnectionOptions): EventPublisher {
  const kafka = createKafkaClient(options);
  const admin = kafka.admin();
  let producer: Producer | undefined;
  let connected: Promise<void> | undefined;
  const connect = async () => {
    connected ??= (async () => {
      await admin.connect();
      producer = await connectIdempotentProducer(kafka);
    })();
    try {
      await connected;
    } catch (err) {
      connected = undefined;
      throw sourceError(err, 'connecting the publisher', options.brokers);
    }
  };
  return {
    async ensureTopic(topic, partitions) {
      await connect();
      try {
        return await ensureTopic(admin, topic, partitions);
      } catch (err) {
        throw sourceError(err, `creating topic "${topic}"`, options.brokers);
      }
    },
    async publish(topic, records) {
      await connect();
      try {
        await producer!.send({
          topic,
          acks: -1,
          messages: records.map((r) => ({ key: r.key, value: r.value, ...(r.timestamp ? { timestamp: String(r.timestamp) } : {}) })),
        });
      } catch (err) {
        throw sourceError(err, `publishing to "${topic}"`, options.brokers);
      }
    },
    async count(topic) {
      await connect();
      try {
        const existing = await admin.fetchTopicMetadata({ topics: [] });
        if (!existing.topics.some((t) => t.name === topic)) return undefined;
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
      } catch (err) {
        throw sourceError(err, `reading the size of "${topic}"`, options.brokers);
      }
    },
    async close() {
      await Promise.allSettled([producer?.disconnect(), admin.disconnect()]);
    },
  };
}
