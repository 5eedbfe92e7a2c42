/**
 * Consumer lag evaluation over a sliding window of samples, in the spirit of Burrow: instead of one
 * "lag > threshold" rule, a partition's status comes from how its committed offset and its lag moved
 * across the samples. Pure: no I/O, no clock (sample times come in with the samples).
 */

/** Ordered by severity: a group's status is its worst partition's, a report's its worst group's. */
export const LAG_STATUSES = ['OK', 'WARN', 'STALL', 'STOP', 'REWIND', 'NO_COMMITS', 'ERR'] as const;
export type LagStatus = (typeof LAG_STATUSES)[number];

/** The status's rank in LAG_STATUSES (0 OK ... 6 ERR): the order worstStatus compares by. */
export function statusValue(status: LagStatus): number {
  return LAG_STATUSES.indexOf(status);
}

export function worstStatus(statuses: Iterable<LagStatus>): LagStatus {
  let worst: LagStatus = 'OK';
  for (const s of statuses) if (statusValue(s) > statusValue(worst)) worst = s;
  return worst;
}

export interface LagThresholds {
  /** Length of the sliding window; also how long a committed offset may stand still with lag > 0 before STOP. */
  windowMs: number;
  /** WARN when the latest offset lag is above this (undefined: no offset threshold). */
  maxLag?: number;
  /** WARN when the oldest unconsumed event is older than this (undefined: no time threshold). */
  maxTimeLagMs?: number;
}

export const DEFAULT_THRESHOLDS: Readonly<Required<Pick<LagThresholds, 'windowMs' | 'maxTimeLagMs'>>> = {
  windowMs: 60_000,
  maxTimeLagMs: 300_000,
};

/** One observation of one partition of one consumer group. */
export interface PartitionSample {
  /** When the sample was taken (ms since the epoch). */
  at: number;
  /** The group's committed offset (the next offset it will read), null when it never committed one. */
  committed: number | null;
  /**
   * When this committed offset was first seen by us: Kafka's offset fetch carries no commit time, so
   * a committed offset's age is "at least since the first sample that saw it". Null with `committed`.
   */
  committedSeenAt: number | null;
  logStart: number;
  logEnd: number;
  /** logEnd - committed (or logEnd - logStart without a commit: the consumer starts at the beginning). */
  lag: number;
  /** Age of the oldest unconsumed event at sample time; 0 when lag is 0; null when it could not be read. */
  timeLagMs: number | null;
  /** Active members of the group at sample time; undefined when unknown. */
  members?: number;
}

export interface PartitionVerdict {
  status: LagStatus;
  reason: string;
}

export interface EvaluationContext {
  /** Whether the group has a committed offset on any partition of the topic. */
  groupHasCommits: boolean;
}

/** Offset lag of a position against a partition's log: never negative (watermarks are read separately). */
export function lagOf(committed: number | null, logStart: number, logEnd: number): number {
  const from = committed === null ? logStart : Math.max(committed, logStart);
  return Math.max(0, logEnd - from);
}

/** Carries a committed offset's first-seen time forward across samples. */
export function committedSeenAt(previous: PartitionSample | undefined, committed: number | null, at: number): number | null {
  if (committed === null) return null;
  if (previous && previous.committed === committed && previous.committedSeenAt !== null) return previous.committedSeenAt;
  return at;
}

/** The samples inside the window ending at the newest one (always at least the newest). */
export function trimWindow<T extends { at: number }>(samples: readonly T[], windowMs: number): T[] {
  const newest = samples[samples.length - 1];
  if (!newest) return [];
  return samples.filter((s) => newest.at - s.at <= windowMs);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`;
}

/**
 * Evaluates one partition over its window (oldest first, newest last). First matching rule wins:
 *
 * | # | status     | when                                                                                   |
 * |---|------------|----------------------------------------------------------------------------------------|
 * | 1 | NO_COMMITS | no committed offset and (the group never committed anything, or there is lag)          |
 * | 2 | REWIND     | the newest committed offset is below one seen earlier in the window                    |
 * | 3 | OK         | newest lag is 0 (caught up; also a partition with nothing to read and no commit)       |
 * | 4 | STOP       | lag > 0 and the group has no active member                                             |
 * | 5 | STOP       | lag > 0 and no commit for longer than the window (counted from the later of the offset |
 * |   |            | first being seen and the oldest waiting event being written)                           |
 * | 6 | OK*        | some sample in the window had lag 0 (recently caught up: new events just arrived)      |
 * | 7 | STALL      | >= 2 samples, lag > 0 in all, committed offset identical in all of them                |
 * | 8 | WARN       | >= 2 samples, offsets moving, lag never shrank between samples and grew overall        |
 * | 9 | WARN       | lag above --max-lag, or oldest unconsumed event older than --max-time-lag              |
 * |10 | OK         | otherwise (lag shrinking or steady while the consumer moves)                           |
 *
 * (*) rule 9's thresholds still apply after rule 6.
 */
export function evaluatePartition(
  window: readonly PartitionSample[],
  thresholds: LagThresholds,
  context: EvaluationContext,
): PartitionVerdict {
  const latest = window[window.length - 1];
  if (!latest) return { status: 'ERR', reason: 'no samples' };
  const span = latest.at - window[0]!.at;

  // 1. Never committed: never reported as zero lag.
  if (latest.committed === null) {
    if (!context.groupHasCommits) return { status: 'NO_COMMITS', reason: 'the group has never committed an offset for this topic' };
    if (latest.lag > 0) return { status: 'NO_COMMITS', reason: `no committed offset; ${latest.lag} events waiting since the log start` };
    return { status: 'OK', reason: 'no committed offset, nothing to consume' };
  }

  // 2. Rewind: the committed offset went backwards and has not recovered past where it was.
  let peak: number | undefined;
  for (const s of window.slice(0, -1)) if (s.committed !== null && (peak === undefined || s.committed > peak)) peak = s.committed;
  if (peak !== undefined && latest.committed < peak) {
    return { status: 'REWIND', reason: `committed offset went back from ${peak} to ${latest.committed}` };
  }

  // 3. Caught up.
  if (latest.lag === 0) return { status: 'OK', reason: 'caught up' };

  // 4-5. Stopped: nobody consumes, or nothing was committed for longer than the window while events
  // waited. The wait counts from the later of "offset first seen" and "oldest waiting event written":
  // a consumer idle on a quiet topic is not stopped because one event arrived a second ago.
  if (latest.members === 0) return { status: 'STOP', reason: `no active consumer in the group; lag ${latest.lag}` };
  const stillFor = latest.committedSeenAt === null ? 0 : latest.at - latest.committedSeenAt;
  const stuckFor = latest.timeLagMs === null ? stillFor : Math.min(stillFor, latest.timeLagMs);
  if (stuckFor > thresholds.windowMs) {
    return {
      status: 'STOP',
      reason: `no commit for ${formatDuration(stuckFor)} (> window ${formatDuration(thresholds.windowMs)}) at offset ${latest.committed} with lag ${latest.lag}`,
    };
  }

  const thresholdVerdict = (): PartitionVerdict | undefined => {
    if (thresholds.maxLag !== undefined && latest.lag > thresholds.maxLag) {
      return { status: 'WARN', reason: `lag ${latest.lag} above --max-lag ${thresholds.maxLag}` };
    }
    if (thresholds.maxTimeLagMs !== undefined && latest.timeLagMs !== null && latest.timeLagMs > thresholds.maxTimeLagMs) {
      return {
        status: 'WARN',
        reason: `oldest unconsumed event is ${formatDuration(latest.timeLagMs)} old (above --max-time-lag ${formatDuration(thresholds.maxTimeLagMs)})`,
      };
    }
    return undefined;
  };

  // 6. Recently caught up: a burst that arrived after a zero-lag sample is not a problem yet.
  if (window.some((s) => s.lag === 0))
    return thresholdVerdict() ?? { status: 'OK', reason: `lag ${latest.lag}, caught up earlier in the window` };

  if (window.length >= 2) {
    // 7. Stalled: lag everywhere, offset not moving, but the group still has members.
    if (window.every((s) => s.committed === latest.committed)) {
      return {
        status: 'STALL',
        reason: `committed offset stuck at ${latest.committed} for ${formatDuration(Math.max(span, stuckFor))} with lag ${latest.lag}`,
      };
    }
    // 8. Falling behind: the consumer moves, but the lag only grows.
    let neverShrank = true;
    for (let i = 1; i < window.length; i++) if (window[i]!.lag < window[i - 1]!.lag) neverShrank = false;
    if (neverShrank && latest.lag > window[0]!.lag) {
      return { status: 'WARN', reason: `lag growing: ${window[0]!.lag} -> ${latest.lag} over ${formatDuration(span)}` };
    }
  }

  // 9-10.
  return thresholdVerdict() ?? { status: 'OK', reason: `lag ${latest.lag}, consumer moving` };
}
