import type { HistoryGap, PartitionRange, RawRecord } from '../../core/ports/event-source.js';
import { historyGapError } from '../../core/rebuild/history-check.js';
import { throwIfAborted } from '../../core/retry.js';
import { decodeFetchedPartition, type FetchPartition } from './fetch-response.js';
import { sourceError } from './kafka-errors.js';

const OFFSET_OUT_OF_RANGE = 1;
/** Leadership moved or metadata is stale: refresh and fetch again (UNKNOWN_TOPIC_OR_PARTITION is not one: the topic is gone). */
const STALE_LEADER = new Set([5, 6, 74, 75]);
/** Fetch rounds in a row without progress before the read gives up. */
const MAX_EMPTY_ROUNDS = 20;

/** What the range reader needs from a client: leaders, one fetch per leader, log starts. */
export interface PartitionFetcher {
  /** Partitions grouped by the node that leads them. */
  leaders(partitions: readonly number[]): Promise<Map<number, number[]>>;
  /**
   * One read-committed fetch from a node. A response carrying partition errors resolves all the
   * same: every partition's error code is the reader's to act on.
   */
  fetch(
    node: number,
    positions: ReadonlyArray<{ partition: number; offset: number }>,
    maxBytesPerPartition: number,
  ): Promise<FetchPartition[]>;
  /** Forget cached leaders: the next `leaders` asks the cluster. */
  refresh(): void;
  /** The first offset still in the log, per partition. */
  logStarts(): Promise<Map<number, number>>;
}

export interface RangeReaderOptions {
  fetcher: PartitionFetcher;
  brokers: readonly string[];
  topic: string;
  maxBytesPerPartition: number;
  signal?: AbortSignal;
  onHistoryGap?: (gap: HistoryGap) => void;
}

/** One read of explicit ranges: where each open partition stands, and the fetch asked for ahead per node. */
interface RangeRead extends RangeReaderOptions {
  position: Map<number, number>;
  end: Map<number, number>;
  prefetched: Map<number, { key: string; response: Promise<FetchPartition[]> }>;
}

/** Reads [start, end) of every range, in batches per partition, following leaders and reporting history gaps. */
export async function* readTopicRanges(o: RangeReaderOptions, ranges: readonly PartitionRange[]): AsyncGenerator<RawRecord[]> {
  const read: RangeRead = { ...o, position: new Map(), end: new Map(), prefetched: new Map() };
  for (const r of ranges) {
    if (r.end > r.start) {
      read.position.set(r.partition, r.start);
      read.end.set(r.partition, r.end);
    }
  }
  let emptyRounds = 0;
  while (read.position.size > 0) {
    throwIfAborted(o.signal);
    let progressed = false;
    for (const [node, partitions] of await leadersOf(read)) {
      const response = await fetchOrRecover(read, node, partitions);
      const batches: RawRecord[][] = [];
      for (const p of response) if (await readPartition(read, p, batches)) progressed = true;
      prefetch(read, node, partitions);
      for (const b of batches) yield b;
    }
    emptyRounds = progressed ? 0 : emptyRounds + 1;
    if (emptyRounds > MAX_EMPTY_ROUNDS) {
      const stuck = [...read.position.entries()].map(([p, off]) => `${p}@${off}`).join(', ');
      throw sourceError(
        new Error(`no progress after ${emptyRounds} fetches at ${stuck}`),
        `reading "${o.topic}" up to the snapshotted end offsets`,
        o.brokers,
      );
    }
  }
}

async function leadersOf(read: RangeRead): Promise<Map<number, number[]>> {
  try {
    return await read.fetcher.leaders([...read.position.keys()]);
  } catch (err) {
    throw sourceError(err, `finding the leaders of "${read.topic}"`, read.brokers);
  }
}

function fetchFrom(read: RangeRead, node: number, partitions: readonly number[]): Promise<FetchPartition[]> {
  const positions = partitions.map((partition) => ({ partition, offset: read.position.get(partition)! }));
  return read.fetcher.fetch(node, positions, read.maxBytesPerPartition);
}

/** The response (the one fetched ahead when it asked for the same partitions at the same offsets). */
async function fetchOrRecover(read: RangeRead, node: number, partitions: readonly number[]): Promise<FetchPartition[]> {
  const ahead = read.prefetched.get(node);
  read.prefetched.delete(node);
  try {
    if (ahead && ahead.key === keyOf(read, partitions)) return await ahead.response;
    // One fetch at a time per node: the client keeps an incremental fetch session with each.
    if (ahead) await ahead.response.catch(() => undefined);
    return await fetchFrom(read, node, partitions);
  } catch (err) {
    throw sourceError(err, `fetching from "${read.topic}"`, read.brokers);
  }
}

function keyOf(read: RangeRead, partitions: readonly number[]): string {
  return partitions.map((p) => `${p}@${read.position.get(p)}`).join(',');
}

/** Ask for the next chunk now, so the broker works while the caller projects this one. */
function prefetch(read: RangeRead, node: number, partitions: readonly number[]): void {
  const open = partitions.filter((p) => read.position.has(p));
  if (open.length === 0) return;
  const next = { key: keyOf(read, open), response: fetchFrom(read, node, open) };
  next.response.catch(() => undefined);
  read.prefetched.set(node, next);
}

/** Takes one partition's part of a response: adds its records to `batches`, moves on. Returns whether it progressed. */
async function readPartition(read: RangeRead, p: FetchPartition, batches: RawRecord[][]): Promise<boolean> {
  const from = read.position.get(p.partitionIndex);
  const stop = read.end.get(p.partitionIndex);
  if (from === undefined || stop === undefined) return false;
  if (p.errorCode === OFFSET_OUT_OF_RANGE && (await skipOvertaken(read, [p.partitionIndex]))) return true;
  if (STALE_LEADER.has(p.errorCode)) {
    read.fetcher.refresh();
    return false;
  }
  if (p.errorCode !== 0) {
    throw sourceError(
      Object.assign(new Error(`fetch error code ${p.errorCode} on partition ${p.partitionIndex}`), {
        type:
          p.errorCode === OFFSET_OUT_OF_RANGE
            ? 'OFFSET_OUT_OF_RANGE'
            : p.errorCode === 3
              ? 'UNKNOWN_TOPIC_OR_PARTITION'
              : `KAFKA_ERROR_${p.errorCode}`,
      }),
      `fetching partition ${p.partitionIndex} of "${read.topic}" at offset ${from}`,
      read.brokers,
    );
  }
  const decoded = decodeFetchedPartition(read.topic, p, from, stop);
  let next = decoded.next;
  if (decoded.gap) {
    const skipTo = gapped(read, decoded.gap.gap, decoded.gap.logStart);
    if (next === from) next = skipTo;
  }
  advance(read, p.partitionIndex, next, stop);
  if (decoded.records.length > 0) batches.push(decoded.records);
  return next > from;
}

function advance(read: RangeRead, partition: number, next: number, stop: number): void {
  if (next >= stop) {
    read.position.delete(partition);
    read.end.delete(partition);
  } else {
    read.position.set(partition, next);
  }
}

/** Reports an acknowledged gap and returns where to go on, or refuses. */
function gapped(read: RangeRead, gap: HistoryGap, logStart: number): number {
  if (!read.onHistoryGap) throw historyGapError(read.topic, gap, logStart);
  read.onHistoryGap(gap);
  return gap.to;
}

/** Below the log start means deleted under us: a gap. Returns whether any partition was overtaken. */
async function skipOvertaken(read: RangeRead, partitions: readonly number[]): Promise<boolean> {
  let starts;
  try {
    starts = await read.fetcher.logStarts();
  } catch (err) {
    throw sourceError(err, `reading the log start offsets of "${read.topic}"`, read.brokers);
  }
  let overtaken = false;
  for (const partition of partitions) {
    const from = read.position.get(partition);
    const stop = read.end.get(partition);
    const low = starts.get(partition);
    if (from === undefined || stop === undefined || low === undefined || low <= from) continue;
    advance(read, partition, gapped(read, { partition, from, to: Math.min(low, stop) }, low), stop);
    overtaken = true;
  }
  return overtaken;
}
