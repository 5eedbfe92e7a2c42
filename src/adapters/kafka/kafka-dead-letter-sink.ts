import type { DeadLetter, DeadLetterSink } from '../../core/ports/dead-letter-sink.js';
import type { KafkaConnectionOptions } from './kafka-connection.js';
import { sourceError } from './kafka-errors.js';
import { createIdempotentProducer, type KeyedProducer } from './idempotent-producer.js';
import { ensureTopic } from './ensure-topic.js';
import { lazyAdmin } from './lazy-admin.js';

export interface KafkaDeadLetterSinkOptions extends KafkaConnectionOptions {
  topic: string;
  /** Read model and consumer group named in every letter's headers. */
  model: string;
  groupId: string;
  /** Partitions of the topic when readmodel has to create it. */
  partitions?: number;
}

/** Header names (Kafka Connect spells its own `__connect.errors.*`). */
export const DLQ_HEADERS = {
  stage: 'readmodel.error.stage',
  reason: 'readmodel.error.reason',
  documentId: 'readmodel.error.document.id',
  topic: 'readmodel.origin.topic',
  partition: 'readmodel.origin.partition',
  offset: 'readmodel.origin.offset',
  model: 'readmodel.origin.model',
  group: 'readmodel.origin.group',
  at: 'readmodel.error.at',
} as const;

/**
 * Parks records in a dead-letter topic, unchanged (key, value, timestamp), with headers naming the
 * reason and where they came from. Sends with acks=all and idempotence: the consumer commits the
 * offsets past a record only after its letter is acknowledged.
 */
export function createKafkaDeadLetterSink(options: KafkaDeadLetterSinkOptions): DeadLetterSink {
  let producer: KeyedProducer | undefined;
  let ready: Promise<void> | undefined;
  const connect = async () => {
    ready ??= (async () => {
      const admins = lazyAdmin(options);
      try {
        await ensureTopic(admins.get(), options.topic, options.partitions ?? 1);
      } finally {
        await admins.close();
      }
      producer = createIdempotentProducer(options);
    })();
    try {
      await ready;
    } catch (err) {
      ready = undefined;
      throw sourceError(err, `preparing the dead-letter topic "${options.topic}"`, options.brokers);
    }
  };
  return {
    topic: options.topic,
    async park(letters: readonly DeadLetter[]) {
      if (letters.length === 0) return;
      await connect();
      const at = new Date().toISOString();
      try {
        await producer!.send({
          messages: letters.map((l) => ({
            topic: options.topic,
            ...(l.record.key !== null ? { key: l.record.key } : {}),
            ...(l.record.value !== null ? { value: l.record.value } : {}),
            timestamp: BigInt(l.record.timestamp),
            headers: {
              [DLQ_HEADERS.stage]: l.stage,
              [DLQ_HEADERS.reason]: l.reason,
              ...(l.documentId !== undefined ? { [DLQ_HEADERS.documentId]: l.documentId } : {}),
              [DLQ_HEADERS.topic]: l.record.topic,
              [DLQ_HEADERS.partition]: String(l.record.partition),
              [DLQ_HEADERS.offset]: String(l.record.offset),
              [DLQ_HEADERS.model]: options.model,
              [DLQ_HEADERS.group]: options.groupId,
              [DLQ_HEADERS.at]: at,
            },
          })),
        });
      } catch (err) {
        throw sourceError(err, `parking ${letters.length} record(s) in the dead-letter topic "${options.topic}"`, options.brokers);
      }
    },
    async close() {
      await producer?.close().catch(() => undefined);
    },
  };
}
