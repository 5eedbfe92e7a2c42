import { UsageError } from '../errors.js';
import type { PartitionRange, PartitionWatermarks } from '../ports/event-source.js';

export type StartSpec = { kind: 'earliest' } | { kind: 'explicit'; offsets: Map<number, number> } | { kind: 'time'; time: Date };

export type EndSpec = { kind: 'snapshot' } | { kind: 'explicit'; offsets: Map<number, number> };

/** Parses `0:120,1:98` into partition -> offset. */
export function parsePartitionOffsets(spec: string, flag: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(\d+):(\d+)$/.exec(part);
    if (!m) {
      throw new UsageError(`${flag} expects partition:offset pairs like 0:120,1:98, got "${part}"`, {
        context: { flag, value: spec },
      });
    }
    const p = Number(m[1]);
    if (out.has(p)) throw new UsageError(`${flag} names partition ${p} twice`, { context: { flag, value: spec } });
    out.set(p, Number(m[2]));
  }
  if (out.size === 0) throw new UsageError(`${flag} is empty`, { context: { flag } });
  return out;
}

export function parseStartSpec(from?: string, fromTime?: string): StartSpec {
  if (from && fromTime) throw new UsageError('use either --from or --from-time, not both');
  if (fromTime) {
    const t = new Date(fromTime);
    if (Number.isNaN(t.getTime())) {
      throw new UsageError(`--from-time is not an ISO-8601 time: "${fromTime}"`, {
        suggestion: 'for example --from-time 2026-11-01T00:00:00Z',
      });
    }
    return { kind: 'time', time: t };
  }
  if (!from || from === 'earliest') return { kind: 'earliest' };
  return { kind: 'explicit', offsets: parsePartitionOffsets(from, '--from') };
}

export function parseEndSpec(to?: string): EndSpec {
  if (!to || to === 'snapshot' || to === 'latest') return { kind: 'snapshot' };
  return { kind: 'explicit', offsets: parsePartitionOffsets(to, '--to') };
}

/**
 * Turns start/end specs and a watermark snapshot into exact [start, end) ranges for every partition.
 * A partition missing from an explicit --from starts at its log start; one missing from --to ends at
 * the snapshot. Ranges outside what the log holds are refused: a rebuild must read what it claims.
 */
export function planRanges(
  topic: string,
  watermarks: readonly PartitionWatermarks[],
  start: StartSpec,
  end: EndSpec,
  timeOffsets?: Map<number, number>,
): PartitionRange[] {
  const known = new Set(watermarks.map((w) => w.partition));
  for (const spec of [start.kind === 'explicit' ? start.offsets : undefined, end.kind === 'explicit' ? end.offsets : undefined]) {
    for (const p of spec?.keys() ?? []) {
      if (!known.has(p)) {
        throw new UsageError(`topic "${topic}" has no partition ${p}`, {
          context: { topic, partitions: [...known].sort((a, b) => a - b) },
        });
      }
    }
  }
  return watermarks.map((w) => {
    const s =
      start.kind === 'explicit'
        ? (start.offsets.get(w.partition) ?? w.low)
        : start.kind === 'time'
          ? (timeOffsets?.get(w.partition) ?? w.high)
          : w.low;
    const e = end.kind === 'explicit' ? (end.offsets.get(w.partition) ?? w.high) : w.high;
    if (s < w.low) {
      throw new UsageError(`partition ${w.partition} starts at ${w.low}; offset ${s} is no longer in the log`, {
        code: 'OFFSET_OUT_OF_RANGE',
        context: { topic, partition: w.partition, requested: s, logStart: w.low },
        suggestion: 'retention removed those events: start at or after the log start offset',
      });
    }
    if (e > w.high) {
      throw new UsageError(`partition ${w.partition} ends at ${w.high}; --to ${e} is beyond it`, {
        code: 'OFFSET_OUT_OF_RANGE',
        context: { topic, partition: w.partition, requested: e, highWatermark: w.high },
      });
    }
    if (e < s) {
      throw new UsageError(`partition ${w.partition}: end ${e} is before start ${s}`, { context: { topic } });
    }
    return { partition: w.partition, start: s, end: e };
  });
}

/** Events in a set of offset ranges (end is exclusive). */
export function totalEvents(ranges: readonly Pick<PartitionRange, 'start' | 'end'>[]): number {
  return ranges.reduce((n, r) => n + (r.end - r.start), 0);
}
