import type { HistoryGap, PartitionRange } from '../ports/event-source.js';

export interface SkippedEvent {
  partition: number;
  offset: number;
  eventId?: string;
  reason: string;
}

/** Written to the index's `_meta.readmodel` when a build completes, and printed by `--json`. */
export interface RunManifest {
  status: 'building' | 'complete';
  model: string;
  index: string;
  toolVersion: string;
  projection: { name: string; version: number };
  mappingFile: string;
  buildHash: string;
  topic: string;
  ranges: PartitionRange[];
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  counts?: {
    eventsRead: number;
    eventsApplied: number;
    eventsStale: number;
    eventsIgnored: number;
    eventsSkipped: number;
    docsWritten: number;
    docsDeleted: number;
    /** Documents the engine refused and `--on-invalid skip` recorded in `skipped` (absent when none). */
    docsRejected?: number;
    /** Faults ridden out: bulk writes re-sent, writes the engine throttled (429), bulks split on 413. */
    faults?: { retries: number; throttled: number; splits: number };
    documents: number;
  };
  checksum?: string;
  skipped?: SkippedEvent[];
  /** Number of skipped events beyond those listed (the list is capped to keep _meta small). */
  skippedNotListed?: number;
  /**
   * History the build needed and Kafka no longer held, acknowledged with --allow-truncated-history.
   * A build with gaps is not the read model of its events: the swap gates refuse it.
   */
  historyGaps?: HistoryGap[];
  /**
   * True when the build is made by several workers (`rebuild --shard i/N` or `--partitions`), each
   * folding its own partitions into this index, and made complete only by `rebuild --seal`.
   */
  sharded?: boolean;
  /** Set on a sealed sharded build: what each worker folded. */
  shards?: ShardSummary[];
  /** Every time an interrupted worker continued from its checkpoint instead of starting over. */
  resumptions?: Resumption[];
  /** Set by `rebuild --swap`: how the zero-loss cutover went. The checksum covers `checksumRanges`. */
  cutover?: { catchUpRounds: number; finalRoundEvents: number; swappedAt: string; checksumRanges: PartitionRange[] };
}

/** One restart of an interrupted worker, recorded in its checkpoint and then in the manifest. */
export interface Resumption {
  at: string;
  shard: string;
  runId: string;
  host: string;
  /** Where reading continued: the last checkpoint, up to the planned ends. */
  from: PartitionRange[];
}

export const MANIFEST_KEY = 'readmodel';

/** Two manifests describe the same build when model, build hash, topic and ranges agree. */
export function sameBuildInputs(
  a: Pick<RunManifest, 'model' | 'buildHash' | 'topic' | 'ranges'>,
  b: Pick<RunManifest, 'model' | 'buildHash' | 'topic' | 'ranges'>,
): boolean {
  const key = (r: PartitionRange[]) => JSON.stringify([...r].sort((x, y) => x.partition - y.partition));
  return a.model === b.model && a.buildHash === b.buildHash && a.topic === b.topic && key(a.ranges) === key(b.ranges);
}

export interface ShardSummary {
  shard: string;
  partitions: number[];
  eventsRead: number;
  documents: number;
  checksum: string;
  finishedAt?: string;
}
