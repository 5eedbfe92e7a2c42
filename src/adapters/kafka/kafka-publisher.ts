import type { KafkaConnectionOptions } from './kafka-connection.js';
import { sourceError } from './kafka-errors.js';
import type { EventPublisher } from '../../core/ports/event-publisher.js';
import { createIdempotentProducer, type KeyedProducer } from './idempotent-producer.js';
import { ensureTopic } from './ensure-topic.js';
import { lazyAdmin } from './lazy-admin.js';
import { watermarksOf } from './topic-offsets.js';

/** Keyed publishing with the Java-compatible murmur2 partitioner, so keys land where Java clients put them. */
export function createKafkaPublisher(options: KafkaConnectionOptions): EventPublisher {
  const admins = lazyAdmin(options);
  let producer: KeyedProducer | undefined;
  return {
    async ensureTopic(topic, partitions) {
      try {
        return await ensureTopic(admins.get(), topic, partitions);
      } catch (err) {
        throw sourceError(err, `creating topic "${topic}"`, options.brokers);
      }
    },
    async publish(topic, records) {
      producer ??= createIdempotentProducer(options);
      try {
        await producer.send({
          messages: records.map((r) => ({ topic, key: r.key, value: r.value, ...(r.timestamp ? { timestamp: BigInt(r.timestamp) } : {}) })),
        });
      } catch (err) {
        throw sourceError(err, `publishing to "${topic}"`, options.brokers);
      }
    },
    async count(topic) {
      try {
        const a = admins.get();
        if (!(await a.listTopics()).includes(topic)) return undefined;
        const marks = await watermarksOf(a, topic);
        return marks.reduce((n, m) => n + m.high - m.low, 0);
      } catch (err) {
        throw sourceError(err, `reading the size of "${topic}"`, options.brokers);
      }
    },
    async close() {
      await Promise.allSettled([producer?.close(), admins.close()]);
    },
  };
}
