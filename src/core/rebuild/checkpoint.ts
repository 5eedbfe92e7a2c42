import { ConflictError } from '../errors.js';
import type { HistoryGap, PartitionRange } from '../ports/event-source.js';
import type { Counters } from '../progress/progress-events.js';
import { formatChecksum, mergeSums, parseChecksum, type ChecksumSum } from './content-checksum.js';
import type { Resumption, SkippedEvent } from './run-manifest.js';

export type { Resumption } from './run-manifest.js';

/**
 * A rebuild worker's progress on its partitions, written (in readmodel's own checkpoint index) only
 * after every write it covers was acknowledged. `positions` are where reading continues; everything
 * the fold needs to continue exactly is here or in the index itself (see restore-fold).
 */
export interface ShardCheckpoint {
  index: string;
  /** The uuid of the index it was made for: a checkpoint left by an earlier index of the same name is not ours. */
  indexUuid: string;
  model: string;
  shard: string;
  partitions: number[];
  status: 'running' | 'done';
  runId: string;
  /** This worker's slice of the build's planned ranges (the plan lives in the index's manifest). */
  planned: PartitionRange[];
  /** partition -> next offset to read. */
  positions: Record<string, number>;
  counters: Counters;
  /** The checksum of this worker's documents as written (formatChecksum). */
  checksum: string;
  /** Deleted documents' versions: what the index cannot say about them. */
  tombstones: [string, number][];
  skipped: SkippedEvent[];
  skippedNotListed: number;
  historyGaps: HistoryGap[];
  resumptions: Resumption[];
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  /**
   * Present while every write of the build was logged before it was sent (readmodel_write_log): a
   * resume then reads back only the logged documents instead of scanning the index.
   */
  writeLog?: WriteLogMark;
}

/** What a checkpoint says of its worker's write log. */
export interface WriteLogMark {
  /** Every record up to this sequence number was acknowledged before the checkpoint. */
  upTo: number;
  /** The records up to `upTo` a resume needs (they name a partition not finished): they must be found. */
  live: number[];
}

/** The ranges still to read: from each partition's checkpoint position to its planned end. */
export function remainingRanges(planned: readonly PartitionRange[], positions: Record<string, number> | undefined): PartitionRange[] {
  return planned.map((r) => ({
    partition: r.partition,
    start: Math.min(r.end, Math.max(r.start, positions?.[r.partition] ?? r.start)),
    end: r.end,
  }));
}

export interface SealedTotals {
  counters: Counters;
  sum: ChecksumSum;
  checksum: string;
  skipped: SkippedEvent[];
  skippedNotListed: number;
  historyGaps: HistoryGap[];
  resumptions: Resumption[];
}

/**
 * Whether the workers' checkpoints together make the planned build: every planned partition folded
 * by exactly one finished worker, each to its planned end. Merges their counts and checksums; refuses
 * (naming what is missing) otherwise, so the index stays unsealed.
 */
export function sealCheckpoints(index: string, plan: readonly PartitionRange[], records: readonly ShardCheckpoint[]): SealedTotals {
  const owner = new Map<number, string>();
  const problems: string[] = [];
  for (const r of records) {
    for (const p of r.partitions) {
      const other = owner.get(p);
      if (other !== undefined) problems.push(`partition ${p} is claimed by ${other} and ${r.shard}`);
      owner.set(p, r.shard);
    }
    if (r.status !== 'done') problems.push(`${r.shard} has not finished (last checkpoint ${r.updatedAt})`);
  }
  for (const want of plan) {
    const shard = owner.get(want.partition);
    if (shard === undefined) {
      problems.push(`partition ${want.partition} was folded by no worker`);
      continue;
    }
    const r = records.find((x) => x.shard === shard)!;
    const got = r.planned.find((x) => x.partition === want.partition);
    if (!got || got.start !== want.start || got.end !== want.end)
      problems.push(`${shard} planned partition ${want.partition} as ${fmt(got)}, the build as ${fmt(want)}`);
    else if (r.status === 'done' && r.positions[want.partition] !== want.end)
      problems.push(`${shard} stopped partition ${want.partition} at ${r.positions[want.partition]}, not at its planned end ${want.end}`);
  }
  for (const p of owner.keys())
    if (!plan.some((x) => x.partition === p)) problems.push(`${owner.get(p)} folded partition ${p}, which the build did not plan`);
  if (problems.length) {
    throw new ConflictError(`${index} cannot be sealed: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, {
      code: 'SHARDS_INCOMPLETE',
      context: { index, problems, shards: records.map((r) => ({ shard: r.shard, status: r.status, partitions: r.partitions })) },
      suggestion:
        'the index stays unsealed and no alias was touched. Run (or re-run) the missing or failed shards with the same --shard i/N, then seal again',
    });
  }
  const sums = records.map((r) => {
    const s = parseChecksum(r.checksum);
    if (!s)
      throw new ConflictError(`the checkpoint of ${r.shard} on ${index} has an unreadable checksum "${r.checksum}"`, {
        code: 'UNREADABLE_STATE',
      });
    return s;
  });
  const sum = mergeSums(sums);
  const counters = { ...records[0]!.counters };
  for (const r of records.slice(1)) for (const k of Object.keys(counters) as (keyof typeof counters)[]) counters[k] += r.counters[k] ?? 0;
  return {
    counters,
    sum,
    checksum: formatChecksum(sum),
    skipped: records.flatMap((r) => r.skipped),
    skippedNotListed: records.reduce((n, r) => n + r.skippedNotListed, 0),
    historyGaps: records.flatMap((r) => r.historyGaps),
    resumptions: records.flatMap((r) => r.resumptions).sort((a, b) => a.at.localeCompare(b.at)),
  };
}

function fmt(r: PartitionRange | undefined): string {
  return r ? `[${r.start}, ${r.end})` : 'nothing';
}
