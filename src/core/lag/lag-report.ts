import type { LagStatus, LagThresholds } from './lag-window.js';

/** One partition of a consumer group at the newest sample, with its evaluated status. */
export interface PartitionLagReport {
  partition: number;
  /** Null when the group never committed an offset for this partition (never shown as zero lag). */
  committedOffset: number | null;
  logStartOffset: number;
  logEndOffset: number;
  /** Offsets not consumed yet: logEnd - committed (logEnd - logStart without a commit). */
  lag: number;
  /** Age of the oldest unconsumed event (its message timestamp); 0 when lag is 0, null when unreadable. */
  timeLagMs: number | null;
  oldestUnconsumedAt: string | null;
  /** The first sample that saw the current committed offset (Kafka does not report commit times). */
  committedSeenAt: string | null;
  status: LagStatus;
  reason: string;
}

/** Age of the newest event reflected in the index behind the model's alias. */
export interface FreshnessReport {
  alias: string;
  indices: string[];
  /** Max `lastEventAt` of the documents behind the alias. */
  newestEventAt: string | null;
  ageMs: number | null;
  /** Why there is no value when that is not a failure (no alias yet, empty index, no search engine). */
  note?: string;
  error?: string;
}

export interface ModelLagReport {
  model: string;
  topic: string;
  group: string;
  /** Coordinator state of the group (Stable, Empty, Dead, ...); null when it could not be read. */
  groupState: string | null;
  members: number | null;
  status: LagStatus;
  /** Why: the worst partition's reason, prefixed by its partition. */
  reason: string;
  /** Summed offset lag over the partitions. */
  lag: number;
  maxTimeLagMs: number | null;
  partitions: PartitionLagReport[];
  freshness: FreshnessReport | null;
  error?: { code: string; message: string };
}

export interface LagReport {
  at: string;
  /** Samples the verdicts were evaluated over (the sliding window, newest last). */
  samples: number;
  windowSpanMs: number;
  thresholds: LagThresholds;
  status: LagStatus;
  exitCode: 0 | 1 | 2;
  models: ModelLagReport[];
}
