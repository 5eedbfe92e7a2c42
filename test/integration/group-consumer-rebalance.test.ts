import { describe, expect, it } from 'vitest';
import { createKafkaGroupConsumer } from '../../src/adapters/kafka/kafka-group-consumer.js';
import { createKafkaLagReader } from '../../src/adapters/kafka/kafka-lag-reader.js';
import type { GroupBatch } from '../../src/core/ports/group-consumer.js';
import { brokers, publishEvents, uniqueName } from '../support/services.js';

const PARTITIONS = 4;

async function until(what: string, check: () => Promise<boolean>, ms = 120_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const events = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ key: `k${(from + i) % 97}`, value: JSON.stringify({ n: from + i }) }));

describe('the live group consumer across rebalances (real Kafka)', () => {
  it('a second member joining and the first leaving lose nothing: every record is handled, and the group commits the log end', async () => {
    const topic = uniqueName('rebalance');
    const groupId = uniqueName('readmodel.test.rebalance');
    await publishEvents(topic, PARTITIONS, events(0, 400));
    const handled = new Map<string, Set<number>>([
      ['a', new Set()],
      ['b', new Set()],
    ]);
    const member = (name: 'a' | 'b') => {
      const controller = new AbortController();
      const consumer = createKafkaGroupConsumer({
        brokers: brokers(),
        clientId: `readmodel-test-${name}`,
        groupId,
        topic,
        sessionTimeoutMs: 10_000,
      });
      const running = consumer.run(
        async (batch: GroupBatch) => {
          // Slow enough that the rebalance lands while batches are in progress.
          await new Promise((r) => setTimeout(r, 20));
          await batch.heartbeat();
          for (const r of batch.records) handled.get(name)!.add(r.partition * 1_000_000 + r.offset);
        },
        { signal: controller.signal },
      );
      running.catch(() => undefined);
      return { stop: () => controller.abort(), running };
    };
    const lag = createKafkaLagReader({ brokers: brokers(), clientId: 'readmodel-test' });
    const committed = async () => (await lag.groupOffsets(groupId, topic)).partitions.reduce((n, p) => n + (p.committed ?? 0), 0);
    const a = member('a');
    let b: ReturnType<typeof member> | undefined;
    try {
      await until('the first member committed something', async () => (await committed()) > 0);
      b = member('b');
      await until('the second member joined', async () => {
        const g = await lag.groupOffsets(groupId, topic);
        return g.members === 2 && g.state === 'Stable';
      });
      await publishEvents(topic, PARTITIONS, events(400, 400));
      await until('both members handled records', async () => handled.get('b')!.size > 0);
      a.stop();
      await a.running;
      await publishEvents(topic, PARTITIONS, events(800, 400));
      await until('the group committed the log end', async () => (await committed()) === 1200);
      const offsets = await lag.groupOffsets(groupId, topic);
      for (const p of offsets.partitions) expect(p.committed, `partition ${p.partition}`).toBe(p.logEnd);
      const all = new Set([...handled.get('a')!, ...handled.get('b')!]);
      const expected = offsets.partitions.flatMap((p) => Array.from({ length: p.logEnd }, (_, o) => p.partition * 1_000_000 + o));
      expect([...all].sort((x, y) => x - y)).toEqual(expected.sort((x, y) => x - y));
    } finally {
      a.stop();
      b?.stop();
      await Promise.allSettled([a.running, b?.running]);
      await lag.close();
    }
  });
});
