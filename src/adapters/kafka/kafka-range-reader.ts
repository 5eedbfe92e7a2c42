import type { Admin } from 'kafkajs';
import type { HistoryGap, PartitionRange, RawRecord } from '../../core/ports/event-source.js';
import { historyGapError } from '../../core/rebuild/history-check.js';
import { throwIfAborted } from '../../core/retry.js';
import { decodeFetchedPartition, type FetchPartition } from './fetch-response.js';
import { READ_COMMITTED, type Cluster, type FetchResponse } from './kafka-cluster.js';
import { sourceError } from './kafka-errors.js';

const OFFSET_OUT_OF_RANGE = 1;
/** Fetch rounds in a row without progress before the read gives up. */
const MAX_EMPTY_ROUNDS = 20;

export interface RangeReaderOptions {
  cluster: Cluster;
  withAdmin: () => Promise<Admin>;
  brokers: readonly string[];
  topic: string;
  maxWaitMs: number;
  maxBytesPerPartition: number;
  signal?: AbortSignal;
  onHistoryGap?: (gap: HistoryGap) => void;
}

/** One read of explicit ranges: where each open partition stands, and the fetch asked for ahead per broker. */
interface RangeRead extends RangeReaderOptions {
  position: Map<number, number>;
  end: Map<number, number>;
  prefetched: Map<string, { key: string; response: Promise<FetchResponse> }>;
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
    for (const [nodeId, partitions] of Object.entries(leadersOf(read))) {
      const response = await fetchOrRecover(read, nodeId, partitions);
      if (response === 'overtaken') emptyRounds = 0;
      if (typeof response === 'string') continue;
      const batches: RawRecord[][] = [];
      for (const t of response.responses) {
        for (const p of t.partitions) if (await readPartition(read, p, batches)) progressed = true;
      }
      prefetch(read, nodeId, partitions);
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

function leadersOf(read: RangeRead): Record<string, number[]> {
  try {
    return read.cluster.findLeaderForPartitions(read.topic, [...read.position.keys()]);
  } catch (err) {
    throw sourceError(err, `finding the leaders of "${read.topic}"`, read.brokers);
  }
}

function fetchFrom(read: RangeRead, nodeId: string, partitions: number[]): Promise<FetchResponse> {
  return read.cluster.findBroker({ nodeId }).then((broker) =>
    broker.fetch({
      replicaId: -1,
      isolationLevel: READ_COMMITTED,
      maxWaitTime: read.maxWaitMs,
      minBytes: 1,
      maxBytes: read.maxBytesPerPartition * partitions.length,
      topics: [
        {
          topic: read.topic,
          partitions: partitions.map((p) => ({
            partition: p,
            fetchOffset: String(read.position.get(p)),
            maxBytes: read.maxBytesPerPartition,
          })),
        },
      ],
    }),
  );
}

/** The response (the one fetched ahead when it asked for the same partitions), or what was done instead of failing. */
async function fetchOrRecover(read: RangeRead, nodeId: string, partitions: number[]): Promise<FetchResponse | 'refreshed' | 'overtaken'> {
  const ahead = read.prefetched.get(nodeId);
  read.prefetched.delete(nodeId);
  try {
    return ahead && ahead.key === partitions.join(',') ? await ahead.response : await fetchFrom(read, nodeId, partitions);
  } catch (err) {
    // Leadership moves and stale metadata are normal on real clusters: refresh and go again.
    const e = err as { retriable?: boolean; type?: string };
    if (e.retriable || e.type === 'NOT_LEADER_FOR_PARTITION') {
      await read.cluster.refreshMetadata().catch(() => undefined);
      return 'refreshed';
    }
    // kafkajs throws a partition's OFFSET_OUT_OF_RANGE for the whole request: find which
    // partitions the log start overtook (records deleted under us) and treat each as a gap.
    if (e.type === 'OFFSET_OUT_OF_RANGE' && (await skipOvertaken(read, partitions))) return 'overtaken';
    throw sourceError(err, `fetching from "${read.topic}"`, read.brokers);
  }
}

/** Ask for the next chunk now, so the broker works while the caller projects this one. */
function prefetch(read: RangeRead, nodeId: string, partitions: number[]): void {
  const open = partitions.filter((p) => read.position.has(p));
  if (open.length === 0) return;
  const next = { key: open.join(','), response: fetchFrom(read, nodeId, open) };
  next.response.catch(() => undefined);
  read.prefetched.set(nodeId, next);
}

/** Takes one partition's part of a response: adds its records to `batches`, moves on. Returns whether it progressed. */
async function readPartition(read: RangeRead, p: FetchPartition, batches: RawRecord[][]): Promise<boolean> {
  const from = read.position.get(p.partition);
  const stop = read.end.get(p.partition);
  if (from === undefined || stop === undefined) return false;
  if (p.errorCode === OFFSET_OUT_OF_RANGE && (await skipOvertaken(read, [p.partition]))) return true;
  if (p.errorCode !== 0) {
    throw sourceError(
      Object.assign(new Error(`fetch error code ${p.errorCode} on partition ${p.partition}`), {
        type: p.errorCode === OFFSET_OUT_OF_RANGE ? 'OFFSET_OUT_OF_RANGE' : `KAFKA_ERROR_${p.errorCode}`,
      }),
      `fetching partition ${p.partition} of "${read.topic}" at offset ${from}`,
      read.brokers,
    );
  }
  const decoded = decodeFetchedPartition(read.topic, p, from, stop);
  let next = decoded.next;
  if (decoded.gap) {
    const skipTo = gapped(read, decoded.gap.gap, decoded.gap.logStart);
    if (next === from) next = skipTo;
  }
  advance(read, p.partition, next, stop);
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
  const a = await read.withAdmin();
  let rows;
  try {
    rows = await a.fetchTopicOffsets(read.topic);
  } catch (err) {
    throw sourceError(err, `reading the log start offsets of "${read.topic}"`, read.brokers);
  }
  let overtaken = false;
  for (const partition of partitions) {
    const from = read.position.get(partition);
    const stop = read.end.get(partition);
    const row = rows.find((r) => r.partition === partition);
    if (from === undefined || stop === undefined || !row || Number(row.low) <= from) continue;
    const low = Number(row.low);
    advance(read, partition, gapped(read, { partition, from, to: Math.min(low, stop) }, low), stop);
    overtaken = true;
  }
  return overtaken;
}
