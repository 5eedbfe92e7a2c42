import { describe, expect, it } from 'vitest';
import type { LagReport } from '../../src/core/lag/lag-report.js';
import { escapeHelp, escapeLabelValue, formatLagPrometheus, formatValue, renderExposition } from '../../src/core/lag/prometheus-format.js';

const report: LagReport = {
  at: '2026-01-01T00:00:10.000Z',
  samples: 3,
  windowSpanMs: 2000,
  thresholds: { windowMs: 60_000, maxTimeLagMs: 300_000 },
  status: 'ERR',
  exitCode: 1,
  models: [
    {
      model: 'product-search',
      topic: 'product-events',
      group: 'readmodel.product-search',
      groupState: 'Empty',
      members: 0,
      status: 'STOP',
      reason: 'partition 1: no active consumer in the group; lag 4',
      consumerStatus: 'STOP',
      consumerReason: 'partition 1: no active consumer in the group; lag 4',
      lag: 4,
      maxTimeLagMs: 1500,
      partitions: [
        {
          partition: 0,
          committedOffset: 10,
          logStartOffset: 0,
          logEndOffset: 10,
          lag: 0,
          timeLagMs: 0,
          oldestUnconsumedAt: null,
          committedSeenAt: '2026-01-01T00:00:08.000Z',
          status: 'OK',
          reason: 'caught up',
        },
        {
          partition: 1,
          committedOffset: 6,
          logStartOffset: 0,
          logEndOffset: 10,
          lag: 4,
          timeLagMs: 1500,
          oldestUnconsumedAt: '2026-01-01T00:00:08.500Z',
          committedSeenAt: '2026-01-01T00:00:08.000Z',
          status: 'STOP',
          reason: 'no active consumer in the group; lag 4',
        },
        {
          partition: 2,
          committedOffset: null,
          logStartOffset: 0,
          logEndOffset: 0,
          lag: 0,
          timeLagMs: 0,
          oldestUnconsumedAt: null,
          committedSeenAt: null,
          status: 'OK',
          reason: 'no committed offset, nothing to consume',
        },
      ],
      readModel: {
        alias: 'product_search_current',
        engine: 'opensearch',
        indices: ['product_search_v1_abc'],
        index: 'product_search_v1_abc',
        build: { status: 'complete', model: 'product-search', documents: 10 },
        documents: 10,
        newestEventAt: '2026-01-01T00:00:05.000Z',
        ageMs: 5250,
        status: 'OK',
        reason: '10 documents in product_search_v1_abc, newest event 5.3s old',
      },
    },
    {
      model: 'we"ird\\model\nx',
      topic: 't',
      group: 'g',
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
    {
      model: 'order-history',
      topic: 'order-events',
      group: 'readmodel.order-history',
      groupState: 'Stable',
      members: 1,
      status: 'ERR',
      reason: 'read model: alias order_history_current does not exist (or points at no index): the read model has no live index',
      consumerStatus: 'OK',
      consumerReason: 'all 0 partitions caught up',
      lag: 0,
      maxTimeLagMs: 0,
      partitions: [],
      readModel: {
        alias: 'order_history_current',
        engine: 'opensearch',
        indices: [],
        index: null,
        build: null,
        documents: null,
        newestEventAt: null,
        ageMs: null,
        status: 'ERR',
        problem: 'ALIAS_MISSING',
        reason: 'alias order_history_current does not exist (or points at no index): the read model has no live index',
        suggestion: 'readmodel rebuild order-history --swap',
      },
    },
  ],
};

describe('Prometheus text exposition', () => {
  it('escapes label values and HELP text, formats special values', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(escapeHelp('a\\b\nc "q"')).toBe('a\\\\b\\nc "q"');
    expect([NaN, Infinity, -Infinity, 0, 1.5, 42].map(formatValue)).toEqual(['NaN', '+Inf', '-Inf', '0', '1.5', '42']);
  });

  it('renders HELP and TYPE once per family, then its samples', () => {
    const text = renderExposition([
      { name: 'a_metric', help: 'first\nline', type: 'gauge', samples: [{ labels: { x: '1', y: 'q"' }, value: 2 }] },
      { name: 'b_metric', help: 'none', type: 'counter', samples: [{ labels: {}, value: 3 }] },
      { name: 'c_empty', help: 'no samples', type: 'gauge', samples: [] },
    ]);
    expect(text).toBe(
      [
        '# HELP a_metric first\\nline',
        '# TYPE a_metric gauge',
        'a_metric{x="1",y="q\\""} 2',
        '# HELP b_metric none',
        '# TYPE b_metric counter',
        'b_metric 3',
        '# HELP c_empty no samples',
        '# TYPE c_empty gauge',
        '',
      ].join('\n'),
    );
  });

  it('refuses invalid metric and label names and duplicate families', () => {
    expect(() => renderExposition([{ name: '1bad', help: '', type: 'gauge', samples: [] }])).toThrow(/metric name/);
    expect(() =>
      renderExposition([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { 'bad-label': 'x' }, value: 1 }] }]),
    ).toThrow(/label name/);
    expect(() =>
      renderExposition([
        { name: 'ok', help: '', type: 'gauge', samples: [] },
        { name: 'ok', help: '', type: 'gauge', samples: [] },
      ]),
    ).toThrow(/twice/);
  });

  it('renders a lag report under kafka-lag-exporter-like names with a cluster label; unknowns left out', () => {
    const text = formatLagPrometheus(report, { cluster: 'prod-eu' });
    const lines = text.trimEnd().split('\n');
    const g = 'cluster="prod-eu",model="product-search",group="readmodel.product-search",topic="product-events"';
    expect(lines).toContain(`readmodel_consumergroup_group_lag{${g},partition="1"} 4`);
    expect(lines).toContain(`readmodel_consumergroup_group_lag_seconds{${g},partition="1"} 1.5`);
    expect(lines).toContain(`readmodel_consumergroup_group_lag_seconds{${g},partition="0"} 0`);
    expect(lines).toContain(`readmodel_consumergroup_group_offset{${g},partition="1"} 6`);
    expect(lines).toContain('readmodel_partition_latest_offset{cluster="prod-eu",topic="product-events",partition="1"} 10');
    expect(lines).toContain('readmodel_partition_earliest_offset{cluster="prod-eu",topic="product-events",partition="1"} 0');
    // Never-committed partition: no committed-offset series (not a fake 0).
    expect(lines.filter((l) => l.startsWith('readmodel_consumergroup_group_offset{') && l.includes('partition="2"'))).toEqual([]);
    expect(lines).toContain(`readmodel_consumergroup_group_topic_sum_lag{${g}} 4`);
    expect(lines).toContain(`readmodel_consumergroup_group_max_lag{${g}} 4`);
    expect(lines).toContain(`readmodel_consumergroup_group_max_lag_seconds{${g}} 1.5`);
    expect(lines).toContain('readmodel_consumergroup_members{cluster="prod-eu",model="product-search",group="readmodel.product-search"} 0');
    expect(lines).toContain(
      'readmodel_read_model_freshness_seconds{cluster="prod-eu",model="product-search",alias="product_search_current"} 5.25',
    );
    expect(lines).toContain('readmodel_lag_sample_success{cluster="prod-eu",model="product-search"} 1');
    // The failed model: ERR, success 0, escaped label values, no lag series.
    const weird = 'cluster="prod-eu",model="we\\"ird\\\\model\\nx",group="g",topic="t"';
    expect(lines).toContain(`readmodel_consumergroup_status{${weird},status="ERR"} 1`);
    expect(lines).toContain('readmodel_lag_sample_success{cluster="prod-eu",model="we\\"ird\\\\model\\nx"} 0');
    expect(lines.some((l) => l.startsWith('readmodel_consumergroup_group_topic_sum_lag{cluster="prod-eu",model="we'))).toBe(false);
    // No search engine for the failed model: no read model series at all.
    expect(lines.some((l) => l.startsWith('readmodel_read_model_status{cluster="prod-eu",model="we'))).toBe(false);
    expect(lines).toContain('readmodel_lag_window_samples{cluster="prod-eu"} 3');
    expect(lines).toContain('readmodel_lag_last_sample_timestamp_seconds{cluster="prod-eu"} 1767225610');
  });

  it('exposes every status as one series per state: 1 for the current state, 0 for the others', () => {
    const lines = formatLagPrometheus(report, { cluster: 'c' }).trimEnd().split('\n');
    const values = (prefix: string) =>
      Object.fromEntries(
        lines.filter((l) => l.startsWith(prefix)).map((l) => [/status="([A-Z_]+)"/.exec(l)![1]!, Number(l.slice(l.lastIndexOf(' ') + 1))]),
      );
    const all = { OK: 0, WARN: 0, STALL: 0, STOP: 0, REWIND: 0, NO_COMMITS: 0, ERR: 0 };
    const g = 'cluster="c",model="product-search",group="readmodel.product-search",topic="product-events"';
    expect(values(`readmodel_consumergroup_partition_status{${g},partition="0",`)).toEqual({ ...all, OK: 1 });
    expect(values(`readmodel_consumergroup_partition_status{${g},partition="1",`)).toEqual({ ...all, STOP: 1 });
    expect(values(`readmodel_consumergroup_status{${g},`)).toEqual({ ...all, STOP: 1 });
    expect(values('readmodel_lag_status{cluster="c",model="product-search",')).toEqual({ ...all, STOP: 1 });
    // The read model has three states only.
    expect(values('readmodel_read_model_status{cluster="c",model="product-search",')).toEqual({ OK: 1, WARN: 0, ERR: 0 });
    const o = 'cluster="c",model="order-history",group="readmodel.order-history",topic="order-events"';
    expect(values(`readmodel_consumergroup_status{${o},`)).toEqual({ ...all, OK: 1 });
    expect(values('readmodel_read_model_status{cluster="c",model="order-history",')).toEqual({ OK: 0, WARN: 0, ERR: 1 });
    expect(values('readmodel_lag_status{cluster="c",model="order-history",')).toEqual({ ...all, ERR: 1 });
    // A missing alias was read successfully: the sample succeeded, and no freshness is faked.
    expect(lines).toContain('readmodel_lag_sample_success{cluster="c",model="order-history"} 1');
    expect(lines.some((l) => l.startsWith('readmodel_read_model_freshness_seconds{cluster="c",model="order-history"'))).toBe(false);
    // Every series carries the cluster label.
    for (const l of lines.filter((x) => !x.startsWith('#'))) expect(l).toMatch(/^\w+\{cluster="c"/);
  });

  it('writes a topic partition read by two models once', () => {
    const twice: LagReport = { ...report, models: [report.models[0]!, { ...report.models[0]!, model: 'other', group: 'other.group' }] };
    const lines = formatLagPrometheus(twice, { cluster: 'c' }).split('\n');
    expect(
      lines.filter((l) => l.startsWith('readmodel_partition_latest_offset{cluster="c",topic="product-events",partition="1"}')),
    ).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('readmodel_consumergroup_group_lag{') && l.includes('partition="1"'))).toHaveLength(2);
  });

  it('every line follows the exposition grammar and each family is announced before its samples', () => {
    const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
    const labelValue = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
    const sample = new RegExp(
      `^(${name})(?:\\{([a-zA-Z_][a-zA-Z0-9_]*=${labelValue}(?:,[a-zA-Z_][a-zA-Z0-9_]*=${labelValue})*)?\\})? (NaN|[+-]Inf|-?\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?)$`,
    );
    const announced = new Map<string, string>();
    for (const line of formatLagPrometheus(report, { cluster: 'prod-eu' }).trimEnd().split('\n')) {
      const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
      if (meta) {
        if (meta[1] === 'TYPE') {
          expect(['gauge', 'counter', 'untyped', 'summary', 'histogram']).toContain(meta[3]);
          expect(announced.has(meta[2]!)).toBe(false);
          announced.set(meta[2]!, meta[3]!);
        }
        continue;
      }
      const m = sample.exec(line);
      expect(m, line).not.toBeNull();
      expect(announced.has(m![1]!), line).toBe(true);
    }
    expect(announced.size).toBe(17);
  });
});
