import type { Admin } from 'kafkajs';

/** Creates a topic with explicit partitions unless it exists (auto-creation is off on real clusters). */
export async function ensureTopic(admin: Admin, topic: string, partitions: number): Promise<{ created: boolean; partitions: number }> {
  const existing = await admin.fetchTopicMetadata({ topics: [] });
  const found = existing.topics.find((t) => t.name === topic);
  if (found) return { created: false, partitions: found.partitions.length };
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  return { created: true, partitions };
}
