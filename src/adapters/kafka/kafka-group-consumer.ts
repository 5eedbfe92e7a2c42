import type { Consumer } from 'kafkajs';
import type { GroupConsumer } from '../../core/ports/group-consumer.js';
import { createKafkaClient, type KafkaConnectionOptions } from './kafka-connection.js';
import { sourceError } from './kafka-errors.js';

export interface KafkaGroupConsumerOptions extends KafkaConnectionOptions {
  groupId: string;
  topic: string;
  /** Where a group with no committed offset starts. */
  fromBeginning?: boolean;
  maxBytesPerPartition?: number;
}

/** The live consumer's group membership, with commits only after the handler has finished. */
export function createKafkaGroupConsumer(options: KafkaGroupConsumerOptions): GroupConsumer {
  const kafka = createKafkaClient(options);
  return {
    async run(handler, { signal }) {
      const consumer: Consumer = kafka.consumer({
        groupId: options.groupId,
        allowAutoTopicCreation: false,
        maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
        retry: { retries: 5 },
      });
      let crashed: ((err: unknown) => void) | undefined;
      const crash = new Promise<never>((_, reject) => (crashed = reject));
      crash.catch(() => undefined);
      consumer.on(consumer.events.CRASH, (e) => crashed?.(e.payload.error));
      try {
        await consumer.connect();
        await consumer.subscribe({ topic: options.topic, fromBeginning: options.fromBeginning ?? true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
            if (!isRunning() || isStale() || batch.messages.length === 0) return;
            const records = batch.messages.map((m) => ({
              topic: batch.topic,
              partition: batch.partition,
              offset: Number(m.offset),
              key: m.key ? m.key.toString('utf8') : null,
              value: m.value,
              timestamp: Number(m.timestamp),
            }));
            await handler({ topic: batch.topic, partition: batch.partition, records, highWatermark: Number(batch.highWatermark) });
            const last = batch.messages[batch.messages.length - 1]!.offset;
            resolveOffset(last);
            await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(last) + 1) }]);
            await heartbeat();
          },
        });
        const stopped = new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        await Promise.race([stopped, crash]);
      } catch (err) {
        throw sourceError(err, `consuming "${options.topic}" as group "${options.groupId}"`, options.brokers);
      } finally {
        // disconnect waits for the batch in progress, so its commit is not lost.
        await consumer.disconnect().catch(() => undefined);
      }
    },
  };
}
