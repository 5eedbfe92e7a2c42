import type { Consumer } from 'kafkajs';
import { isReadmodelError } from '../../core/errors.js';
import type { GroupConsumer } from '../../core/ports/group-consumer.js';
import { createKafkaClient, type KafkaConnectionOptions } from './kafka-connection.js';
import { sourceError } from './kafka-errors.js';

export interface KafkaGroupConsumerOptions extends KafkaConnectionOptions {
  groupId: string;
  topic: string;
  /** Where a group with no committed offset starts. */
  fromBeginning?: boolean;
  maxBytesPerPartition?: number;
  /** How often a batch that takes long (a sink outage, a slow write) tells the group it is alive. */
  keepAliveMs?: number;
  /** The group's session timeout (kafkajs default 30 s): a member silent for longer is evicted. */
  sessionTimeoutMs?: number;
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
        ...(options.sessionTimeoutMs
          ? { sessionTimeout: options.sessionTimeoutMs, heartbeatInterval: Math.max(500, Math.floor(options.sessionTimeoutMs / 5)) }
          : {}),
      });
      let crashed: ((err: unknown) => void) | undefined;
      const crash = new Promise<never>((_, reject) => (crashed = reject));
      crash.catch(() => undefined);
      consumer.on(consumer.events.CRASH, (e) => crashed?.(e.payload.error));
      // A handler failure is the handler's own error (a sink refusal, an invalid event), never a Kafka one.
      let handlerFailed: { error: unknown } | undefined;
      try {
        await consumer.connect();
        await consumer.subscribe({ topic: options.topic, fromBeginning: options.fromBeginning ?? true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
            if (handlerFailed || signal.aborted || !isRunning() || isStale() || batch.messages.length === 0) return;
            const records = batch.messages.map((m) => ({
              topic: batch.topic,
              partition: batch.partition,
              offset: Number(m.offset),
              key: m.key ? m.key.toString('utf8') : null,
              value: m.value,
              timestamp: Number(m.timestamp),
            }));
            // kafkajs 2.x heartbeats only between batches: keep the membership while one takes long.
            let membershipLost: unknown;
            const beat = async () => {
              try {
                await heartbeat();
              } catch (err) {
                membershipLost ??= err;
                throw err;
              }
            };
            const keepAlive = setInterval(() => void beat().catch(() => undefined), options.keepAliveMs ?? 1000);
            let paused = false;
            try {
              await handler({
                topic: batch.topic,
                partition: batch.partition,
                records,
                highWatermark: Number(batch.highWatermark),
                heartbeat: beat,
                pause: () => {
                  consumer.pause([{ topic: batch.topic }]);
                  paused = true;
                  return () => {
                    if (paused) consumer.resume([{ topic: batch.topic }]);
                    paused = false;
                  };
                },
              });
            } catch (err) {
              // The group moved on: let kafkajs rejoin; the batch is redelivered (its writes are version-guarded).
              if (membershipLost !== undefined) throw membershipLost;
              // Stopping mid-batch: nothing of it is committed, the next member starts from it again.
              if (signal.aborted) return;
              handlerFailed = { error: err };
              crashed?.(err);
              return;
            } finally {
              clearInterval(keepAlive);
              if (paused) consumer.resume([{ topic: batch.topic }]);
            }
            if (membershipLost !== undefined) throw membershipLost;
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
        if (handlerFailed && err === handlerFailed.error) throw err;
        if (isReadmodelError(err)) throw err;
        throw sourceError(err, `consuming "${options.topic}" as group "${options.groupId}"`, options.brokers);
      } finally {
        // disconnect waits for the batch in progress, so its commit is not lost.
        await consumer.disconnect().catch(() => undefined);
      }
    },
  };
}
