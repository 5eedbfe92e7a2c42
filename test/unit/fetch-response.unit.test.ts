import { describe, expect, it } from 'vitest';
import {
  abortedBatchFilter,
  decodeFetchedPartition,
  type FetchedBatch,
  type FetchPartition,
} from '../../src/adapters/kafka/fetch-response.js';

const TOPIC = 'product-events';
const T0 = 1_700_000_000_000n;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;

/** A batch of one data record; `tx` makes it part of a transaction of that producer. */
const data = (offset: number, value: string, tx?: string): FetchedBatch => ({
  firstOffset: BigInt(offset),
  attributes: tx === undefined ? 0 : TRANSACTIONAL,
  lastOffsetDelta: 0,
  firstTimestamp: T0 + BigInt(offset),
  maxTimestamp: T0 + BigInt(offset),
  producerId: tx === undefined ? -1n : BigInt(tx),
  records: [{ offsetDelta: 0, timestampDelta: 0n, key: Buffer.from(`k${offset}`), value: Buffer.from(value) }],
});

/** A transaction marker batch: key = int16 version 0, int16 type (0 abort, 1 commit). */
const marker = (offset: number, producerId: string, kind: 'abort' | 'commit'): FetchedBatch => ({
  firstOffset: BigInt(offset),
  attributes: TRANSACTIONAL | CONTROL,
  lastOffsetDelta: 0,
  firstTimestamp: T0 + BigInt(offset),
  maxTimestamp: T0 + BigInt(offset),
  producerId: BigInt(producerId),
  records: [
    { offsetDelta: 0, timestampDelta: 0n, key: Buffer.from([0, 0, 0, kind === 'abort' ? 0 : 1]), value: Buffer.from([0, 0, 0, 0, 0, 0]) },
  ],
});

const partition = (records: FetchedBatch[], extra: Partial<FetchPartition> = {}): FetchPartition => ({
  partitionIndex: 2,
  errorCode: 0,
  logStartOffset: 0n,
  abortedTransactions: [],
  records,
  ...extra,
});

const values = (p: FetchPartition, from: number, stop: number) =>
  decodeFetchedPartition(TOPIC, p, from, stop).records.map((r) => r.value!.toString());

describe('decodeFetchedPartition: one partition of a fetch response', () => {
  it('returns the records of [from, stop) with their position, skipping what the batch holds before `from`', () => {
    const d = decodeFetchedPartition(TOPIC, partition([data(3, 'a'), data(4, 'b'), data(5, 'c'), data(6, 'd')]), 4, 5);
    expect(d.records).toEqual([
      { topic: TOPIC, partition: 2, offset: 4, key: 'k4', value: Buffer.from('b'), timestamp: 1_700_000_000_004 },
    ]);
    expect(d.next).toBe(5);
    expect(d.gap).toBeUndefined();
  });

  it('drops control records but moves past them', () => {
    const d = decodeFetchedPartition(TOPIC, partition([data(0, 'a', '7'), data(1, 'b', '7'), marker(2, '7', 'commit')]), 0, 10);
    expect(d.records.map((r) => r.offset)).toEqual([0, 1]);
    expect(d.next).toBe(3);
  });

  it('drops the records of an aborted transaction, keeps interleaved committed and non-transactional ones', () => {
    const p = partition(
      [
        data(0, 'x1', '7'),
        data(1, 'ok1', '8'),
        data(2, 'x2', '7'),
        data(3, 'plain'),
        marker(4, '7', 'abort'),
        data(5, 'ok2', '8'),
        marker(6, '8', 'commit'),
      ],
      { abortedTransactions: [{ producerId: 7n, firstOffset: 0n }] },
    );
    expect(values(p, 0, 100)).toEqual(['ok1', 'plain', 'ok2']);
    expect(decodeFetchedPartition(TOPIC, p, 0, 100).next).toBe(7);
  });

  it('a producer whose transaction was aborted is read again after its abort marker', () => {
    const p = partition(
      [
        data(10, 'x1', '7'),
        data(11, 'x2', '7'),
        marker(12, '7', 'abort'),
        data(13, 'ok1', '7'),
        data(14, 'ok2', '7'),
        marker(15, '7', 'commit'),
      ],
      {
        abortedTransactions: [{ producerId: 7n, firstOffset: 10n }],
      },
    );
    expect(values(p, 10, 100)).toEqual(['ok1', 'ok2']);
  });

  it('two aborted transactions of one producer, listed out of order, are both dropped', () => {
    const p = partition(
      [
        data(0, 'x1', '7'),
        marker(1, '7', 'abort'),
        data(2, 'ok', '7'),
        marker(3, '7', 'commit'),
        data(4, 'x2', '7'),
        marker(5, '7', 'abort'),
      ],
      {
        abortedTransactions: [
          { producerId: 7n, firstOffset: 4n },
          { producerId: 7n, firstOffset: 0n },
        ],
      },
    );
    expect(values(p, 0, 100)).toEqual(['ok']);
  });

  it('an aborted transaction that began before `from` is still dropped from `from` on', () => {
    const p = partition([data(20, 'x1', '9'), data(21, 'x2', '9'), data(22, 'x3', '9'), marker(23, '9', 'abort'), data(24, 'ok')], {
      abortedTransactions: [{ producerId: 9n, firstOffset: 20n }],
    });
    expect(values(p, 22, 100)).toEqual(['ok']);
  });

  it('a chunk of nothing but an aborted transaction still moves the position on', () => {
    const p = partition([data(0, 'x1', '7'), data(1, 'x2', '7'), marker(2, '7', 'abort')], {
      abortedTransactions: [{ producerId: 7n, firstOffset: 0n }],
    });
    const d = decodeFetchedPartition(TOPIC, p, 0, 100);
    expect(d.records).toEqual([]);
    expect(d.next).toBe(3);
  });

  it('the same transactional records are kept when the broker lists no aborted transaction (committed)', () => {
    const p = partition([data(0, 'a', '7'), data(1, 'b', '7'), marker(2, '7', 'commit')], { abortedTransactions: null });
    expect(values(p, 0, 100)).toEqual(['a', 'b']);
  });

  it('reports history the log start moved past instead of jumping over it', () => {
    const d = decodeFetchedPartition(TOPIC, partition([data(40, 'a')], { logStartOffset: 40n }), 25, 100);
    expect(d.gap).toEqual({ gap: { partition: 2, from: 25, to: 40 }, logStart: 40 });
    expect(d.records.map((r) => r.offset)).toEqual([40]);
    expect(d.next).toBe(41);
  });

  it('an empty answer below a moved log start is a gap up to the log start (bounded by the range end)', () => {
    expect(decodeFetchedPartition(TOPIC, partition([], { logStartOffset: 60n }), 25, 50)).toEqual({
      records: [],
      next: 25,
      gap: { gap: { partition: 2, from: 25, to: 50 }, logStart: 60 },
    });
  });

  it('records compaction removed (log start unchanged) are no gap', () => {
    const d = decodeFetchedPartition(TOPIC, partition([data(30, 'a')], { logStartOffset: 0n }), 25, 100);
    expect(d.gap).toBeUndefined();
    expect(d.next).toBe(31);
  });
});

describe('abortedBatchFilter', () => {
  it('only drops transactional batches of a producer inside its aborted transaction', () => {
    const drop = abortedBatchFilter([{ producerId: 7n, firstOffset: 1n }]);
    expect([data(0, 'a', '7'), data(1, 'b', '7'), data(2, 'c'), data(3, 'd', '8'), data(5, 'e', '7')].map(drop)).toEqual([
      false,
      true,
      false,
      false,
      true,
    ]);
    const afterMarker = abortedBatchFilter([{ producerId: 7n, firstOffset: 1n }]);
    expect([data(1, 'b', '7'), marker(4, '7', 'abort'), data(5, 'e', '7')].map(afterMarker)).toEqual([true, true, false]);
  });
});

describe('decodeFetchedPartition: batches of several records', () => {
  const batch: FetchedBatch = {
    firstOffset: 10n,
    attributes: 0,
    lastOffsetDelta: 3,
    firstTimestamp: T0,
    maxTimestamp: T0 + 30n,
    producerId: -1n,
    records: [0, 1, 2, 3].map((d) => ({
      offsetDelta: d,
      timestampDelta: BigInt(d * 10),
      key: Buffer.from(`k${d}`),
      value: Buffer.from(`v${d}`),
    })),
  };

  it('places each record at base offset + delta with its own create time, from `from` up to `stop`', () => {
    const d = decodeFetchedPartition(TOPIC, partition([batch]), 11, 13);
    expect(d.records.map((r) => [r.offset, r.key, r.timestamp])).toEqual([
      [11, 'k1', 1_700_000_000_010],
      [12, 'k2', 1_700_000_000_020],
    ]);
    expect(d.next).toBe(13);
  });

  it('a batch stamped by the broker (log append time) gives every record the batch time', () => {
    const d = decodeFetchedPartition(TOPIC, partition([{ ...batch, attributes: 0x08 }]), 10, 100);
    expect(d.records.map((r) => r.timestamp)).toEqual([1_700_000_000_030, 1_700_000_000_030, 1_700_000_000_030, 1_700_000_000_030]);
  });
});
