import { compatibilityPartitioner, Producer, stringSerializers } from '@platformatic/kafka';
import { clientOptions } from './kafka-client-options.js';
import type { KafkaConnectionOptions } from './kafka-connection.js';

/** Keys and values as UTF-8 strings (a dead letter's value stays the record's raw bytes). */
export type KeyedProducer = Producer<string, string | Buffer, string, string>;

/**
 * A producer that places keys like Java's default partitioner (murmur2 of the key bytes, sign bit
 * masked, modulo the partition count: the client's Java-compatible partitioner, not its default),
 * never creates topics, and writes each partition in order exactly once (idempotent, acks=all).
 */
export function createIdempotentProducer(options: KafkaConnectionOptions): KeyedProducer {
  return new Producer({
    ...clientOptions(options),
    idempotent: true,
    acks: -1,
    partitioner: compatibilityPartitioner,
    autocreateTopics: false,
    serializers: {
      key: stringSerializers.key,
      value: (v?: string | Buffer) => (v === undefined || Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8')),
      headerKey: stringSerializers.headerKey,
      headerValue: stringSerializers.headerValue,
    },
  });
}
