import { ListOffsetTimestamps, type Admin, type Consumer } from '@platformatic/kafka';
import type { FetchPartition } from './fetch-response.js';
import type { PartitionFetcher } from './kafka-range-reader.js';
import { offsetsAt } from './topic-offsets.js';

const READ_COMMITTED = 1;

type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;

/**
 * Fetches one topic's partitions from their leaders through the client's public group-less fetch
 * (a consumer that never joins its group), read committed.
 */
export function createPartitionFetcher(o: { consumer: Consumer; admin: Admin; topic: string; maxWaitMs: number }): PartitionFetcher {
  const { consumer, admin, topic } = o;
  let refresh = false;
  const topicMeta = async () => {
    const meta = await consumer.metadata({ topics: [topic], forceUpdate: refresh });
    refresh = false;
    const t = meta.topics.get(topic);
    if (!t) throw Object.assign(new Error(`topic "${topic}" does not exist`), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    return t;
  };
  return {
    async leaders(partitions) {
      const t = await topicMeta();
      const byNode = new Map<number, number[]>();
      for (const p of partitions) {
        const leader = t.partitions[p]?.leader;
        if (leader === undefined || leader < 0)
          throw Object.assign(new Error(`partition ${p} has no leader`), { type: 'LEADER_NOT_AVAILABLE' });
        byNode.set(leader, [...(byNode.get(leader) ?? []), p]);
      }
      return byNode;
    },
    async fetch(node, positions, maxBytesPerPartition) {
      const t = await topicMeta();
      let response: FetchResponse;
      try {
        response = await consumer.fetch({
          node,
          isolationLevel: READ_COMMITTED,
          maxWaitTime: o.maxWaitMs,
          minBytes: 1,
          maxBytes: maxBytesPerPartition * positions.length,
          topics: [
            {
              topicId: t.id,
              partitions: positions.map((p) => ({
                partition: p.partition,
                fetchOffset: BigInt(p.offset),
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
                partitionMaxBytes: maxBytesPerPartition,
              })),
            },
          ],
        });
      } catch (err) {
        // Partition errors (an offset below the log start, a moved leader) come as a failed request
        // carrying the whole response: each partition's error code is the reader's to act on.
        const partial = (err as { response?: FetchResponse }).response;
        if (!partial?.responses?.length) throw err;
        response = partial;
      }
      return response.responses.filter((r) => r.topicId === t.id).flatMap((r) => r.partitions as FetchPartition[]);
    },
    refresh() {
      refresh = true;
    },
    logStarts() {
      return consumer.metadata({ topics: [topic] }).then((meta) => {
        const count = meta.topics.get(topic)?.partitionsCount ?? 0;
        return offsetsAt(
          admin,
          topic,
          Array.from({ length: count }, (_, i) => i),
          ListOffsetTimestamps.EARLIEST,
        );
      });
    },
  };
}
