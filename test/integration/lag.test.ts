import { afterAll, describe, expect, it } from 'vitest';
import { createKafkaLagReader } from '../../src/adapters/kafka/kafka-lag-reader.js';
import { runConsume } from '../../src/app/run-consume.js';
import { runLag } from '../../src/app/run-lag.js';
import type { EventEnvelope } from '../../src/core/envelope.js';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';
import type { LagReport } from '../../src/core/lag/lag-report.js';
import { formatLagPrometheus } from '../../src/core/lag/prometheus-format.js';
import { createProgressBus } from '../../src/core/progress/progress-events.js';
import { aliasName, type ReadModelDefinition } from '../../src/core/read-model.js';
import { assetsFor } from '../support/assets.js';
import { rebuild } from '../support/rebuild-helpers.js';
import { runCli, startCli, workspace } from '../support/cli.js';
import {
  ENGINES,
  brokers,
  isolatedProductModel,
  kafkaPublisher,
  nodeFor,
  publishEvents,
  sinkFor,
  modelGroupConsumer,
} from '../support/services.js';

// ---------------------------------------------------------------------------------------------------
// A strict reader of the Prometheus text exposition format (0.0.4): every line must be a HELP, a TYPE
// or a sample; TYPE comes once per family, before its samples; label values use only the three
// escapes; no duplicate labels or series. Anything else throws with the line number.
// ---------------------------------------------------------------------------------------------------
interface Family {
  help?: string;
  type?: string;
  samples: Array<{ labels: Record<string, string>; value: number }>;
}

function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, Family>();
  const series = new Set<string>();
  const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
  const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { samples: [] }));
    return f;
  };
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, i) => {
      const fail = (why: string): never => {
        throw new Error(`line ${i + 1}: ${why}: ${JSON.stringify(line)}`);
      };
      if (line.startsWith('#')) {
        const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
        if (!m) {
          if (/^# (HELP|TYPE)\b/.test(line)) fail('malformed HELP/TYPE');
          return; // a plain comment
        }
        const f = family(m[2]!);
        if (m[1] === 'HELP') {
          if (f.help !== undefined) fail('second HELP');
          if (/\\[^\\n]/.test(m[3]!.replace(/\\\\/g, ''))) fail('bad escape in HELP');
          f.help = m[3]!.replace(/\\(\\|n)/g, (_, c) => (c === 'n' ? '\n' : '\\'));
        } else {
          if (f.type !== undefined) fail('second TYPE');
          if (f.samples.length > 0) fail('TYPE after samples');
          if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3]!)) fail('unknown type');
          f.type = m[3]!;
        }
        return;
      }
      if (line.trim() === '') fail('blank line');
      let rest = line;
      const name = NAME.exec(rest)?.[0] ?? fail('bad metric name');
      rest = rest.slice(name.length);
      const labels: Record<string, string> = {};
      if (rest.startsWith('{')) {
        rest = rest.slice(1);
        while (!rest.startsWith('}')) {
          const label = LABEL.exec(rest)?.[0] ?? fail('bad label name');
          if (label in labels) fail(`duplicate label ${label}`);
          rest = rest.slice(label.length);
          if (!rest.startsWith('="')) fail('expected ="');
          rest = rest.slice(2);
          let value = '';
          for (;;) {
            const c = rest[0] ?? fail('unterminated label value');
            if (c === '"') break;
            if (c === '\n') fail('raw newline in label value');
            if (c === '\\') {
              const e = rest[1];
              if (e === '\\') value += '\\';
              else if (e === '"') value += '"';
              else if (e === 'n') value += '\n';
              else fail('bad escape in label value');
              rest = rest.slice(2);
            } else {
              value += c;
              rest = rest.slice(1);
            }
          }
          labels[label] = value;
          rest = rest.slice(1);
          if (rest.startsWith(',')) rest = rest.slice(1);
          else if (!rest.startsWith('}')) fail('expected , or }');
        }
        rest = rest.slice(1);
      }
      const m = /^ (NaN|[+-]Inf|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?: (-?\d+))?$/.exec(rest) ?? fail('bad value');
      const value = m[1] === 'NaN' ? NaN : m[1] === '+Inf' ? Infinity : m[1] === '-Inf' ? -Infinity : Number(m[1]);
      const f = families.get(name) ?? fail('sample of an undeclared family');
      if (f.type === undefined) fail('sample before TYPE');
      const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
      if (series.has(key)) fail('duplicate series');
      series.add(key);
      f.samples.push({ labels, value });
    });
  return families;
}

const samplesOf = (fams: Map<string, Family>, name: string, model: string) =>
  (fams.get(name)?.samples ?? []).filter((s) => s.labels.model === model);
/** The states whose series reads 1 (one per series group: the current status of each). */
const current = (samples: ReadonlyArray<{ labels: Record<string, string>; value: number }>) =>
  samples.filter((s) => s.value === 1).map((s) => s.labels.status);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const envelopes = (o: Parameters<typeof generateProductEvents>[0]): EventEnvelope[] => [...generateProductEvents(o)].map((g) => g.envelope);

function lagOnce(model: ReadModelDefinition, sink?: ReturnType<typeof sinkFor>, o: { samples?: number; intervalMs?: number } = {}) {
  const reader = createKafkaLagReader({ brokers: brokers(), clientId: 'readmodel-test' });
  return runLag(
    { models: [model], thresholds: { windowMs: 60_000, maxTimeLagMs: 300_000 }, samples: o.samples ?? 3, intervalMs: o.intervalMs ?? 300 },
    { reader, ...(sink ? { sink } : {}) },
  ).finally(() => reader.close());
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('readmodel lag: a group that never committed', () => {
  it('is reported as NO_COMMITS with its pending lag, never as zero lag, and exits 1', async () => {
    const model = isolatedProductModel();
    const events = envelopes({ products: 10, seed: 41 });
    await publishEvents(model.topic, 3, events);
    const report = await lagOnce(model, undefined, { samples: 2, intervalMs: 100 });
    expect(report).toMatchObject({ status: 'NO_COMMITS', exitCode: 1 });
    const m = report.models[0]!;
    expect(m).toMatchObject({ status: 'NO_COMMITS', lag: events.length, members: 0 });
    expect(m.partitions).toHaveLength(3);
    for (const p of m.partitions) expect(p).toMatchObject({ committedOffset: null, status: 'NO_COMMITS' });
    // Never zero lag: the lag is what a consumer starting at the beginning would have to read.
    expect(m.partitions.reduce((n, p) => n + p.lag, 0)).toBe(events.length);

    const fams = parseExposition(formatLagPrometheus(report, { cluster: 'test' }));
    expect(samplesOf(fams, 'readmodel_consumergroup_group_offset', model.name)).toEqual([]);
    expect(current(samplesOf(fams, 'readmodel_consumergroup_status', model.name))).toEqual(['NO_COMMITS']);
  });
});

describe.each(ENGINES)('readmodel lag against the real live consumer on %s', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  it('measures exactly the events a stopped consumer missed, alerts, and returns to OK once it caught up', async () => {
    const model = isolatedProductModel();
    const events = envelopes({ products: 40, seed: 51 });
    await publishEvents(model.topic, 3, events);
    const assets = await assetsFor(model);
    // The live index is a complete build (lag checks its manifest), then the consumer keeps it current.
    const liveIndex = (await rebuild(model, sink)).manifest.index;
    await sink.updateAliases([{ add: { index: liveIndex, alias: aliasName(model) } }]);

    const reader = createKafkaLagReader({ brokers: brokers(), clientId: 'readmodel-test' });
    const committedTotal = async () =>
      (await reader.groupOffsets(model.consumerGroup, model.topic)).partitions.reduce((n, p) => n + (p.committed ?? 0), 0);
    const startConsumer = () => {
      const controller = new AbortController();
      const consumer = modelGroupConsumer(model);
      const running = runConsume(
        { assets, onInvalid: 'stop', signal: controller.signal },
        { consumer, sink, progress: createProgressBus() },
      );
      running.catch(() => undefined);
      return { stop: async () => (controller.abort(), await running.catch(() => undefined)), running };
    };

    let live = startConsumer();
    try {
      await waitFor('the consumer to commit everything', async () => (await committedTotal()) === events.length);
      await sink.refresh(liveIndex);
      const caughtUp = await lagOnce(model, sink, { samples: 2, intervalMs: 200 });
      expect(caughtUp).toMatchObject({ status: 'OK', exitCode: 0, models: [{ status: 'OK', lag: 0, maxTimeLagMs: 0, members: 1 }] });
      const freshness = caughtUp.models[0]!.readModel!;
      expect(freshness).toMatchObject({ status: 'OK', index: liveIndex, build: { status: 'complete', model: model.name } });
      const newestPublished = Math.max(...events.map((e) => Date.parse(e.occurredAt)));
      expect(freshness.alias).toBe(aliasName(model));
      expect(freshness.indices).toEqual([liveIndex]);
      expect(Date.parse(freshness.newestEventAt!)).toBeLessThanOrEqual(newestPublished);
      expect(freshness.ageMs).toBeGreaterThan(0);

      // Stop the consumer, then produce N more events it does not see.
      await live.stop();
      const more = envelopes({ products: 5, seed: 52, idPrefix: 'late' });
      const publisher = kafkaPublisher();
      try {
        await publisher.publish(
          model.topic,
          more.map((e) => ({ key: e.aggregateId, value: JSON.stringify(e) })),
        );
      } finally {
        await publisher.close();
      }
      await sleep(50);

      const behind = await lagOnce(model, sink, { samples: 3, intervalMs: 300 });
      const m = behind.models[0]!;
      expect(m.lag).toBe(more.length);
      expect(m.partitions.reduce((n, p) => n + p.lag, 0)).toBe(more.length);
      expect(m.maxTimeLagMs).toBeGreaterThan(0);
      expect(behind.status).not.toBe('OK');
      expect(behind).toMatchObject({ status: 'STOP', exitCode: 1, samples: 3, models: [{ readModel: { status: 'OK' } }] });
      expect(m).toMatchObject({ members: 0, groupState: 'Empty' });
      for (const p of m.partitions) {
        if (p.lag > 0) expect(p).toMatchObject({ status: 'STOP', timeLagMs: expect.any(Number), oldestUnconsumedAt: expect.any(String) });
        else expect(p).toMatchObject({ status: 'OK', timeLagMs: 0 });
      }

      // The same report as Prometheus text: parses strictly and says the same.
      const fams = parseExposition(formatLagPrometheus(behind, { cluster: 'test' }));
      expect(samplesOf(fams, 'readmodel_consumergroup_group_lag', model.name).reduce((n, s) => n + s.value, 0)).toBe(more.length);
      expect(samplesOf(fams, 'readmodel_consumergroup_group_lag', model.name)[0]!.labels).toEqual({
        cluster: 'test',
        model: model.name,
        group: model.consumerGroup,
        topic: model.topic,
        partition: '0',
      });
      expect(Math.max(...samplesOf(fams, 'readmodel_consumergroup_group_lag_seconds', model.name).map((s) => s.value))).toBeGreaterThan(0);
      expect(current(samplesOf(fams, 'readmodel_consumergroup_status', model.name))).toEqual(['STOP']);
      expect(samplesOf(fams, 'readmodel_consumergroup_group_topic_sum_lag', model.name).map((s) => s.value)).toEqual([more.length]);
      expect(samplesOf(fams, 'readmodel_read_model_freshness_seconds', model.name)).toHaveLength(1);
      for (const f of fams.values()) expect(f.help && f.type).toBeTruthy();

      // Resume: once it caught up, the status is OK again.
      live = startConsumer();
      let last: LagReport | undefined;
      await waitFor('the status to return to OK', async () => {
        last = await lagOnce(model, sink, { samples: 2, intervalMs: 200 });
        return last.status === 'OK';
      });
      expect(last!.models[0]).toMatchObject({ status: 'OK', lag: 0, members: 1 });
      expect(await committedTotal()).toBe(events.length + more.length);
    } finally {
      await live.stop();
      await reader.close();
    }
  });
});

describe('readmodel lag CLI (built binary)', () => {
  const configFor = (model: ReadModelDefinition) =>
    workspace({
      kafka: { brokers: brokers() },
      search: { engine: 'opensearch', node: nodeFor('opensearch') },
      models: { 'product-search': { topic: model.topic, consumerGroup: model.consumerGroup, indexBase: model.indexBase } },
    });

  it('--json prints one report document and exits 1 for a never-committed group without a read model; --prometheus parses', async () => {
    const model = isolatedProductModel();
    await publishEvents(model.topic, 2, envelopes({ products: 3, seed: 61 }));
    const cwd = configFor(model);
    const json = await runCli(['lag', 'product-search', '--json', '--samples', '2', '--interval', '100ms'], { cwd });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as LagReport;
    // The worse of the two decides: no alias (ERR) over a group that never committed (NO_COMMITS).
    expect(report).toMatchObject({
      status: 'ERR',
      exitCode: 1,
      models: [{ group: model.consumerGroup, topic: model.topic, status: 'ERR', consumerStatus: 'NO_COMMITS' }],
    });
    expect(report.models[0]!.readModel).toMatchObject({ status: 'ERR', problem: 'ALIAS_MISSING', ageMs: null });

    const prom = await runCli(['lag', 'product-search', '--prometheus', '--samples', '1'], { cwd });
    expect(prom.code).toBe(1);
    expect(prom.stderr).toContain('error[LAG_ERR]');
    const fams = parseExposition(prom.stdout);
    expect(current(samplesOf(fams, 'readmodel_consumergroup_partition_status', 'product-search'))).toEqual(['NO_COMMITS', 'NO_COMMITS']);
    expect(current(samplesOf(fams, 'readmodel_read_model_status', 'product-search'))).toEqual(['ERR']);
    expect(current(samplesOf(fams, 'readmodel_lag_status', 'product-search'))).toEqual(['ERR']);
    // The cluster label defaults to the bootstrap brokers.
    expect(samplesOf(fams, 'readmodel_lag_status', 'product-search')[0]!.labels.cluster).toBe(brokers().join(','));

    const table = await runCli(['lag', 'product-search', '--samples', '1'], { cwd });
    expect(table.code).toBe(1);
    // stdout: the kafka-consumer-groups-style table, one row per partition; the verdicts on stderr.
    const rows = table.stdout.trimEnd().split('\n');
    expect(rows[0]!.split(/\s+/)).toEqual([
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
    expect(rows.slice(1).map((r) => r.split(/\s+/).filter((_, i) => [0, 1, 2, 3, 7, 8].includes(i)))).toEqual([
      [model.consumerGroup, model.topic, '0', '-', 'NO_COMMITS', 'product-search'],
      [model.consumerGroup, model.topic, '1', '-', 'NO_COMMITS', 'product-search'],
    ]);
    expect(table.stderr).toContain('read model: ERR [ALIAS_MISSING]');
    expect(table.stderr).toMatch(/overall: ERR \(exit 1\)/);
  });

  it('lag serve answers GET /metrics and stops cleanly on SIGTERM', async () => {
    const model = isolatedProductModel();
    await publishEvents(model.topic, 1, envelopes({ products: 2, seed: 62 }));
    const { child, done } = startCli(
      ['lag', 'serve', 'product-search', '--port', '0', '--interval', '200ms', '--brokers', brokers().join(','), '--cluster', 'lag-it'],
      { cwd: configFor(model) },
    );
    try {
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      await waitFor('the exporter to listen', async () => /http:\/\/\S+\/metrics/.test(stderr), 30_000);
      const url = /(http:\/\/\S+\/metrics)/.exec(stderr)![1]!;
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const fams = parseExposition(await res.text());
      expect(current(samplesOf(fams, 'readmodel_consumergroup_status', 'product-search'))).toEqual(['NO_COMMITS']);
      // The exporter shows the missing read model too, as its own series and in the model's status.
      expect(samplesOf(fams, 'readmodel_read_model_status', 'product-search')).toEqual(
        ['OK', 'WARN', 'ERR'].map((status) => ({
          labels: { cluster: 'lag-it', model: 'product-search', alias: `${model.indexBase}_current`, status },
          value: status === 'ERR' ? 1 : 0,
        })),
      );
      expect(current(samplesOf(fams, 'readmodel_lag_status', 'product-search'))).toEqual(['ERR']);
      expect((await fetch(url.replace('/metrics', '/nope'))).status).toBe(404);
      // The window grows with the background samples (--interval reached serve, not only `lag`).
      await waitFor(
        'a second sample',
        async () => {
          const again = parseExposition(await (await fetch(url)).text());
          return again.get('readmodel_lag_window_samples')!.samples[0]!.value > 1;
        },
        5000,
      );
      child.kill('SIGTERM');
      const r = await done;
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
