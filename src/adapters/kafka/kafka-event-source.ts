import { ConfigResourceTypes, Consumer } from '@platformatic/kafka';
import { SourceUnavailableError } from '../../core/errors.js';
import type { EventSource, ReadRangeOptions, TopicConfig } from '../../core/ports/event-source.js';
import type { KafkaConnectionOptions } from './kafka-connection.js';
import { clientOptions } from './kafka-client-options.js';
import { sourceError } from './kafka-errors.js';
import { readTopicRanges } from './kafka-range-reader.js';
import { lazyAdmin } from './lazy-admin.js';
import { offsetsAt, partitionsOf, watermarksOf } from './topic-offsets.js';
import { createPartitionFetcher } from './partition-fetcher.js';

const TOPIC_CONFIGS = ['cleanup.policy', 'retention.ms', 'retention.bytes'] as const;

export interface KafkaEventSourceOptions extends KafkaConnectionOptions {
  /** How long the broker may wait for data on an empty fetch. */
  maxWaitMs?: number;
}

export function createKafkaEventSource(options: KafkaEventSourceOptions): EventSource {
  const brokers = options.brokers;
  const admins = lazyAdmin(options);
  // Fetches only, at explicit offsets: this consumer never joins its group nor commits.
  let consumer: Consumer | undefined;

  return {
    async watermarks(topic) {
      try {
        return await watermarksOf(admins.get(), topic);
      } catch (err) {
        throw sourceError(err, `reading the offsets of topic "${topic}"`, brokers);
      }
    },

    async offsetsForTime(topic, time) {
      try {
        const a = admins.get();
        const partitions = await partitionsOf(a, topic);
        const [at, high] = await Promise.all([
          offsetsAt(a, topic, partitions, BigInt(time.getTime())),
          offsetsAt(a, topic, partitions, -1n),
        ]);
        // The broker answers -1 when no record is at or after the time: then start at the end.
        return new Map(partitions.map((p) => [p, (at.get(p) ?? -1) < 0 ? (high.get(p) ?? 0) : at.get(p)!]));
      } catch (err) {
        throw sourceError(err, `looking up offsets by time in "${topic}"`, brokers);
      }
    },

    async topicConfig(topic): Promise<TopicConfig> {
      let entries: Map<string, string>;
      try {
        const r = await admins.get().describeConfigs({
          resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: [...TOPIC_CONFIGS] }],
          includeSynonyms: false,
        });
        const res = r.find((d) => d.resourceName === topic);
        if (!res) throw new Error(`the broker described no configuration for topic "${topic}"`);
        entries = new Map(res.configs.filter((c) => c.value !== null).map((c) => [c.name, c.value!]));
      } catch (err) {
        throw sourceError(err, `reading the configuration of topic "${topic}"`, brokers);
      }
      const num = (name: (typeof TOPIC_CONFIGS)[number]) => {
        const n = Number(entries.get(name));
        // An answer we cannot read is not "unlimited": say so instead of guessing.
        if (!entries.has(name) || !Number.isFinite(n)) {
          throw new SourceUnavailableError(`Kafka: the configuration of topic "${topic}" has no readable ${name}`, {
            code: 'TOPIC_CONFIG_UNREADABLE',
            context: { topic, [name]: entries.get(name) ?? '(missing)' },
            suggestion: 'check the DescribeConfigs permission of the readmodel principal on the topic',
          });
        }
        return n;
      };
      const cleanupPolicy = entries.get('cleanup.policy');
      if (!cleanupPolicy) {
        throw new SourceUnavailableError(`Kafka: the configuration of topic "${topic}" has no cleanup.policy`, {
          code: 'TOPIC_CONFIG_UNREADABLE',
          context: { topic },
          suggestion: 'check the DescribeConfigs permission of the readmodel principal on the topic',
        });
      }
      return { cleanupPolicy, retentionMs: num('retention.ms'), retentionBytes: num('retention.bytes') };
    },

    async *readRanges({ topic, ranges, signal, maxBytesPerPartition = 1_048_576, onHistoryGap }: ReadRangeOptions) {
      consumer ??= new Consumer({ ...clientOptions(options), groupId: 'readmodel-groupless-fetch' });
      yield* readTopicRanges(
        {
          fetcher: createPartitionFetcher({ consumer, admin: admins.get(), topic, maxWaitMs: options.maxWaitMs ?? 500 }),
          brokers,
          topic,
          maxBytesPerPartition,
          ...(signal ? { signal } : {}),
          ...(onHistoryGap ? { onHistoryGap } : {}),
        },
        ranges,
      );
    },

    async close() {
      await Promise.allSettled([admins.close(), consumer?.close(true)]);
    },
  };
}
