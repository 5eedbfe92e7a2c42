import type { Admin } from '@platformatic/kafka';
import { kafkaErrorId } from './kafka-errors.js';

/** Creates a topic with explicit partitions unless it exists (auto-creation is off on real clusters). */
export async function ensureTopic(admin: Admin, topic: string, partitions: number): Promise<{ created: boolean; partitions: number }> {
  if ((await admin.listTopics()).includes(topic)) {
    const meta = await admin.metadata({ topics: [topic] });
    return { created: false, partitions: meta.topics.get(topic)?.partitionsCount ?? 0 };
  }
  try {
    await admin.createTopics({ topics: [topic], partitions });
  } catch (err) {
    // Another process created it between our look and our create: it exists, which is what we wanted.
    if (kafkaErrorId(err) !== 'TOPIC_ALREADY_EXISTS') throw err;
    const meta = await admin.metadata({ topics: [topic] });
    return { created: false, partitions: meta.topics.get(topic)?.partitionsCount ?? 0 };
  }
  await waitForLeaders(admin, topic, partitions);
  return { created: true, partitions };
}

/** A new topic's partitions have no leader for a moment: producing then fails, so wait (bounded). */
async function waitForLeaders(admin: Admin, topic: string, partitions: number): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const meta = await admin.metadata({ topics: [topic], forceUpdate: true }).catch(() => undefined);
    const t = meta?.topics.get(topic);
    if (t && t.partitionsCount === partitions && t.partitions.every((p) => p.leader >= 0)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
