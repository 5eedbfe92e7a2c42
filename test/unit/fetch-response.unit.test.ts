import { describe, expect, it } from 'vitest';
import {
  abortedRecordFilter,
  decodeFetchedPartition,
  type FetchedMessage,
  type FetchPartition,
} from '../../src/adapters/kafka/fetch-response.js';

const TOPIC = 'product-events';

/** A data record; `tx` makes it part of a transaction of that producer. */
const data = (offset: number, value: string, tx?: string): FetchedMessage => ({
  offset: String(offset),
  key: Buffer.from(`k${offset}`),
  value: Buffer.from(value),
  timestamp: String(1_700_000_000_000 + offset),
  isControlRecord: false,
  batchContext: tx === undefined ? { producerId: '-1', inTransaction: false } : { producerId: tx, inTransaction: true },
});

/** A transaction marker: key = int16 version 0, int16 type (0 abort, 1 commit). */
const marker = (offset: number, producerId: string, kind: 'abort' | 'commit'): FetchedMessage => ({
  offset: String(offset),
  key: Buffer.from([0, 0, 0, kind === 'abort' ? 0 : 1]),
  value: Buffer.from([0, 0, 0, 0, 0, 0]),
  timestamp: String(1_700_000_000_000 + offset),
  isControlRecord: true,
  batchContext: { producerId, inTransaction: true },
});

const partition = (messages: FetchedMessage[], extra: Partial<FetchPartition> = {}): FetchPartition => ({
  partition: 2,
  errorCode: 0,
  highWatermark: '100',
  logStartOffset: '0',
  abortedTransactions: [],
  messages,
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
      { abortedTransactions: [{ producerId: '7', firstOffset: '0' }] },
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
        abortedTransactions: [{ producerId: '7', firstOffset: '10' }],
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
          { producerId: '7', firstOffset: '4' },
          { producerId: '7', firstOffset: '0' },
        ],
      },
    );
    expect(values(p, 0, 100)).toEqual(['ok']);
  });

  it('an aborted transaction that began before `from` is still dropped from `from` on', () => {
    const p = partition([data(20, 'x1', '9'), data(21, 'x2', '9'), data(22, 'x3', '9'), marker(23, '9', 'abort'), data(24, 'ok')], {
      abortedTransactions: [{ producerId: '9', firstOffset: '20' }],
    });
    expect(values(p, 22, 100)).toEqual(['ok']);
  });

  it('a chunk of nothing but an aborted transaction still moves the position on', () => {
    const p = partition([data(0, 'x1', '7'), data(1, 'x2', '7'), marker(2, '7', 'abort')], {
      abortedTransactions: [{ producerId: '7', firstOffset: '0' }],
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
    const d = decodeFetchedPartition(TOPIC, partition([data(40, 'a')], { logStartOffset: '40' }), 25, 100);
    expect(d.gap).toEqual({ gap: { partition: 2, from: 25, to: 40 }, logStart: 40 });
    expect(d.records.map((r) => r.offset)).toEqual([40]);
    expect(d.next).toBe(41);
  });

  it('an empty answer below a moved log start is a gap up to the log start (bounded by the range end)', () => {
    expect(decodeFetchedPartition(TOPIC, partition([], { logStartOffset: '60' }), 25, 50)).toEqual({
      records: [],
      next: 25,
      gap: { gap: { partition: 2, from: 25, to: 50 }, logStart: 60 },
    });
  });

  it('records compaction removed (log start unchanged) are no gap', () => {
    const d = decodeFetchedPartition(TOPIC, partition([data(30, 'a')], { logStartOffset: '0' }), 25, 100);
    expect(d.gap).toBeUndefined();
    expect(d.next).toBe(31);
  });
});

describe('abortedRecordFilter', () => {
  it('only drops transactional records of a producer inside its aborted transaction', () => {
    const drop = abortedRecordFilter([{ producerId: '7', firstOffset: '1' }]);
    expect(
      [data(0, 'a', '7'), data(1, 'b', '7'), data(2, 'c'), data(3, 'd', '8'), marker(4, '7', 'abort'), data(5, 'e', '7')].map(drop),
    ).toEqual([false, true, false, false, false, false]);
  });
});
