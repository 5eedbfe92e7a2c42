import type { HistoryGap, RawRecord } from '../../core/ports/event-source.js';

/** One record of a fetch response as kafkajs decodes it (the fields we use). */
export interface FetchedMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  isControlRecord?: boolean;
  /** The record batch it came from: transactional batches carry their producer id. */
  batchContext?: { producerId?: string; inTransaction?: boolean };
}

/** A transaction the broker says was aborted: the producer's records from `firstOffset` on, up to its abort marker. */
export interface AbortedTransaction {
  producerId: string;
  firstOffset: string;
}

export interface FetchPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  logStartOffset?: string;
  abortedTransactions?: AbortedTransaction[] | null;
  messages: FetchedMessage[];
}

export interface DecodedPartition {
  /** Committed data records in [from, stop), in offset order. */
  records: RawRecord[];
  /** Where to fetch next: past the last offset seen (data, control or aborted record) below `stop`. */
  next: number;
  /** Records in [from, ...) that the log start moved past (deleted under us), with that log start. */
  gap?: { gap: HistoryGap; logStart: number };
}

/** Control record key: int16 version, int16 type; type 0 is ABORT, 1 is COMMIT. */
function isAbortMarker(key: Buffer | null): boolean {
  return key !== null && key.length >= 4 && key.readInt16BE(2) === 0;
}

/**
 * A read-committed fetch still returns the records of aborted transactions: the broker only lists
 * which transactions were aborted, and the reader must drop them. Walking the records in offset
 * order, a producer's aborted transaction starts at its listed first offset and ends at that
 * producer's abort marker; its transactional records in between are dropped. Returns a predicate
 * to call once per record, in offset order.
 */
export function abortedRecordFilter(aborted: readonly AbortedTransaction[] | null | undefined): (m: FetchedMessage) => boolean {
  const pending = [...(aborted ?? [])]
    .map((t) => ({ producerId: t.producerId, first: Number(t.firstOffset) }))
    .sort((a, b) => a.first - b.first);
  const open = new Set<string>();
  return (m) => {
    const offset = Number(m.offset);
    while (pending.length > 0 && pending[0]!.first <= offset) open.add(pending.shift()!.producerId);
    const producer = m.batchContext?.producerId;
    if (m.isControlRecord) {
      if (producer !== undefined && isAbortMarker(m.key)) open.delete(producer);
      return false;
    }
    return producer !== undefined && m.batchContext?.inTransaction === true && open.has(producer);
  };
}

/**
 * One partition of a fetch response, read for the range [from, stop): committed data records only
 * (no control records, no records of aborted transactions), the next offset to fetch, and any
 * history the log start moved past. The partition's error code is the caller's to check first.
 */
export function decodeFetchedPartition(topic: string, p: FetchPartition, from: number, stop: number): DecodedPartition {
  const records: RawRecord[] = [];
  const aborted = abortedRecordFilter(p.abortedTransactions);
  let next = from;
  let firstSeen: number | undefined;
  for (const m of p.messages) {
    const offset = Number(m.offset);
    const dropped = aborted(m);
    // A fetch returns whole record batches, which may start before the requested offset.
    if (offset < from) continue;
    firstSeen ??= offset;
    if (offset >= stop) break;
    next = offset + 1;
    if (m.isControlRecord || dropped) continue;
    records.push({
      topic,
      partition: p.partition,
      offset,
      key: m.key ? m.key.toString('utf8') : null,
      value: m.value,
      timestamp: Number(m.timestamp),
    });
  }
  // The log start moved past what we still had to read: those records were deleted, not skipped
  // by compaction (which never moves the log start). Never jump ahead silently.
  const logStart = p.logStartOffset !== undefined ? Number(p.logStartOffset) : -1;
  if (firstSeen !== from && logStart > from) {
    const to = Math.min(logStart, stop, firstSeen ?? Number.POSITIVE_INFINITY);
    return { records, next, gap: { gap: { partition: p.partition, from, to }, logStart } };
  }
  return { records, next };
}
