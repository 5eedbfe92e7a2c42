import { createRequire } from 'node:module';
import { compatibilityPartitioner } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from '../../src/core/partitioning/murmur2-partition.js';

const require = createRequire(import.meta.url);
// kafkajs' default partitioner is the Java-compatible one; it is an independent implementation to check against.
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: string | Buffer) => number;

describe('Java-compatible murmur2 partitioning', () => {
  it("matches values computed by Kafka's Java client (org.apache.kafka.common.utils.Utils.murmur2)", () => {
    // Published in the Java client's own tests (UtilsTest.testMurmur2).
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, expected] of cases) expect(murmur2(Buffer.from(key)), key).toBe(expected);
  });

  it('agrees with kafkajs on thousands of keys, including multi-byte UTF-8', () => {
    for (let i = 0; i < 5000; i++) {
      const key = i % 7 === 0 ? `prödüct-${i}-€` : `p${String(i).padStart(6, '0')}`;
      expect(murmur2(Buffer.from(key, 'utf8'))).toBe(kafkajsMurmur2(Buffer.from(key, 'utf8')));
    }
  });

  it("places keys exactly where the producer's partitioner (the client's Java-compatible one, modulo the count) puts them", () => {
    // The producer takes the partitioner's number modulo the partition count, as Java's does.
    const producerPartition = (key: string, n: number) => compatibilityPartitioner({ topic: 't' }, Buffer.from(key, 'utf8')) % n;
    for (let i = 0; i < 20_000; i++) {
      const key = i % 7 === 0 ? `prödüct-${i}-€` : `p${String(i).padStart(6, '0')}`;
      for (const n of [1, 6, 7, 12]) expect(producerPartition(key, n), `${key} on ${n}`).toBe(partitionForKey(key, n));
    }
  });

  it('maps keys to a partition in range, stably', () => {
    for (const n of [1, 3, 6, 12]) {
      for (const key of ['p1', 'p2', 'order-77']) {
        const p = partitionForKey(key, n);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(n);
        expect(partitionForKey(key, n)).toBe(p);
      }
    }
  });
});
