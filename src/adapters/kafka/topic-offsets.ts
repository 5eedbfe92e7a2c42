import { ListOffsetTimestamps, type Admin } from '@platformatic/kafka';
import type { PartitionWatermarks } from '../../core/ports/event-source.js';

const READ_COMMITTED = 1;

/** The topic's partition numbers; the broker's UNKNOWN_TOPIC_OR_PARTITION when it does not exist. */
export async function partitionsOf(admin: Admin, topic: string): Promise<number[]> {
  // Checked first: the client retries an unknown topic's metadata for seconds before giving up.
  if (!(await admin.listTopics()).includes(topic)) {
    throw Object.assign(new Error(`topic "${topic}" does not exist`), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
  }
  const meta = await admin.metadata({ topics: [topic] });
  const count = meta.topics.get(topic)?.partitionsCount ?? 0;
  return Array.from({ length: count }, (_, i) => i);
}

/** The offset of every partition at `timestamp` (or EARLIEST / LATEST), read committed. */
export async function offsetsAt(
  admin: Admin,
  topic: string,
  partitions: readonly number[],
  timestamp: bigint,
): Promise<Map<number, number>> {
  const rows = await admin.listOffsets({
    topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }],
    isolationLevel: READ_COMMITTED,
  });
  const found = new Map<number, number>();
  for (const t of rows) if (t.name === topic) for (const p of t.partitions) found.set(p.partitionIndex, Number(p.offset));
  return found;
}

/** Low and high watermarks of every partition, by partition. */
export async function watermarksOf(admin: Admin, topic: string): Promise<PartitionWatermarks[]> {
  const partitions = await partitionsOf(admin, topic);
  const [low, high] = await Promise.all([
    offsetsAt(admin, topic, partitions, ListOffsetTimestamps.EARLIEST),
    offsetsAt(admin, topic, partitions, ListOffsetTimestamps.LATEST),
  ]);
  return partitions.map((partition) => ({ partition, low: low.get(partition) ?? 0, high: high.get(partition) ?? 0 }));
}
