import type { ConfigResourceTypes, Kafka } from 'kafkajs';
import { throwIfAborted } from '../../core/retry.js';
import { SourceUnavailableError } from '../../core/errors.js';
import type { EventSource, HistoryGap, PartitionRange, RawRecord, ReadRangeOptions, TopicConfig } from '../../core/ports/event-source.js';
import { historyGapError } from '../../core/rebuild/history-check.js';
import { createKafkaClient, type KafkaConnectionOptions } from './kafka-connection.js';
import { sourceError } from './kafka-errors.js';
import { lazyAdmin } from './lazy-admin.js';

const READ_COMMITTED = 1;
const OFFSET_OUT_OF_RANGE = 1;
const TOPIC_CONFIGS = ['cleanup.policy', 'retention.ms', 'retention.bytes'] as const;
/** ConfigResourceTypes.TOPIC: kafkajs' CommonJS enum is not visible as a named ESM export at run time. */
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

interface FetchedMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  isControlRecord?: boolean;
}
interface FetchPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  logStartOffset?: string;
  messages: FetchedMessage[];
}
interface Broker {
  fetch(req: unknown): Promise<{ responses: Array<{ topicName: string; partitions: FetchPartition[] }> }>;
}
interface Cluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(q: { nodeId: string }): Promise<Broker>;
}

/**
 * kafkajs only consumes through consumer groups. Fetching explicit offsets without one needs its
 * cluster object, which the client builds but does not export; we reach it through the client's own
 * factory so connection, TLS and SASL settings stay identical to the admin client's.
 */
function createCluster(kafka: Kafka): Cluster {
  const factorySym = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!factorySym) throw new Error('kafkajs internals changed: cluster factory not found (pin kafkajs 2.x)');
  const factory = (kafka as unknown as Record<symbol, (o: object) => Cluster>)[factorySym]!;
  return factory({ allowAutoTopicCreation: false, isolationLevel: READ_COMMITTED });
}

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
      const position = new Map<number, number>();
      const end = new Map<number, number>();
      for (const r of ranges as PartitionRange[]) {
        if (r.end > r.start) {
          position.set(r.partition, r.start);
          end.set(r.partition, r.end);
        }
      }
      type FetchResponse = Awaited<ReturnType<Broker['fetch']>>;
      const prefetched = new Map<string, { key: string; response: Promise<FetchResponse> }>();
      const fetchFrom = async (nodeId: string, partitions: number[]): Promise<FetchResponse> => {
        const broker = await cluster.findBroker({ nodeId });
        return broker.fetch({
          replicaId: -1,
          isolationLevel: READ_COMMITTED,
          maxWaitTime: options.maxWaitMs ?? 500,
          minBytes: 1,
          maxBytes: maxBytesPerPartition * partitions.length,
          topics: [
            {
              topic,
              partitions: partitions.map((p) => ({ partition: p, fetchOffset: String(position.get(p)), maxBytes: maxBytesPerPartition })),
            },
          ],
        });
      };
      const advance = (partition: number, next: number, stop: number) => {
        if (next >= stop) {
          position.delete(partition);
          end.delete(partition);
        } else {
          position.set(partition, next);
        }
      };
      /** Reports an acknowledged gap and returns where to go on, or refuses. */
      const gapped = (gap: HistoryGap, logStart: number): number => {
        if (!onHistoryGap) throw historyGapError(topic, gap, logStart);
        onHistoryGap(gap);
        return gap.to;
      };
      /** Below the log start means deleted under us: a gap. Returns whether any partition was overtaken. */
      const skipOvertaken = async (partitions: readonly number[]): Promise<boolean> => {
        const a = await withAdmin();
        let rows;
        try {
          rows = await a.fetchTopicOffsets(topic);
        } catch (err) {
          throw sourceError(err, `reading the log start offsets of "${topic}"`, brokers);
        }
        let overtaken = false;
        for (const partition of partitions) {
          const from = position.get(partition);
          const stop = end.get(partition);
          const row = rows.find((r) => r.partition === partition);
          if (from === undefined || stop === undefined || !row || Number(row.low) <= from) continue;
          const low = Number(row.low);
          advance(partition, gapped({ partition, from, to: Math.min(low, stop) }, low), stop);
          overtaken = true;
        }
        return overtaken;
      };
      let emptyRounds = 0;
      while (position.size > 0) {
        throwIfAborted(signal);
        const open = [...position.keys()];
        let leaders: Record<string, number[]>;
        try {
          leaders = cluster.findLeaderForPartitions(topic, open);
        } catch (err) {
          throw sourceError(err, `finding the leaders of "${topic}"`, brokers);
        }
        let progressed = false;
        for (const [nodeId, partitions] of Object.entries(leaders)) {
          let response;
          const key = partitions.join(',');
          const ahead = prefetched.get(nodeId);
          prefetched.delete(nodeId);
          try {
            response = ahead && ahead.key === key ? await ahead.response : await fetchFrom(nodeId, partitions);
          } catch (err) {
            // Leadership moves and stale metadata are normal on real clusters: refresh and go again.
            const e = err as { retriable?: boolean; type?: string };
            if (e.retriable || e.type === 'NOT_LEADER_FOR_PARTITION') {
              await cluster.refreshMetadata().catch(() => undefined);
              continue;
            }
            // kafkajs throws a partition's OFFSET_OUT_OF_RANGE for the whole request: find which
            // partitions the log start overtook (records deleted under us) and treat each as a gap.
            if (e.type === 'OFFSET_OUT_OF_RANGE' && (await skipOvertaken(partitions))) {
              emptyRounds = 0;
              continue;
            }
            throw sourceError(err, `fetching from "${topic}"`, brokers);
          }
          const batches: RawRecord[][] = [];
          for (const t of response.responses) {
            for (const p of t.partitions) {
              const from = position.get(p.partition);
              const stop = end.get(p.partition);
              if (from === undefined || stop === undefined) continue;
              if (p.errorCode === OFFSET_OUT_OF_RANGE && (await skipOvertaken([p.partition]))) {
                progressed = true;
                continue;
              }
              if (p.errorCode !== 0) {
                throw sourceError(
                  Object.assign(new Error(`fetch error code ${p.errorCode} on partition ${p.partition}`), {
                    type: p.errorCode === 1 ? 'OFFSET_OUT_OF_RANGE' : `KAFKA_ERROR_${p.errorCode}`,
                  }),
                  `fetching partition ${p.partition} of "${topic}" at offset ${from}`,
                  brokers,
                );
              }
              const out: RawRecord[] = [];
              let next = from;
              let firstSeen: number | undefined;
              for (const m of p.messages) {
                const offset = Number(m.offset);
                // A fetch returns whole record batches, which may start before the requested offset.
                if (offset < from) continue;
                firstSeen ??= offset;
                if (offset >= stop) break;
                next = offset + 1;
                if (m.isControlRecord) continue;
                out.push({
                  topic,
                  partition: p.partition,
                  offset,
                  key: m.key ? m.key.toString('utf8') : null,
                  value: m.value,
                  timestamp: Number(m.timestamp),
                });
              }
              // The log start moved past what we still had to read: those records were deleted, not skipped
              // by compaction (which never moves the log start). Never jump ahead silently.
              const logStart = p.logStartOffset !== undefined ? Number(p.logStartOffset) : -1;
              if (firstSeen !== from && logStart > from) {
                const to = Math.min(logStart, stop, firstSeen ?? Number.POSITIVE_INFINITY);
                const skipTo = gapped({ partition: p.partition, from, to }, logStart);
                if (next === from) next = skipTo;
              }
              if (next > from) progressed = true;
              advance(p.partition, next, stop);
              if (out.length > 0) batches.push(out);
            }
          }
          // Ask for the next chunk now, so the broker works while the caller projects this one.
          const open = partitions.filter((p) => position.has(p));
          if (open.length > 0) {
            const next = { key: open.join(','), response: fetchFrom(nodeId, open) };
            next.response.catch(() => undefined);
            prefetched.set(nodeId, next);
          }
          for (const b of batches) yield b;
        }
        emptyRounds = progressed ? 0 : emptyRounds + 1;
        if (emptyRounds > 20) {
          const stuck = [...position.entries()].map(([p, o]) => `${p}@${o}`).join(', ');
          throw sourceError(
            new Error(`no progress after ${emptyRounds} fetches at ${stuck}`),
            `reading "${topic}" up to the snapshotted end offsets`,
            brokers,
          );
        }
      }
    },

    async close() {
      await Promise.allSettled([admins.close(), clusterReady ? cluster.disconnect() : undefined]);
    },
  };
}
