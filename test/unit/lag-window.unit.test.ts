import { describe, expect, it } from 'vitest';
import {
  committedSeenAt,
  evaluatePartition,
  formatDuration,
  LAG_STATUSES,
  lagOf,
  statusValue,
  trimWindow,
  worstStatus,
  type LagStatus,
  type LagThresholds,
  type PartitionSample,
} from '../../src/core/lag/lag-window.js';
import { parseDuration } from '../../src/core/lag/duration.js';

const T0 = 1_700_000_000_000;

interface WindowSpec {
  /** [committed, logEnd] per sample, 1 s apart. */
  points: Array<[number | null, number]>;
  members?: number;
  /** Time lag of every sample with lag (ms); null: unreadable. */
  timeLagMs?: number | null;
  /** When the first sample's committed offset was first seen, if earlier than the first sample. */
  seenAt?: number;
  intervalMs?: number;
}

/** Builds a window the way the monitor does: committedSeenAt carried forward across samples. */
function windowOf(spec: WindowSpec): PartitionSample[] {
  const out: PartitionSample[] = [];
  spec.points.forEach(([committed, logEnd], i) => {
    const at = T0 + i * (spec.intervalMs ?? 1000);
    const lag = lagOf(committed, 0, logEnd);
    const prev = out[out.length - 1];
    const seen = i === 0 && committed !== null && spec.seenAt !== undefined ? spec.seenAt : committedSeenAt(prev, committed, at);
    out.push({
      at,
      committed,
      committedSeenAt: seen,
      logStart: 0,
      logEnd,
      lag,
      timeLagMs: lag === 0 ? 0 : spec.timeLagMs === undefined ? 500 : spec.timeLagMs,
      members: spec.members ?? 1,
    });
  });
  return out;
}

const thresholds: LagThresholds = { windowMs: 60_000 };

interface Case {
  name: string;
  spec: WindowSpec;
  expected: LagStatus;
  reason?: RegExp;
  thresholds?: LagThresholds;
  groupHasCommits?: boolean;
}

const cases: Case[] = [
  // OK
  {
    name: 'caught up in every sample',
    spec: {
      points: [
        [10, 10],
        [12, 12],
        [15, 15],
      ],
    },
    expected: 'OK',
    reason: /caught up/,
  },
  {
    name: 'lag shrinking while the offset moves',
    spec: {
      points: [
        [10, 20],
        [15, 22],
        [20, 23],
      ],
    },
    expected: 'OK',
    reason: /consumer moving/,
  },
  {
    name: 'steady lag while the offset moves (keeping pace)',
    spec: {
      points: [
        [10, 15],
        [20, 25],
        [30, 35],
      ],
    },
    expected: 'OK',
  },
  {
    name: 'lag grew once but shrank in another interval',
    spec: {
      points: [
        [10, 15],
        [12, 20],
        [19, 21],
      ],
    },
    expected: 'OK',
  },
  {
    name: 'caught up earlier in the window, new events just arrived',
    spec: {
      points: [
        [10, 10],
        [10, 12],
        [10, 14],
      ],
    },
    expected: 'OK',
    reason: /caught up earlier/,
  },
  { name: 'a single sample with lag and a live consumer (no movement to judge)', spec: { points: [[10, 15]] }, expected: 'OK' },
  {
    name: 'a partition without a commit and nothing to read, while the group committed elsewhere',
    spec: {
      points: [
        [null, 0],
        [null, 0],
      ],
    },
    groupHasCommits: true,
    expected: 'OK',
    reason: /nothing to consume/,
  },
  {
    name: 'idle for an hour at the log end, then one event a second ago: not stopped',
    spec: { points: [[10, 11]], seenAt: T0 - 3_600_000, timeLagMs: 1000 },
    expected: 'OK',
  },
  {
    name: 'rewind that recovered past the old offset',
    spec: {
      points: [
        [100, 120],
        [50, 120],
        [110, 120],
      ],
    },
    expected: 'OK',
  },
  // WARN
  {
    name: 'lag growing in every interval while the offset moves',
    spec: {
      points: [
        [10, 15],
        [12, 20],
        [14, 30],
      ],
    },
    expected: 'WARN',
    reason: /lag growing: 5 -> 16/,
  },
  {
    name: 'lag flat then growing (never shrinking, grew overall)',
    spec: {
      points: [
        [10, 15],
        [15, 20],
        [16, 30],
      ],
    },
    expected: 'WARN',
  },
  {
    name: 'lag above --max-lag',
    spec: {
      points: [
        [10, 200],
        [100, 250],
      ],
    },
    thresholds: { windowMs: 60_000, maxLag: 100 },
    expected: 'WARN',
    reason: /--max-lag 100/,
  },
  {
    name: 'oldest unconsumed event older than --max-time-lag',
    spec: {
      points: [
        [10, 20],
        [15, 22],
      ],
      timeLagMs: 400_000,
    },
    thresholds: { windowMs: 600_000, maxTimeLagMs: 300_000 },
    expected: 'WARN',
    reason: /--max-time-lag/,
  },
  {
    name: 'thresholds still apply after a zero-lag sample',
    spec: {
      points: [
        [10, 10],
        [10, 500],
      ],
    },
    thresholds: { windowMs: 60_000, maxLag: 100 },
    expected: 'WARN',
  },
  // STALL
  {
    name: 'members present, offset stuck, lag > 0 in every sample',
    spec: {
      points: [
        [10, 15],
        [10, 15],
        [10, 18],
      ],
    },
    expected: 'STALL',
    reason: /stuck at 10/,
  },
  {
    name: 'stuck with unreadable time lag',
    spec: {
      points: [
        [10, 15],
        [10, 15],
      ],
      timeLagMs: null,
    },
    expected: 'STALL',
  },
  // STOP
  {
    name: 'lag and nobody in the group',
    spec: {
      points: [
        [10, 15],
        [10, 15],
      ],
      members: 0,
    },
    expected: 'STOP',
    reason: /no active consumer/,
  },
  { name: 'nobody in the group, one sample is enough', spec: { points: [[10, 15]], members: 0 }, expected: 'STOP' },
  {
    name: 'nobody in the group even if it moved earlier in the window',
    spec: {
      points: [
        [5, 15],
        [10, 15],
      ],
      members: 0,
    },
    expected: 'STOP',
  },
  {
    name: 'members present but no commit for longer than the window while events waited',
    spec: {
      points: [
        [10, 15],
        [10, 15],
      ],
      seenAt: T0 - 120_000,
      timeLagMs: 130_000,
    },
    expected: 'STOP',
    reason: /no commit for 2m\d\ds \(> window 1m00s\)/,
  },
  {
    name: 'no commit for longer than the window, event time unreadable: the offset age decides',
    spec: { points: [[10, 15]], seenAt: T0 - 120_000, timeLagMs: null },
    expected: 'STOP',
  },
  // REWIND
  {
    name: 'committed offset went backwards',
    spec: {
      points: [
        [100, 120],
        [50, 120],
      ],
    },
    expected: 'REWIND',
    reason: /from 100 to 50/,
  },
  {
    name: 'went backwards, partly recovered',
    spec: {
      points: [
        [100, 120],
        [50, 120],
        [80, 120],
      ],
    },
    expected: 'REWIND',
  },
  {
    name: 'rewind wins over an empty group',
    spec: {
      points: [
        [100, 120],
        [50, 120],
      ],
      members: 0,
    },
    expected: 'REWIND',
  },
  // NO_COMMITS
  {
    name: 'group never committed, events waiting',
    spec: {
      points: [
        [null, 5],
        [null, 5],
      ],
    },
    groupHasCommits: false,
    expected: 'NO_COMMITS',
  },
  {
    name: 'group never committed, empty topic: still not reported as zero lag OK',
    spec: { points: [[null, 0]] },
    groupHasCommits: false,
    expected: 'NO_COMMITS',
    reason: /never committed/,
  },
  {
    name: 'group committed elsewhere but not on this partition that has events',
    spec: { points: [[null, 7]] },
    groupHasCommits: true,
    expected: 'NO_COMMITS',
    reason: /7 events waiting/,
  },
];

describe('evaluatePartition (sliding-window rules)', () => {
  it.each(cases)('$expected: $name', (c) => {
    const verdict = evaluatePartition(windowOf(c.spec), c.thresholds ?? thresholds, { groupHasCommits: c.groupHasCommits ?? true });
    expect(verdict.status).toBe(c.expected);
    if (c.reason) expect(verdict.reason).toMatch(c.reason);
  });

  it('ERR: an empty window', () => {
    expect(evaluatePartition([], thresholds, { groupHasCommits: true }).status).toBe('ERR');
  });

  it('covers every status', () => {
    const covered = new Set<LagStatus>([...cases.map((c) => c.expected), 'ERR']);
    expect([...covered].sort()).toEqual([...LAG_STATUSES].sort());
  });
});

describe('lag helpers', () => {
  it('maps statuses to severity values and a worst status', () => {
    expect(LAG_STATUSES.map((s) => [s, statusValue(s)])).toEqual([
      ['OK', 0],
      ['WARN', 1],
      ['STALL', 2],
      ['STOP', 3],
      ['REWIND', 4],
      ['NO_COMMITS', 5],
      ['ERR', 6],
    ]);
    expect(worstStatus([])).toBe('OK');
    expect(worstStatus(['OK', 'STALL', 'WARN'])).toBe('STALL');
    expect(worstStatus(['STOP', 'NO_COMMITS'])).toBe('NO_COMMITS');
  });

  it('computes lag from the committed offset, or from the log start without one; never negative', () => {
    expect(lagOf(10, 0, 15)).toBe(5);
    expect(lagOf(null, 3, 15)).toBe(12);
    expect(lagOf(2, 5, 15)).toBe(10); // committed below the log start (retention): only what still exists
    expect(lagOf(20, 0, 15)).toBe(0);
  });

  it('carries a committed offset first-seen time forward until it changes', () => {
    const prev = { at: 1, committed: 10, committedSeenAt: 1 } as PartitionSample;
    expect(committedSeenAt(prev, 10, 5)).toBe(1);
    expect(committedSeenAt(prev, 11, 5)).toBe(5);
    expect(committedSeenAt(undefined, 10, 5)).toBe(5);
    expect(committedSeenAt(prev, null, 5)).toBeNull();
  });

  it('keeps the samples inside the window, always the newest', () => {
    const s = [{ at: 0 }, { at: 500 }, { at: 1000 }, { at: 5000 }];
    expect(trimWindow(s, 4000)).toEqual([{ at: 1000 }, { at: 5000 }]);
    expect(trimWindow(s, 10)).toEqual([{ at: 5000 }]);
    expect(trimWindow([], 10)).toEqual([]);
  });

  it('parses and formats durations', () => {
    expect(parseDuration('1500')).toBe(1500);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('2.5m')).toBe(150_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('-5s')).toBeUndefined();
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(12_340)).toBe('12.3s');
    expect(formatDuration(125_000)).toBe('2m05s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
    expect(formatDuration(90_000_000)).toBe('1d01h');
  });
});
