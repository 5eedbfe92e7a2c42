import { describe, expect, it } from 'vitest';
import { emptyCounters, type Counters, type ProgressEvent } from '../../src/core/progress/progress-events.js';
import { bar, clip, formatCount, formatDuration, formatPercent } from '../../src/cli/output/tui/format.js';
import {
  aliasState,
  initialTuiState,
  invalidCount,
  reduceTui,
  stalledSeconds,
  totals,
  visiblePartitions,
  type TuiAction,
  type TuiState,
} from '../../src/cli/output/tui/tui-state.js';

const counters = (over: Partial<Counters> = {}): Counters => ({ ...emptyCounters(), ...over });

function fold(actions: TuiAction[], start = 1_000, step = 250, opts: { maxMessages?: number } = {}): TuiState {
  let s = initialTuiState(start, opts);
  let t = start;
  for (const a of actions) s = reduceTui(s, a, (t += step));
  return s;
}

const invalidEvent = (offset: string, action: 'skip' | 'stop' = 'skip'): ProgressEvent => ({
  type: 'invalid',
  position: { topic: 'products', partition: 1, offset },
  violation: { pointer: '/data/price/amountMinor', rule: 'minimum', message: 'must be >= 0', eventType: 'PriceUpdated', eventVersion: 2 },
  action,
});

describe('tui reducer', () => {
  it('starts empty and does not mutate the state it is given', () => {
    const s0 = initialTuiState(5);
    const frozen = JSON.stringify(s0);
    const s1 = reduceTui(s0, { type: 'phase', phase: 'connect' }, 6);
    expect(JSON.stringify(s0)).toBe(frozen);
    expect(s1.phase).toBe('connect');
    expect(s1.now).toBe(6);
  });

  it('tracks the phase, its detail, when it began and the phases seen in order', () => {
    const s = fold([
      { type: 'phase', phase: 'connect' },
      { type: 'phase', phase: 'snapshot' },
      { type: 'phase', phase: 'replay', detail: 'from earliest' },
      { type: 'phase', phase: 'replay' },
    ]);
    expect(s.phase).toBe('replay');
    expect(s.phaseDetail).toBe('from earliest'); // the same phase again keeps its detail
    expect(s.phaseSince).toBe(1_750);
    expect(s.phasesSeen).toEqual(['connect', 'snapshot', 'replay']);
    const next = reduceTui(s, { type: 'phase', phase: 'finalize' }, 9_000);
    expect(next.phaseDetail).toBeUndefined();
    expect(next.phaseSince).toBe(9_000);
  });

  it('keeps the target index and the alias state', () => {
    const s = fold([{ type: 'target', index: 'ps_v2_abc', alias: 'ps_current', aliasTargets: ['ps_v1_old'] }]);
    expect(s.target).toEqual({ index: 'ps_v2_abc', alias: 'ps_current', aliasTargets: ['ps_v1_old'] });
    expect(aliasState(s)).toBe('ps_current -> ps_v1_old');
    expect(aliasState(fold([{ type: 'target', index: 'i', alias: 'a', aliasTargets: [] }]))).toBe('a -> (no index yet)');
    expect(aliasState(fold([{ type: 'target', index: 'i', alias: 'a', aliasTargets: ['i'] }]))).toBe('a -> i (the target is live)');
    expect(aliasState(fold([{ type: 'target', index: 'i' }]))).toBeUndefined();
    expect(
      aliasState(
        fold([
          { type: 'target', index: 'i', alias: 'a', aliasTargets: ['old'] },
          { type: 'phase', phase: 'swap' },
        ]),
      ),
    ).toBe('a -> old (swapping to the target)');
  });

  it('takes partitions (sorted), counters, rates and ETA from progress', () => {
    const s = fold([
      {
        type: 'progress',
        partitions: [
          { partition: 2, start: 0, end: 100, position: 100 },
          { partition: 0, start: 10, end: 110, position: 60 },
        ],
        counters: counters({ eventsRead: 150, docsWritten: 40 }),
        eventsPerSec: 600,
        docsPerSec: 160,
        bulkLatencyMs: 42,
        etaSeconds: 3,
      },
    ]);
    expect(s.partitions.map((p) => p.partition)).toEqual([0, 2]);
    expect(s.counters?.eventsRead).toBe(150);
    expect(s.rates).toEqual({ eventsPerSec: 600, docsPerSec: 160, bulkLatencyMs: 42, etaSeconds: 3 });
    expect(s.lastProgressAt).toBe(1_250);
    expect(totals(s.partitions)).toEqual({ done: 150, total: 200, fraction: 0.75 });
  });

  it('counts retries and remembers the last one', () => {
    const s = fold([
      { type: 'retry', reason: 'HTTP 429', attempt: 1, delayMs: 100 },
      { type: 'retry', reason: 'ECONNRESET', attempt: 2, delayMs: 200 },
    ]);
    expect(s.retries).toBe(2);
    expect(s.lastRetry).toMatchObject({ reason: 'ECONNRESET', attempt: 2, delayMs: 200 });
  });

  it('counts invalid events and lists them as warnings (skip) or errors (stop)', () => {
    const s = fold([invalidEvent('7'), invalidEvent('9', 'stop')]);
    expect(s.invalidSeen).toBe(2);
    expect(s.invalidSkipped).toBe(1);
    expect(s.stoppedOnInvalid).toBe(true);
    expect(s.messages.map((m) => m.level)).toEqual(['warn', 'error']);
    expect(s.messages[0]!.text).toBe(
      'skipped invalid event at partition 1 offset 7 PriceUpdated v2: /data/price/amountMinor minimum: must be >= 0 (topic products)',
    );
    expect(s.messages[1]!.text).toMatch(/^stopping on invalid event at partition 1 offset 9 /);
    // The counters may be further along than the individual reports.
    const withCounters = reduceTui(
      s,
      { type: 'progress', partitions: [], counters: counters({ eventsInvalid: 5 }), eventsPerSec: 0, docsPerSec: 0, bulkLatencyMs: 0 },
      9,
    );
    expect(invalidCount(withCounters)).toBe(5);
  });

  it('keeps only the last N warnings and errors but counts them all; info logs become the status line', () => {
    const s = fold(
      [
        { type: 'log', level: 'warn', message: 'w1' },
        { type: 'log', level: 'info', message: 'deleting incomplete index x' },
        { type: 'log', level: 'error', message: 'e1' },
        { type: 'log', level: 'warn', message: 'w2' },
        { type: 'log', level: 'warn', message: 'w3' },
      ],
      0,
      1,
      { maxMessages: 3 },
    );
    expect(s.messages.map((m) => m.text)).toEqual(['e1', 'w2', 'w3']);
    expect(s.messagesTotal).toBe(4);
    expect(s.lastInfo).toBe('deleting incomplete index x');
  });

  it('collapses identical consecutive messages into one line with a count', () => {
    const s = fold([
      { type: 'log', level: 'warn', message: 'slow' },
      { type: 'log', level: 'warn', message: 'slow' },
      { type: 'log', level: 'warn', message: 'slow' },
    ]);
    expect(s.messages).toHaveLength(1);
    expect(s.messages[0]!.repeat).toBe(3);
    expect(s.messagesTotal).toBe(3);
  });

  it('marks aborting once (the first reason wins), shows stderr output, and closes', () => {
    const s = fold([
      { type: 'ui:aborting', reason: 'q pressed' },
      { type: 'ui:aborting', reason: 'aborted by SIGINT' },
      { type: 'ui:output', text: 'something on stderr\n' },
      { type: 'ui:output', text: '  \n' },
      { type: 'ui:closed' },
    ]);
    expect(s.aborting).toEqual({ at: 1_250, reason: 'q pressed' });
    expect(s.messages.map((m) => m.text)).toEqual(['something on stderr']);
    expect(s.closed).toBe(true);
  });

  it('notices a replay that stopped moving', () => {
    let s = fold([{ type: 'phase', phase: 'replay' }], 0, 1_000);
    expect(stalledSeconds(reduceTui(s, { type: 'ui:tick' }, 5_000))).toBeUndefined();
    s = reduceTui(s, { type: 'ui:tick' }, 13_500);
    expect(stalledSeconds(s)).toBe(12);
    expect(stalledSeconds(reduceTui(s, { type: 'phase', phase: 'finalize' }, 14_000))).toBeUndefined();
  });
});

describe('tui partitions that do not fit', () => {
  const parts = Array.from({ length: 10 }, (_, i) => ({ partition: i, start: 0, end: 10, position: i % 3 === 0 ? 10 : 5 }));

  it('shows them all when they fit', () => {
    expect(visiblePartitions(parts, 10).shown).toHaveLength(10);
  });

  it('shows unfinished partitions first and summarises the rest', () => {
    const v = visiblePartitions(parts, 5);
    expect(v.shown.map((p) => p.partition)).toEqual([1, 2, 4, 5]);
    expect(v.hidden).toEqual({ count: 6, done: 4 });
  });
});

describe('tui formatting', () => {
  it('formats counts, durations, percentages and bars', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(7_620)).toBe('2h07m');
    expect(formatPercent(0.999)).toBe(' 99%');
    expect(formatPercent(1)).toBe('100%');
    expect(bar(0.5, 10)).toBe('█████░░░░░');
    expect(bar(2, 4)).toBe('████');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('a\nb', 10)).toBe('a ⏎ b');
  });
});
