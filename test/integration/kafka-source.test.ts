import { afterAll, describe, expect, it } from 'vitest';
import type { RawRecord } from '../../src/core/ports/event-source.js';
import { independentKafkaClient } from '../support/kafkajs-client.js';
import { brokers, kafkaAdmin, kafkaSource, publishEvents, uniqueName } from '../support/services.js';
import { readFixtureEvents } from '../support/contracts.js';

describe('Kafka event source (real broker)', () => {
  const source = kafkaSource();
  afterAll(() => source.close());

  it('publishes the fixture events keyed by aggregate id and reads exactly them back, in order per aggregate', async () => {
    const topic = uniqueName('src');
    const events = readFixtureEvents();
    await publishEvents(topic, 3, events);

    const marks = await source.watermarks(topic);
    expect(marks.map((m) => m.partition)).toEqual([0, 1, 2]);
    expect(marks.reduce((n, m) => n + m.high - m.low, 0)).toBe(events.length);

    const read: RawRecord[] = [];
    for await (const batch of source.readRanges({
      topic,
      ranges: marks.map((m) => ({ partition: m.partition, start: m.low, end: m.high })),
    })) {
      read.push(...batch);
    }
    expect(read).toHaveLength(events.length);
    const byAggregate = new Map<string, number[]>();
    const partitionOf = new Map<string, number>();
    for (const r of read) {
      const e = JSON.parse(r.value!.toString());
      expect(r.key).toBe(e.aggregateId);
      // Every event of one aggregate is in one partition, in aggregate-version order.
      expect(partitionOf.get(e.aggregateId) ?? r.partition).toBe(r.partition);
      partitionOf.set(e.aggregateId, r.partition);
      byAggregate.set(e.aggregateId, [...(byAggregate.get(e.aggregateId) ?? []), e.aggregateVersion]);
    }
    for (const versions of byAggregate.values()) expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(read.map((r) => JSON.parse(r.value!.toString()).eventId))).toEqual(new Set(events.map((e) => e.eventId)));
  });

  it('reads exactly [start, end) per partition and stops there', async () => {
    const topic = uniqueName('src');
    const events = readFixtureEvents().slice(0, 40);
    await publishEvents(topic, 1, events);
    const read: RawRecord[] = [];
    for await (const batch of source.readRanges({ topic, ranges: [{ partition: 0, start: 5, end: 17 }] })) read.push(...batch);
    expect(read.map((r) => r.offset)).toEqual(Array.from({ length: 12 }, (_, i) => i + 5));
  });

  it('leaves no consumer group behind and commits nothing', async () => {
    const topic = uniqueName('src');
    await publishEvents(topic, 2, readFixtureEvents().slice(0, 20));
    const admin = kafkaAdmin();
    await admin.connect();
    try {
      const before = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
      const marks = await source.watermarks(topic);
      let n = 0;
      for await (const b of source.readRanges({ topic, ranges: marks.map((m) => ({ partition: m.partition, start: m.low, end: m.high })) }))
        n += b.length;
      expect(n).toBe(20);
      const after = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
      expect(after).toEqual(before);
    } finally {
      await admin.disconnect();
    }
  });

  it('finds offsets by time', async () => {
    const topic = uniqueName('src');
    await publishEvents(topic, 1, readFixtureEvents().slice(0, 5));
    const future = await source.offsetsForTime(topic, new Date(Date.now() + 3_600_000));
    expect(future.get(0)).toBe(5);
    const past = await source.offsetsForTime(topic, new Date(0));
    expect(past.get(0)).toBe(0);
  });

  it('skips the records of an aborted transaction and the transaction markers, keeps committed ones', async () => {
    const topic = uniqueName('src');
    await publishEvents(topic, 1, [{ key: 'k', value: 'before' }]);
    const producer = independentKafkaClient(brokers()).producer({
      transactionalId: uniqueName('tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: ['aborted-1', 'aborted-2', 'aborted-3'].map((value) => ({ key: 'k', value })) });
      await aborted.abort();
      const committed = await producer.transaction();
      await committed.send({ topic, messages: ['committed-1', 'committed-2'].map((value) => ({ key: 'k', value })) });
      await committed.commit();
    } finally {
      await producer.disconnect();
    }
    await publishEvents(topic, 1, [{ key: 'k', value: 'after' }]);

    const [marks] = await source.watermarks(topic);
    // 1 + 3 aborted + abort marker + 2 committed + commit marker + 1.
    expect(marks!.high).toBe(9);
    const read: RawRecord[] = [];
    for await (const b of source.readRanges({ topic, ranges: [{ partition: 0, start: 0, end: marks!.high }] })) read.push(...b);
    expect(read.map((r) => r.value!.toString())).toEqual(['before', 'committed-1', 'committed-2', 'after']);
    expect(read.map((r) => r.offset)).toEqual([0, 5, 6, 8]);
  });

  it('names the topic when it does not exist', async () => {
    await expect(source.watermarks(uniqueName('missing'))).rejects.toMatchObject({ exitCode: 5 });
  });
});
