import { TruncatedHistoryError } from '../errors.js';
import type { HistoryGap, PartitionRange, PartitionWatermarks, TopicConfig } from '../ports/event-source.js';
import type { StartSpec } from './offset-plan.js';
import type { RunManifest } from './run-manifest.js';

/**
 * Where the offsets a rebuild needs come from: the beginning of the log (no complete build yet), the
 * recorded starts of the model's earlier complete builds, or what the operator asked for.
 */
export type NeededBasis = 'beginning' | 'previous-builds' | 'requested';

export interface NeededStarts {
  basis: NeededBasis;
  /** Partition -> first offset the read model needs. Partitions not listed need offset 0. */
  needed: Map<number, number>;
  /** The complete builds whose recorded starts were used (basis previous-builds). */
  reference: string[];
}

export interface PartitionHistory {
  partition: number;
  logStart: number;
  high: number;
  needed: number;
  /** The planned range [start, end). */
  start: number;
  end: number;
  events: number;
  /** Events needed but no longer in the log. */
  missing: number;
}

export interface RetentionVerdict extends TopicConfig {
  /** Only a topic that deletes nothing can serve a full rebuild whatever the age of the model. */
  keepsFullHistory: boolean;
  reasons: string[];
}

export interface HistoryVerdict {
  topic: string;
  basis: NeededBasis;
  reference: string[];
  partitions: PartitionHistory[];
  gaps: HistoryGap[];
  eventsToRead: number;
  retention: RetentionVerdict;
  warnings: string[];
}

type BuildRecord = Pick<RunManifest, 'index' | 'model' | 'status' | 'topic' | 'ranges' | 'historyGaps'>;

/**
 * What a rebuild must read from. A full rebuild needs the history from its beginning, unless complete
 * builds of the model exist: then it needs what the earliest of them started from (a build that
 * recorded a gap needed the gap's start, so an acknowledged gap is never silently inherited).
 * Explicit or time-based starts need exactly what was asked for.
 */
export function neededStarts(
  start: StartSpec,
  ranges: readonly PartitionRange[],
  topic: string,
  builds: readonly BuildRecord[],
): NeededStarts {
  if (start.kind !== 'earliest') {
    return { basis: 'requested', needed: new Map(ranges.map((r) => [r.partition, r.start])), reference: [] };
  }
  const complete = builds
    .filter((b) => b.status === 'complete' && b.topic === topic)
    .sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0));
  if (complete.length === 0) return { basis: 'beginning', needed: new Map(), reference: [] };
  const needed = new Map<number, number>();
  const lower = (p: number, o: number) => needed.set(p, Math.min(needed.get(p) ?? o, o));
  for (const b of complete) {
    for (const r of b.ranges) lower(r.partition, r.start);
    for (const g of b.historyGaps ?? []) lower(g.partition, g.from);
  }
  return { basis: 'previous-builds', needed, reference: complete.map((b) => b.index) };
}

export function retentionVerdict(c: TopicConfig): RetentionVerdict {
  const reasons: string[] = [];
  const policies = c.cleanupPolicy.split(',').map((s) => s.trim());
  if (policies.includes('compact')) {
    reasons.push(
      'cleanup.policy includes compact: compaction keeps only the latest record per key, so older events vanish without moving the log start',
    );
  }
  if (policies.includes('delete')) {
    if (c.retentionMs >= 0) reasons.push(`retention.ms=${c.retentionMs} (${humanMs(c.retentionMs)}): events older than that are deleted`);
    if (c.retentionBytes >= 0)
      reasons.push(`retention.bytes=${c.retentionBytes}: the oldest events of a partition are deleted beyond that size`);
  }
  return { ...c, keepsFullHistory: reasons.length === 0, reasons };
}

/**
 * The pre-flight verdict: per partition, the first offset the read model needs against the first
 * offset Kafka still holds. Anything needed and gone is a gap.
 */
export function checkHistory(o: {
  topic: string;
  watermarks: readonly PartitionWatermarks[];
  ranges: readonly PartitionRange[];
  start: StartSpec;
  needed: NeededStarts;
  config: TopicConfig;
}): HistoryVerdict {
  const ranges = new Map(o.ranges.map((r) => [r.partition, r]));
  const partitions: PartitionHistory[] = [];
  const gaps: HistoryGap[] = [];
  const warnings: string[] = [];
  for (const w of [...o.watermarks].sort((a, b) => a.partition - b.partition)) {
    const r = ranges.get(w.partition) ?? { partition: w.partition, start: w.low, end: w.low };
    const needed = o.needed.needed.get(w.partition) ?? 0;
    // The planned range starts at or after the log start, so whatever lies in [needed, logStart) is gone.
    const missing = Math.max(0, w.low - needed);
    if (missing > 0) gaps.push({ partition: w.partition, from: needed, to: w.low });
    if (o.start.kind === 'time' && r.start === w.low && w.low > 0) {
      warnings.push(
        `partition ${w.partition}: --from-time resolved to the log start ${w.low}; events at or after that time may have been deleted before it`,
      );
    }
    partitions.push({
      partition: w.partition,
      logStart: w.low,
      high: w.high,
      needed,
      start: r.start,
      end: r.end,
      events: r.end - r.start,
      missing,
    });
  }
  const retention = retentionVerdict(o.config);
  return {
    topic: o.topic,
    basis: o.needed.basis,
    reference: o.needed.reference,
    partitions,
    gaps,
    eventsToRead: partitions.reduce((n, p) => n + p.events, 0),
    retention,
    warnings,
  };
}

export function describeGap(g: HistoryGap): string {
  return `partition ${g.partition} needs offset ${g.from} but the log starts at ${g.to} (${g.to - g.from} events gone)`;
}

const ACK_HINT =
  're-run with --allow-truncated-history to build anyway: the manifest records the gap and the swap gates refuse the build unless overridden';

/** The pre-flight refusal: the history the rebuild needs is no longer in Kafka. */
export function truncatedHistoryError(v: HistoryVerdict, model: string): TruncatedHistoryError {
  return new TruncatedHistoryError(`history missing on topic "${v.topic}": ${v.gaps.map(describeGap).join('; ')}`, {
    context: {
      model,
      topic: v.topic,
      neededFrom: basisText(v),
      gaps: v.gaps.map((g) => ({ partition: g.partition, needed: g.from, logStart: g.to, missing: g.to - g.from })),
      retention: `cleanup.policy=${v.retention.cleanupPolicy} retention.ms=${v.retention.retentionMs} retention.bytes=${v.retention.retentionBytes}`,
    },
    suggestion:
      `retention or kafka-delete-records removed events this read model needs; a build from what is left would be a wrong read model. ` +
      `Restore the events (or raise retention before it happens again) and re-run, or ${ACK_HINT}. "readmodel check ${model}" shows the details.`,
  });
}

/** Records vanished while the reader was on its way to them. */
export function historyGapError(topic: string, g: HistoryGap, logStart: number): TruncatedHistoryError {
  return new TruncatedHistoryError(
    `events were deleted from Kafka while they were being read: partition ${g.partition} of "${topic}" needed offset ${g.from}, the log now starts at ${logStart}`,
    {
      context: { topic, partition: g.partition, neededOffset: g.from, logStart, missing: g.to - g.from },
      suggestion: `retention (or kafka-delete-records) overtook the reader; raise retention.ms / retention.bytes of the topic and re-run, or ${ACK_HINT}`,
    },
  );
}

export function basisText(v: Pick<HistoryVerdict, 'basis' | 'reference'>): string {
  switch (v.basis) {
    case 'beginning':
      return 'the beginning of the history (no complete build of this model yet)';
    case 'previous-builds':
      return `the recorded starts of earlier complete builds (${v.reference.join(', ')})`;
    case 'requested':
      return 'the requested start offsets';
  }
}

export function humanMs(ms: number): string {
  if (ms < 0) return 'unlimited';
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  for (const [size, unit] of units) if (ms >= size) return `${(ms / size).toFixed(1)}${unit}`;
  return `${ms}ms`;
}
