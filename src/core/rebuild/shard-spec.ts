import { UsageError } from '../errors.js';

/**
 * Which partitions one rebuild worker folds: all of them (a single run), shard i of N (the partitions
 * at positions i, i+N, i+2N... of the topic's sorted partition list), or an explicit list.
 */
export type ShardSpec = { kind: 'all' } | { kind: 'shard'; index: number; count: number } | { kind: 'partitions'; partitions: number[] };

export const ALL_PARTITIONS: ShardSpec = { kind: 'all' };

/** `--shard i/N`: 0 <= i < N. */
export function parseShard(text: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) {
    throw new UsageError(`--shard expects i/N with 0 <= i < N (e.g. 2/8), got "${text}"`, {
      suggestion: 'shards are numbered from 0, like a Kubernetes Indexed Job completion index: --shard $JOB_COMPLETION_INDEX/N',
    });
  }
  return { kind: 'shard', index, count };
}

/** `--partitions 0-3,7`: partition numbers and inclusive ranges, comma separated. */
export function parsePartitionList(text: string): ShardSpec {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    const from = m ? Number(m[1]) : NaN;
    const to = m?.[2] !== undefined ? Number(m[2]) : from;
    if (!m || to < from) {
      throw new UsageError(`--partitions expects partition numbers and ranges like 0-3,7, got "${text}"`, {
        suggestion: 'list each partition or an inclusive range, separated by commas, e.g. --partitions 0-5 or --partitions 0,2,4',
      });
    }
    for (let p = from; p <= to; p++) out.add(p);
  }
  return { kind: 'partitions', partitions: [...out].sort((a, b) => a - b) };
}

/** A stable name for the worker: part of its lease and checkpoint ids. */
export function shardKey(s: ShardSpec): string {
  if (s.kind === 'all') return 'all';
  if (s.kind === 'shard') return `shard-${s.index}-of-${s.count}`;
  return `partitions-${s.partitions.join('.')}`;
}

/** The partitions this worker folds, out of the topic's; a listed partition the topic lacks is a usage error. */
export function selectPartitions(s: ShardSpec, topicPartitions: readonly number[]): number[] {
  const sorted = [...topicPartitions].sort((a, b) => a - b);
  if (s.kind === 'all') return sorted;
  if (s.kind === 'shard') return sorted.filter((_, i) => i % s.count === s.index);
  const missing = s.partitions.filter((p) => !sorted.includes(p));
  if (missing.length) {
    throw new UsageError(`--partitions names partitions the topic does not have: ${missing.join(', ')}`, {
      context: { topicPartitions: sorted },
      suggestion: `the topic has partitions ${sorted[0]}-${sorted[sorted.length - 1]}`,
    });
  }
  return s.partitions;
}
