import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import {
  checkHistory,
  historyGapError,
  humanMs,
  neededStarts,
  retentionVerdict,
  truncatedHistoryError,
} from '../../src/core/rebuild/history-check.js';
import type { PartitionRange, PartitionWatermarks, TopicConfig } from '../../src/core/ports/event-source.js';
import type { StartSpec } from '../../src/core/rebuild/offset-plan.js';

const forever: TopicConfig = { cleanupPolicy: 'delete', retentionMs: -1, retentionBytes: -1 };
const earliest: StartSpec = { kind: 'earliest' };
const marks = (...m: Array<[number, number]>): PartitionWatermarks[] => m.map(([low, high], partition) => ({ partition, low, high }));
const fromLow = (w: PartitionWatermarks[]): PartitionRange[] => w.map((x) => ({ partition: x.partition, start: x.low, end: x.high }));
const build = (index: string, ranges: PartitionRange[], over: Record<string, unknown> = {}) => ({
  index,
  model: 'm',
  status: 'complete' as const,
  topic: 't',
  ranges,
  ...over,
});

function verdict(w: PartitionWatermarks[], builds: Parameters<typeof neededStarts>[3] = [], config = forever, start = earliest) {
  const ranges = fromLow(w);
  return checkHistory({ topic: 't', watermarks: w, ranges, start, needed: neededStarts(start, ranges, 't', builds), config });
}

describe('pre-flight history check', () => {
  it('a full log needs nothing it lacks', () => {
    const v = verdict(marks([0, 100], [0, 50]));
    expect(v.gaps).toEqual([]);
    expect(v.basis).toBe('beginning');
    expect(v.eventsToRead).toBe(150);
    expect(v.partitions[1]).toEqual({ partition: 1, logStart: 0, high: 50, needed: 0, start: 0, end: 50, events: 50, missing: 0 });
  });

  it('with no earlier build, a log that no longer starts at 0 has a gap from the beginning', () => {
    const v = verdict(marks([2000, 3000], [0, 900]));
    expect(v.gaps).toEqual([{ partition: 0, from: 0, to: 2000 }]);
    expect(v.partitions[0]).toMatchObject({ needed: 0, logStart: 2000, start: 2000, events: 1000, missing: 2000 });
  });

  it('a partition emptied by retention (log start = high watermark) is still missing its history', () => {
    expect(verdict(marks([40, 40])).gaps).toEqual([{ partition: 0, from: 0, to: 40 }]);
  });

  it('earlier complete builds set what is needed: their smallest recorded start per partition', () => {
    const w = marks([500, 900], [0, 100]);
    const v = verdict(w, [
      build('b2', [{ partition: 0, start: 700, end: 800 }]),
      build('b1', [
        { partition: 0, start: 500, end: 600 },
        { partition: 1, start: 0, end: 10 },
      ]),
    ]);
    expect(v.basis).toBe('previous-builds');
    expect(v.reference).toEqual(['b1', 'b2']);
    expect(v.gaps).toEqual([]);
    const later = verdict(marks([650, 900], [0, 100]), [build('b1', [{ partition: 0, start: 500, end: 600 }])]);
    expect(later.gaps).toEqual([{ partition: 0, from: 500, to: 650 }]);
  });

  it('ignores incomplete builds and builds of another topic', () => {
    const v = verdict(marks([500, 900]), [
      build('x', [{ partition: 0, start: 500, end: 600 }], { status: 'building' }),
      build('y', [{ partition: 0, start: 500, end: 600 }], { topic: 'other' }),
    ]);
    expect(v.basis).toBe('beginning');
    expect(v.gaps).toEqual([{ partition: 0, from: 0, to: 500 }]);
  });

  it('an acknowledged gap of an earlier build is not inherited silently: its start is what is needed', () => {
    const v = verdict(marks([2000, 3000]), [
      build('b', [{ partition: 0, start: 2000, end: 2500 }], { historyGaps: [{ partition: 0, from: 0, to: 2000 }] }),
    ]);
    expect(v.gaps).toEqual([{ partition: 0, from: 0, to: 2000 }]);
  });

  it('explicit starts need exactly what was asked for', () => {
    const w = marks([2000, 3000]);
    const ranges = [{ partition: 0, start: 2500, end: 3000 }];
    const start: StartSpec = { kind: 'explicit', offsets: new Map([[0, 2500]]) };
    const v = checkHistory({ topic: 't', watermarks: w, ranges, start, needed: neededStarts(start, ranges, 't', []), config: forever });
    expect(v.basis).toBe('requested');
    expect(v.gaps).toEqual([]);
    expect(v.eventsToRead).toBe(500);
  });

  it('a time start that resolves to a moved log start is a warning', () => {
    const w = marks([2000, 3000]);
    const ranges = fromLow(w);
    const start: StartSpec = { kind: 'time', time: new Date(0) };
    const v = checkHistory({ topic: 't', watermarks: w, ranges, start, needed: neededStarts(start, ranges, 't', []), config: forever });
    expect(v.gaps).toEqual([]);
    expect(v.warnings[0]).toMatch(/partition 0: --from-time resolved to the log start 2000/);
  });

  it('says whether the topic can serve full rebuilds at all', () => {
    expect(retentionVerdict(forever)).toMatchObject({ keepsFullHistory: true, reasons: [] });
    const week = retentionVerdict({ cleanupPolicy: 'delete', retentionMs: 604_800_000, retentionBytes: -1 });
    expect(week.keepsFullHistory).toBe(false);
    expect(week.reasons).toEqual(['retention.ms=604800000 (7d): events older than that are deleted']);
    const bytes = retentionVerdict({ cleanupPolicy: 'delete', retentionMs: -1, retentionBytes: 1_000_000 });
    expect(bytes.reasons[0]).toMatch(/^retention.bytes=1000000/);
    const compact = retentionVerdict({ cleanupPolicy: 'compact', retentionMs: 604_800_000, retentionBytes: -1 });
    expect(compact.keepsFullHistory).toBe(false);
    expect(compact.reasons).toHaveLength(1);
    expect(compact.reasons[0]).toMatch(/compact/);
    expect(retentionVerdict({ cleanupPolicy: 'compact,delete', retentionMs: 1000, retentionBytes: -1 }).reasons).toHaveLength(2);
  });

  it('refusals name partitions and offsets and carry exit 12', () => {
    const e = truncatedHistoryError(verdict(marks([2000, 3000], [0, 5], [7, 9])), 'product-search');
    expect(e.exitCode).toBe(ExitCode.truncatedHistory);
    expect(e.code).toBe('TRUNCATED_HISTORY');
    expect(e.message).toBe(
      'history missing on topic "t": partition 0 needs offset 0 but the log starts at 2000 (2000 events gone); partition 2 needs offset 0 but the log starts at 7 (7 events gone)',
    );
    expect(e.context.gaps).toEqual([
      { partition: 0, needed: 0, logStart: 2000, missing: 2000 },
      { partition: 2, needed: 0, logStart: 7, missing: 7 },
    ]);
    expect(e.suggestion).toMatch(/--allow-truncated-history/);
    const during = historyGapError('t', { partition: 1, from: 120, to: 300 }, 300);
    expect(during.exitCode).toBe(12);
    expect(during.message).toMatch(/partition 1 of "t" needed offset 120, the log now starts at 300/);
  });

  it('formats durations', () => {
    expect([humanMs(-1), humanMs(604_800_000), humanMs(3_600_000), humanMs(90_000), humanMs(1500), humanMs(20)]).toEqual([
      'unlimited',
      '7d',
      '1h',
      '90s',
      '1.5s',
      '20ms',
    ]);
  });
});
