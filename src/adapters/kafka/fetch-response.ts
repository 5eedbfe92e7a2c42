import type { HistoryGap, RawRecord } from '../../core/ports/event-source.js';

/** Record batch attribute bits (Kafka's record batch format v2). */
const TIMESTAMP_LOG_APPEND = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;

/** One record of a batch as the client decodes it (the fields we use). */
export interface FetchedRecord {
  offsetDelta: number;
  timestampDelta: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

/** One record batch of a fetch response, already decompressed (the fields we use). */
export interface FetchedBatch {
  firstOffset: bigint;
  attributes: number;
  lastOffsetDelta: number;
  firstTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  records: FetchedRecord[];
}

/** A transaction the broker says was aborted: the producer's records from `firstOffset` on, up to its abort marker. */
export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

export interface FetchPartition {
  partitionIndex: number;
  errorCode: number;
  logStartOffset: bigint;
  abortedTransactions: AbortedTransaction[] | null;
  records?: FetchedBatch[] | null;
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
 * which transactions were aborted, and the reader must drop them. Walking the batches in offset
 * order, a producer's aborted transaction starts at its listed first offset and ends at that
 * producer's abort marker, which may lie beyond this response (then everything of it here is
 * dropped, and the next fetch lists the transaction again). Returns a predicate to call once per
 * batch, in offset order: whether its records are dropped.
 */
export function abortedBatchFilter(aborted: readonly AbortedTransaction[] | null | undefined): (b: FetchedBatch) => boolean {
  const pending = [...(aborted ?? [])].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const open = new Set<bigint>();
  return (b) => {
    const lastOffset = b.firstOffset + BigInt(b.lastOffsetDelta);
    while (pending.length > 0 && pending[0]!.firstOffset <= lastOffset) open.add(pending.shift()!.producerId);
    if ((b.attributes & CONTROL) !== 0) {
      if (b.records.some((r) => isAbortMarker(r.key))) open.delete(b.producerId);
      return true;
    }
    return (b.attributes & TRANSACTIONAL) !== 0 && open.has(b.producerId);
  };
}

/**
 * One partition of a fetch response, read for the range [from, stop): committed data records only
 * (no control records, no records of aborted transactions), the next offset to fetch, and any
 * history the log start moved past. The partition's error code is the caller's to check first.
 */
export function decodeFetchedPartition(topic: string, p: FetchPartition, from: number, stop: number): DecodedPartition {
  const records: RawRecord[] = [];
  const dropped = abortedBatchFilter(p.abortedTransactions);
  let next = from;
  let firstSeen: number | undefined;
  batches: for (const b of p.records ?? []) {
    const skip = dropped(b);
    const base = Number(b.firstOffset);
    const logAppend = (b.attributes & TIMESTAMP_LOG_APPEND) !== 0;
    for (const r of b.records) {
      const offset = base + r.offsetDelta;
      // A fetch returns whole record batches, which may start before the requested offset.
      if (offset < from) continue;
      firstSeen ??= offset;
      if (offset >= stop) break batches;
      next = offset + 1;
      if (skip) continue;
      records.push({
        topic,
        partition: p.partitionIndex,
        offset,
        key: r.key ? r.key.toString('utf8') : null,
        value: r.value,
        timestamp: Number(logAppend ? b.maxTimestamp : b.firstTimestamp + r.timestampDelta),
      });
    }
  }
  // The log start moved past what we still had to read: those records were deleted, not skipped
  // by compaction (which never moves the log start). Never jump ahead silently.
  const logStart = Number(p.logStartOffset ?? -1n);
  if (firstSeen !== from && logStart > from) {
    const to = Math.min(logStart, stop, firstSeen ?? Number.POSITIVE_INFINITY);
    return { records, next, gap: { gap: { partition: p.partitionIndex, from, to }, logStart } };
  }
  return { records, next };
}
