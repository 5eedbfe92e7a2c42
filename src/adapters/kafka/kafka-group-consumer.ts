import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';
import { isReadmodelError } from '../../core/errors.js';
import type { RawRecord } from '../../core/ports/event-source.js';
import type { GroupConsumer } from '../../core/ports/group-consumer.js';
import { clientOptions } from './kafka-client-options.js';
import type { KafkaConnectionOptions } from './kafka-connection.js';
import { kafkaErrorId, sourceError } from './kafka-errors.js';

export interface KafkaGroupConsumerOptions extends KafkaConnectionOptions {
  groupId: string;
  topic: string;
  /** Where a group with no committed offset starts. */
  fromBeginning?: boolean;
  maxBytesPerPartition?: number;
  /** The group's session timeout (default 30 s): a member silent for longer is evicted. */
  sessionTimeoutMs?: number;
}

const READ_COMMITTED = 1;
/** Records taken from the stream per round: bounds one handler call. */
const MAX_BATCH = 2000;
/** How stale the high watermark shown in progress may be. */
const WATERMARK_REFRESH_MS = 2000;
/** Commit failures that mean the group moved on without this member (the batch is redelivered). */
const MEMBERSHIP_LOST = new Set(['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS', 'FENCED_INSTANCE_ID']);

type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

/**
 * The live consumer's group membership, with commits only after the handler has finished. The
 * client heartbeats in the background, so a batch that takes long (a sink outage) keeps the
 * membership; a rebalance is seen as a change of the group generation.
 */
export function createKafkaGroupConsumer(options: KafkaGroupConsumerOptions): GroupConsumer {
  return {
    async run(handler, { signal }) {
      const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
      const consumer = new Consumer({
        ...clientOptions(options),
        groupId: options.groupId,
        sessionTimeout,
        rebalanceTimeout: Math.max(sessionTimeout, 60_000),
        heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 5)),
        isolationLevel: READ_COMMITTED,
        maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
        maxWaitTime: 500,
      });
      let stream: Stream | undefined;
      // A handler failure is the handler's own error (a sink refusal, an invalid event), never a Kafka one.
      let handlerFailed: { error: unknown } | undefined;
      try {
        stream = await consumer.consume({
          topics: [options.topic],
          mode: 'committed',
          fallbackMode: (options.fromBeginning ?? true) ? 'earliest' : 'latest',
          autocommit: false,
        });
        const marks = watermarks(consumer, options.topic);
        const reader = messageReader(stream, signal);
        for (;;) {
          const messages = await reader.next();
          if (messages.length === 0 || signal.aborted) break;
          for (const [partition, batch] of byPartition(messages)) {
            if (signal.aborted) break;
            // Fetched before a rebalance that gave the partition to another member: that member reads
            // it from the last commit, which never covers a record not yet written.
            if (!owns(consumer, options.topic, partition)) continue;
            const generation = consumer.generationId;
            const records = batch.map(toRawRecord);
            const last = batch[batch.length - 1]!;
            const lost = () => consumer.generationId !== generation || !owns(consumer, options.topic, partition);
            try {
              await handler({
                topic: options.topic,
                partition,
                records,
                highWatermark: Math.max(marks.get(partition), Number(last.offset) + 1),
                heartbeat: async () => {
                  if (lost())
                    throw sourceError(
                      new Error('the group rebalanced while this batch was in progress'),
                      'keeping the group membership',
                      options.brokers,
                    );
                },
                // The stream stops fetching by itself once its buffer is full; nothing is read while a batch waits.
                pause: () => () => undefined,
              });
            } catch (err) {
              // The group moved on: abandon the batch (its writes are version-guarded); the new owner reads it again.
              if (lost()) continue;
              // Stopping mid-batch: nothing of it is committed, the next member starts from it again.
              if (signal.aborted) return;
              handlerFailed = { error: err };
              throw err;
            }
            if (lost()) continue;
            try {
              await consumer.commit({
                offsets: [{ topic: options.topic, partition, offset: last.offset + 1n, leaderEpoch: last.leaderEpoch }],
              });
            } catch (err) {
              if (!MEMBERSHIP_LOST.has(kafkaErrorId(err) ?? '')) throw err;
            }
          }
        }
      } catch (err) {
        if (handlerFailed && err === handlerFailed.error) throw err;
        if (isReadmodelError(err)) throw err;
        throw sourceError(err, `consuming "${options.topic}" as group "${options.groupId}"`, options.brokers);
      } finally {
        await stream?.close().catch(() => undefined);
        // Leaves the group, so its partitions move to the other members at once.
        await consumer.close(true).catch(() => undefined);
      }
    },
  };
}

function owns(consumer: Consumer, topic: string, partition: number): boolean {
  return consumer.assignments?.some((a) => a.topic === topic && a.partitions.includes(partition)) ?? false;
}

function toRawRecord(m: Message<Buffer, Buffer, Buffer, Buffer>): RawRecord {
  return {
    topic: m.topic,
    partition: m.partition,
    offset: Number(m.offset),
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value ?? null,
    timestamp: Number(m.timestamp),
  };
}

function byPartition(messages: Message<Buffer, Buffer, Buffer, Buffer>[]): Map<number, Message<Buffer, Buffer, Buffer, Buffer>[]> {
  const groups = new Map<number, Message<Buffer, Buffer, Buffer, Buffer>[]>();
  for (const m of messages) {
    const g = groups.get(m.partition);
    if (g) g.push(m);
    else groups.set(m.partition, [m]);
  }
  return groups;
}

/** Takes what the stream holds (at least one message), or nothing once stopped; rethrows the stream's failure. */
function messageReader(stream: Stream, signal: AbortSignal) {
  let failure: unknown;
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => wake?.();
  // A 'readable' listener puts the stream in paused mode: it fetches only as its buffer drains.
  stream.on('readable', notify);
  stream.on('error', (err) => {
    failure ??= err;
    notify();
  });
  stream.on('end', () => {
    ended = true;
    notify();
  });
  signal.addEventListener('abort', notify, { once: true });
  return {
    async next(): Promise<Message<Buffer, Buffer, Buffer, Buffer>[]> {
      for (;;) {
        if (failure !== undefined) throw failure;
        const out: Message<Buffer, Buffer, Buffer, Buffer>[] = [];
        let m: Message<Buffer, Buffer, Buffer, Buffer> | null;
        while (out.length < MAX_BATCH && (m = stream.read() as Message<Buffer, Buffer, Buffer, Buffer> | null) !== null) out.push(m);
        if (out.length > 0 || signal.aborted || ended) return out;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
  };
}

/** The partitions' high watermarks for progress, refreshed in the background at most every few seconds. */
function watermarks(consumer: Consumer, topic: string) {
  const high = new Map<number, number>();
  let at = 0;
  let inFlight = false;
  return {
    get(partition: number): number {
      if (!inFlight && Date.now() - at > WATERMARK_REFRESH_MS) {
        inFlight = true;
        at = Date.now();
        consumer
          .listOffsets({ topics: [topic] })
          .then((offsets) => (offsets.get(topic) ?? []).forEach((o, p) => high.set(p, Number(o))))
          .catch(() => undefined)
          .finally(() => (inFlight = false));
      }
      return high.get(partition) ?? 0;
    },
  };
}
