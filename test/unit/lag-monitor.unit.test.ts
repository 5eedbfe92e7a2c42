import { describe, expect, it } from 'vitest';
import { createLagMonitor, LagAlertError, runLag } from '../../src/app/run-lag.js';
import { SourceUnavailableError } from '../../src/core/errors.js';
import { formatLagText } from '../../src/core/lag/lag-text.js';
import type { GroupOffsets, LagReader } from '../../src/core/ports/lag-reader.js';
import type { SearchSink } from '../../src/core/ports/search-sink.js';

const model = { name: 'product-search', topic: 'product-events', consumerGroup: 'readmodel.product-search', indexBase: 'product_search' };

/** A scripted Kafka: each call to groupOffsets returns the next state (the last one repeats). */
function fakeReader(states: Array<Omit<GroupOffsets, 'groupId' | 'topic'> | Error>, timestamps: Record<number, number> = {}) {
  let i = 0;
  const peeks: Array<Array<{ partition: number; offset: number; end: number }>> = [];
  const reader: LagReader = {
    async groupOffsets(groupId, topic) {
      const s = states[Math.min(i++, states.length - 1)]!;
      if (s instanceof Error) throw s;
      return { groupId, topic, ...s };
    },
    async recordTimestamps(_topic, positions) {
      peeks.push([...positions]);
      return new Map(positions.filter((p) => timestamps[p.partition] !== undefined).map((p) => [p.partition, timestamps[p.partition]!]));
    },
    async close() {},
  };
  return { reader, peeks };
}

function clock(start = 1_767_225_600_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function fakeSink(newest: string | undefined, alias: string[] = ['product_search_v1_abc']): SearchSink {
  return {
    aliasTargets: async () => alias,
    search: async (_index: string, body: Record<string, unknown>) => {
      expect(body).toMatchObject({ size: 1, sort: [{ lastEventAt: { order: 'desc' } }] });
      return { total: 1, hits: newest ? [{ id: 'p1', version: 1, doc: { lastEventAt: newest } }] : [] };
    },
  } as unknown as SearchSink;
}

const thresholds = { windowMs: 60_000, maxTimeLagMs: 300_000 };

describe('lag monitor', () => {
  it('reports a never-committed group as NO_COMMITS with the pending lag from the log start, exit code 2', async () => {
    const c = clock();
    const { reader, peeks } = fakeReader([{ state: 'Dead', members: 0, partitions: [{ partition: 0, committed: null, logStart: 2, logEnd: 9 }] }], { 0: c.now() - 4000 });
    const report = await createLagMonitor({ models: [model], thresholds, now: c.now }, { reader }).sample();
    expect(report).toMatchObject({ status: 'NO_COMMITS', exitCode: 2, models: [{ status: 'NO_COMMITS', lag: 7, groupState: 'Dead', members: 0 }] });
    expect(report.models[0]!.partitions[0]).toMatchObject({ committedOffset: null, lag: 7, timeLagMs: 4000 });
    // The oldest unconsumed record of a never-committed group is the first one still in the log.
    expect(peeks).toEqual([[{ partition: 0, offset: 2, end: 9 }]]);
  });

  it('OK with zero lag and no peeking; freshness from max lastEventAt behind the alias', async () => {
    const c = clock();
    const { reader, peeks } = fakeReader([{ state: 'Stable', members: 1, partitions: [{ partition: 0, committed: 5, logStart: 0, logEnd: 5 }] }]);
    const sink = fakeSink(new Date(c.now() - 90_000).toISOString());
    const report = await createLagMonitor({ models: [model], thresholds, now: c.now }, { reader, sink }).sample();
    expect(report).toMatchObject({ status: 'OK', exitCode: 0, samples: 1 });
    expect(report.models[0]).toMatchObject({
      reason: 'all 1 partitions caught up',
      maxTimeLagMs: 0,
      freshness: { alias: 'product_search_current', indices: ['product_search_v1_abc'], ageMs: 90_000 },
    });
    expect(peeks).toEqual([[]]);
  });

  it('a stopped consumer: lag N exactly, time lag from the record at the committed offset, STOP', async () => {
    const c = clock();
    const stopped = { state: 'Empty', members: 0, partitions: [{ partition: 0, committed: 5, logStart: 0, logEnd: 8 }, { partition: 1, committed: 4, logStart: 0, logEnd: 6 }] };
    const { reader, peeks } = fakeReader([stopped], { 0: c.now() - 2000, 1: c.now() - 1000 });
    const report = await runLag({ models: [model], thresholds, samples: 3, intervalMs: 0, now: c.now }, { reader });
    expect(report).toMatchObject({ status: 'STOP', exitCode: 2, samples: 3 });
    expect(report.models[0]).toMatchObject({ lag: 5, maxTimeLagMs: 2000, reason: expect.stringMatching(/^partition 0: no active consumer.*\(and 1 more partition STOP\)$/) });
    expect(peeks[0]).toEqual([
      { partition: 0, offset: 5, end: 8 },
      { partition: 1, offset: 4, end: 6 },
    ]);
  });

  it('keeps the window across samples: STALL, then OK when the consumer moves again', async () => {
    const c = clock();
    const stuck = { state: 'Stable', members: 1, partitions: [{ partition: 0, committed: 5, logStart: 0, logEnd: 8 }] };
    const moving = { state: 'Stable', members: 1, partitions: [{ partition: 0, committed: 8, logStart: 0, logEnd: 8 }] };
    const { reader } = fakeReader([stuck, stuck, moving], { 0: c.now() - 100 });
    const monitor = createLagMonitor({ models: [model], thresholds, now: c.now }, { reader });
    expect((await monitor.sample()).status).toBe('OK');
    c.advance(1000);
    const stalled = await monitor.sample();
    expect(stalled.status).toBe('STALL');
    expect(stalled.models[0]!.partitions[0]!.committedSeenAt).toBe(new Date(c.now() - 1000).toISOString());
    c.advance(1000);
    expect(await monitor.sample()).toMatchObject({ status: 'OK', samples: 3, windowSpanMs: 2000 });
  });

  it('turns read failures into ERR (and stops sampling early when nothing can be read)', async () => {
    const { reader } = fakeReader([new SourceUnavailableError('Kafka: no brokers', { code: 'SOURCE_UNAVAILABLE' })]);
    let calls = 0;
    const counting: LagReader = { ...reader, groupOffsets: (g, t) => (calls++, reader.groupOffsets(g, t)) };
    const report = await runLag({ models: [model], thresholds, samples: 3, intervalMs: 0 }, { reader: counting });
    expect(calls).toBe(1);
    expect(report).toMatchObject({ status: 'ERR', exitCode: 2, models: [{ status: 'ERR', error: { code: 'SOURCE_UNAVAILABLE', message: 'Kafka: no brokers' } }] });
  });

  it('a failing freshness read makes the model ERR; a missing alias is only a note', async () => {
    const { reader } = fakeReader([{ state: 'Stable', members: 1, partitions: [{ partition: 0, committed: 5, logStart: 0, logEnd: 5 }] }]);
    const broken = { aliasTargets: async () => Promise.reject(new Error('connection refused')) } as unknown as SearchSink;
    const bad = await createLagMonitor({ models: [model], thresholds }, { reader, sink: broken }).sample();
    expect(bad.models[0]).toMatchObject({ status: 'ERR', freshness: { error: 'connection refused' } });
    const none = await createLagMonitor({ models: [model], thresholds }, { reader, sink: fakeSink(undefined, []) }).sample();
    expect(none.models[0]).toMatchObject({ status: 'OK', freshness: { ageMs: null, note: 'the alias does not exist yet' } });
  });

  it('LagAlertError carries the exit code and serializes as the report itself', async () => {
    const { reader } = fakeReader([{ state: 'Empty', members: 0, partitions: [{ partition: 0, committed: 1, logStart: 0, logEnd: 3 }] }]);
    const report = await runLag({ models: [model], thresholds, samples: 1, intervalMs: 0 }, { reader });
    const err = new LagAlertError(report);
    expect(err).toMatchObject({ code: 'LAG_STOP', exitCode: 2 });
    expect(err.message).toMatch(/^consumer lag status STOP: product-search: partition 0: no active consumer/);
    expect(err.suggestion).toContain('readmodel consume product-search');
    expect(err.toJSON()).toEqual(report);
    const warn = new LagAlertError({ ...report, status: 'WARN', exitCode: 1, models: [{ ...report.models[0]!, status: 'WARN' }] });
    expect(warn.exitCode).toBe(1);
  });

  it('renders a readable table', async () => {
    const c = clock();
    const { reader } = fakeReader([{ state: 'Empty', members: 0, partitions: [{ partition: 0, committed: 1, logStart: 0, logEnd: 3 }] }], { 0: c.now() - 12_300 });
    const text = formatLagText(await runLag({ models: [model], thresholds, samples: 1, intervalMs: 0, now: c.now }, { reader }));
    expect(text).toContain('product-search  topic product-events  group readmodel.product-search (Empty, 0 members)');
    expect(text).toContain('  status STOP: partition 0: no active consumer in the group; lag 2');
    expect(text).toMatch(/PARTITION {2}COMMITTED {2}LOG END {2}LAG {2}TIME LAG {2}STATUS {2}REASON\n {2}0 +1 +3 +2 +12\.3s +STOP +no active consumer/);
    expect(text).toMatch(/overall: STOP \(exit 2\)/);
    expect(text.split('\n').every((l) => l === l.trimEnd())).toBe(true);
  });
});
