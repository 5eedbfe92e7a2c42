import type { EventSource } from '../../core/ports/event-source.js';
import type { GroupOffsets, LagReader } from '../../core/ports/lag-reader.js';
import type { KafkaConnectionOptions } from './kafka-connection.js';
import { kafkaErrorId, sourceError } from './kafka-errors.js';
import { lazyAdmin } from './lazy-admin.js';
import { createKafkaEventSource } from './kafka-event-source.js';
import { watermarksOf } from './topic-offsets.js';

/** A fetch returns whole record batches: a small cap keeps "read one record" from pulling megabytes. */
const PEEK_BYTES = 64 * 1024;

/**
 * Reads a group's committed offsets with the admin API (OffsetFetch, ListOffsets, DescribeGroups) and
 * peeks at the record at a committed offset through the group-less event source. Never joins the group.
 */
export function createKafkaLagReader(options: KafkaConnectionOptions, deps: { source?: EventSource } = {}): LagReader {
  const source = deps.source ?? createKafkaEventSource(options);
  const ownsSource = deps.source === undefined;
  const brokers = options.brokers;
  const admins = lazyAdmin({ ...options, clientId: options.clientId ?? 'readmodel-lag' });

  return {
    async groupOffsets(groupId, topic): Promise<GroupOffsets> {
      const a = admins.get();
      let watermarks;
      try {
        watermarks = await watermarksOf(a, topic);
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
            a.listConsumerGroupOffsets({
              groups: [{ groupId, topics: [{ name: topic, partitionIndexes: watermarks.map((w) => w.partition) }] }],
            }),
            a.describeGroups({ groups: [groupId] }).then((d) => d.get(groupId)),
          ]);
          break;
        } catch (err) {
          const coordinator = /coordinator/i.test(String((err as Error)?.message)) || /COORDINATOR/.test(String(kafkaErrorId(err)));
          if (!coordinator || attempt >= 30) throw sourceError(err, `reading the committed offsets of group "${groupId}"`, brokers);
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      const byPartition = new Map<number, number>();
      for (const g of committed) {
        if (g.groupId !== groupId) continue;
        for (const t of g.topics) {
          if (t.name !== topic) continue;
          // The broker answers -1 for a partition the group never committed.
          for (const p of t.partitions) if (p.committedOffset >= 0n) byPartition.set(p.partitionIndex, Number(p.committedOffset));
        }
      }
      return {
        groupId,
        topic,
        state: stateName(group?.state),
        members: group?.members.size ?? 0,
        partitions: watermarks
          .map((w) => ({
            partition: w.partition,
            committed: byPartition.get(w.partition) ?? null,
            logStart: w.low,
            logEnd: w.high,
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

/** The coordinator's group state in the spelling operators know from Kafka's tools (Stable, Empty, Dead, ...). */
function stateName(state: string | undefined): string {
  if (!state) return 'Unknown';
  if (state !== state.toUpperCase()) return state;
  return state
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}
