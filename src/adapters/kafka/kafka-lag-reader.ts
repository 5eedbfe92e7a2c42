import type { EventSource } from '../../core/ports/event-source.js';
import type { GroupOffsets, LagReader } from '../../core/ports/lag-reader.js';
import { createKafkaClient, type KafkaConnectionOptions } from './kafka-connection.js';
import { sourceError } from './kafka-errors.js';
import { lazyAdmin } from './lazy-admin.js';
import { createKafkaEventSource } from './kafka-event-source.js';

/** A fetch returns whole record batches: a small cap keeps "read one record" from pulling megabytes. */
const PEEK_BYTES = 64 * 1024;

/**
 * Reads a group's committed offsets with the admin API (OffsetFetch, ListOffsets, DescribeGroups) and
 * peeks at the record at a committed offset through the group-less event source. Never joins the group.
 */
export function createKafkaLagReader(options: KafkaConnectionOptions, deps: { source?: EventSource } = {}): LagReader {
  const kafka = createKafkaClient({ ...options, clientId: options.clientId ?? 'readmodel-lag' });
  const source = deps.source ?? createKafkaEventSource(options);
  const ownsSource = deps.source === undefined;
  const brokers = options.brokers;

  const admins = lazyAdmin(kafka, brokers);
  const withAdmin = admins.get;

  return {
    async groupOffsets(groupId, topic): Promise<GroupOffsets> {
      const a = await withAdmin();
      let watermarks;
      try {
        // Checked first: kafkajs retries an unknown topic for seconds before giving up.
        if (!(await a.listTopics()).includes(topic)) {
          throw Object.assign(new Error(`topic "${topic}" does not exist`), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
        }
        watermarks = await a.fetchTopicOffsets(topic);
      } catch (err) {
        throw sourceError(err, `reading the offsets of topic "${topic}"`, brokers);
      }
      let committed;
      let group;
      // On a young cluster the group coordinator (the __consumer_offsets topic) may not exist yet:
      // the broker answers "coordinator not available" for a few seconds. Wait for it, bounded.
      for (let attempt = 0; ; attempt++) {
        try {
          [committed, group] = await Promise.all([
            a.fetchOffsets({ groupId, topics: [topic] }),
            a.describeGroups([groupId]).then((d) => d.groups.find((g) => g.groupId === groupId)),
          ]);
          break;
        } catch (err) {
          const coordinator =
            /coordinator/i.test(String((err as Error)?.message)) || /COORDINATOR/.test(String((err as { type?: string }).type));
          if (!coordinator || attempt >= 30) throw sourceError(err, `reading the committed offsets of group "${groupId}"`, brokers);
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      const byPartition = new Map<number, number>();
      for (const t of committed) {
        if (t.topic !== topic) continue;
        // The broker answers -1 for a partition the group never committed.
        for (const p of t.partitions) if (Number(p.offset) >= 0) byPartition.set(p.partition, Number(p.offset));
      }
      return {
        groupId,
        topic,
        state: group?.state ?? 'Unknown',
        members: group?.members.length ?? 0,
        partitions: watermarks
          .map((w) => ({
            partition: w.partition,
            committed: byPartition.get(w.partition) ?? null,
            logStart: Number(w.low),
            logEnd: Number(w.high),
          }))
          .sort((x, y) => x.partition - y.partition),
      };
    },

    async recordTimestamps(topic, positions, signal) {
      const found = new Map<number, number>();
      const ranges = positions.filter((p) => p.end > p.offset).map((p) => ({ partition: p.partition, start: p.offset, end: p.end }));
      if (ranges.length === 0) return found;
      // The first record yielded per partition is the oldest unconsumed one; stop as soon as every
      // partition gave one (the generator's return() ends the fetch loop).
      for await (const records of source.readRanges({ topic, ranges, maxBytesPerPartition: PEEK_BYTES, ...(signal ? { signal } : {}) })) {
        const first = records[0];
        if (first && !found.has(first.partition)) found.set(first.partition, first.timestamp);
        if (found.size === ranges.length) break;
      }
      return found;
    },

    async close() {
      await Promise.allSettled([admins.close(), ownsSource ? source.close() : undefined]);
    },
  };
}
