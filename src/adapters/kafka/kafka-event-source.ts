import type { ConfigResourceTypes } from 'kafkajs';
import { SourceUnavailableError } from '../../core/errors.js';
import type { EventSource, ReadRangeOptions, TopicConfig } from '../../core/ports/event-source.js';
import { createKafkaClient, type KafkaConnectionOptions } from './kafka-connection.js';
import { sourceError } from './kafka-errors.js';
import { createCluster } from './kafka-cluster.js';
import { readTopicRanges } from './kafka-range-reader.js';
import { lazyAdmin } from './lazy-admin.js';

const TOPIC_CONFIGS = ['cleanup.policy', 'retention.ms', 'retention.bytes'] as const;
/** ConfigResourceTypes.TOPIC: kafkajs' CommonJS enum is not visible as a named ESM export at run time. */
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

export interface KafkaEventSourceOptions extends KafkaConnectionOptions {
  /** How long the broker may wait for data on an empty fetch. */
  maxWaitMs?: number;
}

export function createKafkaEventSource(options: KafkaEventSourceOptions): EventSource {
  const kafka = createKafkaClient(options);
  const cluster = createCluster(kafka);
  let clusterReady: Promise<void> | undefined;
  const brokers = options.brokers;

  const admins = lazyAdmin(kafka, brokers);
  const withAdmin = admins.get;

  return {
    async watermarks(topic) {
      const a = await withAdmin();
      try {
        const rows = await a.fetchTopicOffsets(topic);
        return rows
          .map((r) => ({ partition: r.partition, low: Number(r.low), high: Number(r.high) }))
          .sort((x, y) => x.partition - y.partition);
      } catch (err) {
        throw sourceError(err, `reading the offsets of topic "${topic}"`, brokers);
      }
    },

    async offsetsForTime(topic, time) {
      const a = await withAdmin();
      try {
        const rows = await a.fetchTopicOffsetsByTimestamp(topic, time.getTime());
        const high = await a.fetchTopicOffsets(topic);
        // The broker answers -1 when no record is at or after the time: then start at the end.
        return new Map(
          rows.map((r) => {
            const o = Number(r.offset);
            const h = Number(high.find((x) => x.partition === r.partition)?.high ?? 0);
            return [r.partition, o < 0 ? h : o];
          }),
        );
      } catch (err) {
        throw sourceError(err, `looking up offsets by time in "${topic}"`, brokers);
      }
    },

    async topicConfig(topic): Promise<TopicConfig> {
      const a = await withAdmin();
      let entries: Map<string, string>;
      try {
        const r = await a.describeConfigs({
          resources: [{ type: TOPIC_RESOURCE, name: topic, configNames: [...TOPIC_CONFIGS] }],
          includeSynonyms: false,
        });
        const res = r.resources[0];
        if (!res || res.errorCode !== 0) {
          throw Object.assign(new Error(res?.errorMessage || `error code ${res?.errorCode ?? 'none'}`), {
            type: res?.errorCode === 3 ? 'UNKNOWN_TOPIC_OR_PARTITION' : `KAFKA_ERROR_${res?.errorCode}`,
          });
        }
        entries = new Map(res.configEntries.map((e) => [e.configName, e.configValue]));
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
      clusterReady ??= cluster.connect().then(() => cluster.addTargetTopic(topic));
      try {
        await clusterReady;
        await cluster.addTargetTopic(topic);
      } catch (err) {
        clusterReady = undefined;
        throw sourceError(err, `connecting to read "${topic}"`, brokers);
      }
      yield* readTopicRanges(
        {
          cluster,
          withAdmin,
          brokers,
          topic,
          maxWaitMs: options.maxWaitMs ?? 500,
          maxBytesPerPartition,
          ...(signal ? { signal } : {}),
          ...(onHistoryGap ? { onHistoryGap } : {}),
        },
        ranges,
      );
    },

    async close() {
      await Promise.allSettled([admins.close(), clusterReady ? cluster.disconnect() : undefined]);
    },
  };
}
