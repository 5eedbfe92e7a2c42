import { describe, expect, it } from 'vitest';
import { LagAlertError } from '../../src/app/lag-alert-error.js';
import { createLagMonitor } from '../../src/app/lag-monitor.js';
import { runLag } from '../../src/app/run-lag.js';
import { SinkRejectedError, SinkUnavailableError, SourceUnavailableError } from '../../src/core/errors.js';
import { lagExitCode } from '../../src/core/lag/lag-exit-code.js';
import { formatLagSummary, formatLagTable } from '../../src/core/lag/lag-text.js';
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

interface SinkState {
  newest?: string;
  alias?: string[];
  /** The `_meta.readmodel` value; undefined leaves it out. */
  manifest?: unknown;
  documents?: number;
  info?: { engine: 'opensearch' | 'elasticsearch'; version: string } | Error;
  getMeta?: Error;
  aliasError?: Error;
}

const completeBuild = { status: 'complete', model: 'product-search', counts: { documents: 3 } };

/** A scripted search engine holding one read model: the alias, its index's manifest and documents. */
function fakeSink(state: SinkState = {}): SearchSink {
  const s = { alias: ['product_search_v1_abc'], documents: 3, info: { engine: 'opensearch' as const, version: '2.19.0' }, ...state };
  const manifest = 'manifest' in state ? state.manifest : completeBuild;
  return {
    engine: 'opensearch',
    info: async () => {
      if (s.info instanceof Error) throw s.info;
      return { ...s.info, clusterName: 'test' };
    },
    aliasTargets: async () => {
      if (s.aliasError) throw s.aliasError;
      return s.alias;
    },
    getMeta: async () => {
      if (s.getMeta) throw s.getMeta;
      return manifest === undefined ? {} : { readmodel: manifest };
    },
    search: async (_index: string, body: Record<string, unknown>) => {
      expect(body).toMatchObject({ size: 1, sort: [{ lastEventAt: { order: 'desc' } }] });
      return { total: s.newest ? s.documents : 0, hits: s.newest ? [{ id: 'p1', version: 1, doc: { lastEventAt: s.newest } }] : [] };
    },
  } as unknown as SearchSink;
}

const thresholds = { windowMs: 60_000, maxTimeLagMs: 300_000 };

describe('lag monitor', () => {
  it('reports a never-committed group as NO_COMMITS with the pending lag from the log start, exit code 1', async () => {
    const c = clock();
    const { reader, peeks } = fakeReader(
      [{ state: 'Dead', members: 0, partitions: [{ partition: 0, committed: null, logStart: 2, logEnd: 9 }] }],
      { 0: c.now() - 4000 },
    );
    const report = await createLagMonitor({ models: [model], thresholds, now: c.now }, { reader }).sample();
    expect(report).toMatchObject({
      status: 'NO_COMMITS',
      exitCode: 1,
      models: [{ status: 'NO_COMMITS', lag: 7, groupState: 'Dead', members: 0 }],
    });
    expect(report.models[0]!.partitions[0]).toMatchObject({ committedOffset: null, lag: 7, timeLagMs: 4000 });
    // The oldest unconsumed record of a never-committed group is the first one still in the log.
    expect(peeks).toEqual([[{ partition: 0, offset: 2, end: 9 }]]);
  });

  it('OK with zero lag and no peeking; freshness from max lastEventAt behind the alias', async () => {
    const c = clock();
    const { reader, peeks } = fakeReader([
      { state: 'Stable', members: 1, partitions: [{ partition: 0, committed: 5, logStart: 0, logEnd: 5 }] },
    ]);
    const sink = fakeSink({ newest: new Date(c.now() - 90_000).toISOString() });
    const report = await createLagMonitor({ models: [model], thresholds, now: c.now }, { reader, sink }).sample();
    expect(report).toMatchObject({ status: 'OK', exitCode: 0, samples: 1 });
    expect(report.models[0]).toMatchObject({
      reason: 'all 1 partitions caught up',
      consumerStatus: 'OK',
      maxTimeLagMs: 0,
      readModel: {
        status: 'OK',
        alias: 'product_search_current',
        indices: ['product_search_v1_abc'],
        index: 'product_search_v1_abc',
        build: { status: 'complete', model: 'product-search', documents: 3 },
        documents: 3,
        ageMs: 90_000,
      },
    });
    expect(report.models[0]!.readModel!.problem).toBeUndefined();
    expect(peeks).toEqual([[]]);
  });

  it('a stopped consumer: lag N exactly, time lag from the record at the committed offset, STOP', async () => {
    const c = clock();
    const stopped = {
      state: 'Empty',
      members: 0,
      partitions: [
        { partition: 0, committed: 5, logStart: 0, logEnd: 8 },
        { partition: 1, committed: 4, logStart: 0, logEnd: 6 },
      ],
    };
    const { reader, peeks } = fakeReader([stopped], { 0: c.now() - 2000, 1: c.now() - 1000 });
    const report = await runLag({ models: [model], thresholds, samples: 3, intervalMs: 0, now: c.now }, { reader });
    expect(report).toMatchObject({ status: 'STOP', exitCode: 1, samples: 3 });
    expect(report.models[0]).toMatchObject({
      lag: 5,
      maxTimeLagMs: 2000,
      reason: expect.stringMatching(/^partition 0: no active consumer.*\(and 1 more partition STOP\)$/),
    });
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
    expect(report).toMatchObject({
      status: 'ERR',
      exitCode: 5,
      models: [{ status: 'ERR', error: { code: 'SOURCE_UNAVAILABLE', message: 'Kafka: no brokers' } }],
    });
  });

  it('a missing alias is ERR (exit 1) with a reason and what to do, never OK with "freshness unknown"', async () => {
    const { reader } = fakeReader([{ state: 'Stable', members: 1, partitions: [{ partition: 0, committed: 5, logStart: 0, logEnd: 5 }] }]);
    const report = await runLag({ models: [model], thresholds, samples: 1, intervalMs: 0 }, { reader, sink: fakeSink({ alias: [] }) });
    expect(report).toMatchObject({ status: 'ERR', exitCode: 1 });
    expect(report.models[0]).toMatchObject({
      status: 'ERR',
      consumerStatus: 'OK',
      reason: expect.stringMatching(/^read model: alias product_search_current does not exist/),
      readModel: {
        status: 'ERR',
        problem: 'ALIAS_MISSING',
        ageMs: null,
        suggestion: expect.stringContaining('readmodel rebuild product-search --swap'),
      },
    });
    const err = new LagAlertError(report);
    expect(err).toMatchObject({ code: 'LAG_ERR', exitCode: 1 });
    expect(err.suggestion).toContain('readmodel rebuild product-search --swap');
    const text = formatLagSummary(report);
    expect(text).toContain('read model: ERR [ALIAS_MISSING] alias product_search_current does not exist');
    expect(text).toMatch(/overall: ERR \(exit 1\)/);
  });

  it.each([
    ['the alias on two indices', { alias: ['a_v1', 'a_v2'] }, 'ALIAS_AMBIGUOUS', /points at 2 indices \(a_v1, a_v2\)/],
    [
      'the index behind the alias gone',
      { getMeta: new SinkRejectedError('no such index', { context: { status: 404 } }) },
      'INDEX_MISSING',
      /index product_search_v1_abc behind alias product_search_current does not exist/,
    ],
    ['an index readmodel did not build', { manifest: undefined }, 'NO_MANIFEST', /has no readmodel manifest/],
    ['a manifest that is not one', { manifest: 'garbage' }, 'MANIFEST_UNREADABLE', /manifest of index product_search_v1_abc .* unreadable/],
    [
      'a manifest read that fails',
      { getMeta: new SinkRejectedError('opensearch refused reading the manifest: forbidden', { context: { status: 403 } }) },
      'MANIFEST_UNREADABLE',
      /forbidden/,
    ],
    [
      'a build of another model',
      { manifest: { ...completeBuild, model: 'order-history' } },
      'WRONG_MODEL',
      /built for read model "order-history"/,
    ],
    [
      'an incomplete build',
      { manifest: { ...completeBuild, status: 'building' } },
      'INDEX_INCOMPLETE',
      /incomplete build \(status: building\)/,
    ],
    [
      'the other engine',
      { info: { engine: 'elasticsearch' as const, version: '8.19.0' } },
      'ENGINE_MISMATCH',
      /configured as opensearch, but the node reports elasticsearch 8\.19\.0/,
    ],
    [
      'a node that does not say what it is',
      { info: { engine: 'opensearch' as const, version: 'unknown' } },
      'ENGINE_UNIDENTIFIED',
      /does not answer as opensearch/,
    ],
    [
      'an alias read that is refused',
      { aliasError: new SinkRejectedError('opensearch refused reading alias x: unauthorized', { context: { status: 401 } }) },
      'READ_FAILED',
      /reading alias product_search_current failed: .*unauthorized/,
    ],
  ])('%s is ERR with a reason naming it', async (_what, state: SinkState, problem, reason) => {
    const { reader } = fakeReader([{ state: 'Stable', members: 1, partitions: [{ partition: 0, committed: 5, logStart: 0, logEnd: 5 }] }]);
    const report = await runLag(
      { models: [model], thresholds, samples: 1, intervalMs: 0 },
      { reader, sink: fakeSink({ newest: '2026-01-01T00:00:00.000Z', ...state }) },
    );
    expect(report).toMatchObject({
      status: 'ERR',
      exitCode: 1,
      models: [{ status: 'ERR', consumerStatus: 'OK', readModel: { status: 'ERR', problem } }],
    });
    expect(report.models[0]!.readModel!.reason).toMatch(reason);
    expect(report.models[0]!.readModel!.suggestion).toBeTruthy();
  });

  it('an unreachable search engine is ERR and exit 6 (nothing else could be read), and stops sampling early', async () => {
    const { reader } = fakeReader([{ state: 'Stable', members: 1, partitions: [{ partition: 0, committed: 5, logStart: 0, logEnd: 5 }] }]);
    let infos = 0;
    const dead = fakeSink({
      info: new SinkUnavailableError('opensearch at http://127.0.0.1:1 is unavailable: the cluster info request failed 8 times', {
        context: { lastError: 'connect ECONNREFUSED 127.0.0.1:1' },
      }),
    });
    const counting = { ...dead, info: () => (infos++, dead.info()) } as SearchSink;
    const report = await runLag(
      { models: [model, { ...model, name: 'order-history' }], thresholds, samples: 3, intervalMs: 0 },
      { reader, sink: counting },
    );
    expect(infos).toBe(1);
    expect(report).toMatchObject({ status: 'ERR', exitCode: 6 });
    for (const m of report.models) {
      expect(m.readModel).toMatchObject({
        status: 'ERR',
        problem: 'ENGINE_UNREACHABLE',
        error: { code: 'SINK_UNAVAILABLE', exitCode: 6, message: expect.stringContaining('(connect ECONNREFUSED 127.0.0.1:1)') },
      });
    }
    expect(new LagAlertError(report).exitCode).toBe(6);
  });

  it('an empty index is OK only over an empty topic; otherwise WARN, or ERR when its build wrote documents', async () => {
    const empty = (logEnd: number) =>
      fakeReader([{ state: 'Stable', members: 1, partitions: [{ partition: 0, committed: logEnd, logStart: 0, logEnd }] }]).reader;
    const noBuiltDocs = { ...completeBuild, counts: { documents: 0 } };
    const ok = await runLag(
      { models: [model], thresholds, samples: 1, intervalMs: 0 },
      { reader: empty(0), sink: fakeSink({ manifest: noBuiltDocs }) },
    );
    expect(ok).toMatchObject({ status: 'OK', exitCode: 0, models: [{ readModel: { status: 'OK', documents: 0, ageMs: null } }] });
    const warn = await runLag(
      { models: [model], thresholds, samples: 1, intervalMs: 0 },
      { reader: empty(7), sink: fakeSink({ manifest: noBuiltDocs }) },
    );
    expect(warn).toMatchObject({
      status: 'WARN',
      exitCode: 1,
      models: [{ readModel: { status: 'WARN', problem: 'EMPTY_INDEX', reason: expect.stringContaining('holds 7 records') } }],
    });
    const emptied = await runLag({ models: [model], thresholds, samples: 1, intervalMs: 0 }, { reader: empty(7), sink: fakeSink() });
    expect(emptied).toMatchObject({ status: 'ERR', models: [{ readModel: { problem: 'INDEX_EMPTIED' } }] });
  });

  it('Kafka unreachable for every model exits 5; a missing topic is a finding (exit 1)', async () => {
    const down = fakeReader([new SourceUnavailableError('Kafka: no brokers')]).reader;
    expect(
      await runLag(
        { models: [model], thresholds, samples: 1, intervalMs: 0 },
        { reader: down, sink: fakeSink({ newest: '2026-01-01T00:00:00.000Z' }) },
      ),
    ).toMatchObject({
      status: 'ERR',
      exitCode: 5,
      models: [{ consumerStatus: 'ERR', readModel: { status: 'OK' } }],
    });
    const noTopic = fakeReader([new SourceUnavailableError('Kafka: topic "x" does not exist', { code: 'TOPIC_NOT_FOUND' })]).reader;
    expect(await runLag({ models: [model], thresholds, samples: 1, intervalMs: 0 }, { reader: noTopic })).toMatchObject({
      status: 'ERR',
      exitCode: 1,
    });
  });

  it('exit codes: 5 / 6 only when nothing could be read, else 1 for any finding, 0 when all is OK', () => {
    const kafkaDown = { status: 'ERR' as const, readModel: null, error: { code: 'SOURCE_UNAVAILABLE', message: 'x', exitCode: 5 } };
    const engineDown = { status: 'ERR' as const, readModel: { problem: 'ENGINE_UNREACHABLE' } as never };
    const ok = { status: 'OK' as const, readModel: null };
    expect(lagExitCode([ok, ok])).toBe(0);
    expect(lagExitCode([])).toBe(0);
    expect(lagExitCode([{ ...ok, status: 'WARN' }])).toBe(1);
    expect(lagExitCode([kafkaDown, kafkaDown])).toBe(5);
    expect(lagExitCode([kafkaDown, ok])).toBe(1);
    expect(lagExitCode([engineDown, engineDown])).toBe(6);
    expect(lagExitCode([{ ...engineDown, error: kafkaDown.error }])).toBe(5);
    expect(lagExitCode([engineDown, ok])).toBe(1);
  });

  it('LagAlertError carries the exit code and serializes as the report itself', async () => {
    const { reader } = fakeReader([{ state: 'Empty', members: 0, partitions: [{ partition: 0, committed: 1, logStart: 0, logEnd: 3 }] }]);
    const report = await runLag({ models: [model], thresholds, samples: 1, intervalMs: 0 }, { reader });
    const err = new LagAlertError(report);
    expect(err).toMatchObject({ code: 'LAG_STOP', exitCode: 1 });
    expect(err.message).toMatch(/^lag status STOP: product-search: partition 0: no active consumer/);
    expect(err.suggestion).toContain('readmodel consume product-search');
    expect(err.toJSON()).toEqual(report);
    const warn = new LagAlertError({ ...report, status: 'WARN', exitCode: 1, models: [{ ...report.models[0]!, status: 'WARN' }] });
    expect(warn.exitCode).toBe(1);
  });

  it('renders an awk-able table (kafka-consumer-groups columns) and the verdicts apart', async () => {
    const c = clock();
    const { reader } = fakeReader(
      [
        {
          state: 'Empty',
          members: 0,
          partitions: [
            { partition: 0, committed: 1, logStart: 0, logEnd: 3 },
            { partition: 1, committed: null, logStart: 0, logEnd: 0 },
          ],
        },
      ],
      { 0: c.now() - 12_300 },
    );
    const report = await runLag({ models: [model], thresholds, samples: 1, intervalMs: 0, now: c.now }, { reader });
    const table = formatLagTable(report);
    const lines = table.trimEnd().split('\n');
    expect(lines[0]!.split(/\s+/)).toEqual([
      'GROUP',
      'TOPIC',
      'PARTITION',
      'CURRENT-OFFSET',
      'LOG-END-OFFSET',
      'LAG',
      'TIME-LAG',
      'STATUS',
      'MODEL',
    ]);
    // What `awk 'NR>1'` sees: one row per partition, nine blank-separated fields, "-" for unknowns.
    const rows = lines.slice(1).map((l) => l.split(/\s+/));
    expect(rows).toEqual([
      ['readmodel.product-search', 'product-events', '0', '1', '3', '2', '12.3s', 'STOP', 'product-search'],
      ['readmodel.product-search', 'product-events', '1', '-', '0', '0', '0ms', 'OK', 'product-search'],
    ]);
    expect(table).not.toMatch(/[\u2500-\u257f]/); // no box drawing
    expect(table).not.toContain('\u001b');
    expect(lines.every((l) => l === l.trimEnd())).toBe(true);

    const summary = formatLagSummary(report);
    expect(summary).toContain('product-search: STOP partition 0: no active consumer in the group; lag 2');
    expect(summary).toContain('  consumer: STOP group readmodel.product-search (Empty, 0 members) on topic product-events, lag 2 records');
    expect(summary).toContain('    partition 0: STOP no active consumer in the group; lag 2');
    expect(summary).toMatch(/overall: STOP \(exit 1\)/);
  });

  it('gives a model whose group could not be read one row of "-", so it never vanishes from the table', () => {
    const rows = formatLagTable({
      at: '2026-01-01T00:00:00.000Z',
      samples: 1,
      windowSpanMs: 0,
      thresholds,
      status: 'ERR',
      exitCode: 5,
      models: [
        {
          model: 'product-search',
          topic: 'product-events',
          group: 'readmodel.product-search',
          groupState: null,
          members: null,
          status: 'ERR',
          reason: 'boom',
          consumerStatus: 'ERR',
          consumerReason: 'boom',
          lag: 0,
          maxTimeLagMs: null,
          partitions: [],
          readModel: null,
          error: { code: 'SOURCE_UNAVAILABLE', message: 'boom', exitCode: 5 },
        },
      ],
    })
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/));
    expect(rows).toEqual([['readmodel.product-search', 'product-events', '-', '-', '-', '-', '-', 'ERR', 'product-search']]);
  });
});
