import type { ExitCode } from '../errors.js';
import type { LagStatus, LagThresholds } from './lag-window.js';
import type { ReadFailure, ReadModelReport } from './read-model-health.js';

/** What lag-exit-code.ts may answer (declared here, beside the report that carries it, to keep the two modules acyclic). */
export type LagExitCode =
  typeof ExitCode.ok | typeof ExitCode.failure | typeof ExitCode.sourceUnavailable | typeof ExitCode.sinkUnavailable;

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

export interface ModelLagReport {
  model: string;
  topic: string;
  group: string;
  /** Coordinator state of the group (Stable, Empty, Dead, ...); null when it could not be read. */
  groupState: string | null;
  members: number | null;
  /** The model's status: the worse of the consumer's and the read model's. */
  status: LagStatus;
  /** Why: the read model's reason, or the worst partition's prefixed by its partition. */
  reason: string;
  /** The consumer group alone: its worst partition's status (ERR when Kafka could not be read). */
  consumerStatus: LagStatus;
  consumerReason: string;
  /** Summed offset lag over the partitions. */
  lag: number;
  maxTimeLagMs: number | null;
  partitions: PartitionLagReport[];
  /** The read model behind the alias (state and freshness); null when no search engine is configured. */
  readModel: ReadModelReport | null;
  /** Set when Kafka could not be read for this model. */
  error?: ReadFailure;
}

export interface LagReport {
  at: string;
  /** Samples the verdicts were evaluated over (the sliding window, newest last). */
  samples: number;
  windowSpanMs: number;
  thresholds: LagThresholds;
  status: LagStatus;
  exitCode: LagExitCode;
  models: ModelLagReport[];
}
