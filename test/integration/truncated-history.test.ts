import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigResourceTypes } from 'kafkajs';
import { runAliasSwap } from '../../src/app/run-alias.js';
import { runPreflight } from '../../src/app/run-preflight.js';
import { gatesFor } from '../../src/app/swap-gates.js';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';
import type { SearchSink } from '../../src/core/ports/search-sink.js';
import { createProgressBus } from '../../src/core/progress/progress-events.js';
import { aliasName, type ReadModelDefinition } from '../../src/core/read-model.js';
import { assetsFor } from '../support/assets.js';
import { rebuild } from '../support/rebuild-helpers.js';
import { ENGINES, isolatedProductModel, kafkaAdmin, kafkaPublisher, kafkaSource, sinkFor } from '../support/services.js';

const admin = kafkaAdmin();
beforeAll(() => admin.connect());
afterAll(() => admin.disconnect());

/** Publishes in small sends, so the log holds many small record batches (many fetches to read it). */
async function publishProducts(topic: string, partitions: number, products: number, seed: number, idPrefix?: string) {
  const p = kafkaPublisher();
  try {
    await p.ensureTopic(topic, partitions);
    const records = [...generateProductEvents({ products, seed, ...(idPrefix ? { idPrefix } : {}) })].map((g) => ({
      key: g.envelope.aggregateId,
      value: JSON.stringify(g.envelope),
    }));
    for (let i = 0; i < records.length; i += 200) await p.publish(topic, records.slice(i, i + 200));
  } finally {
    await p.close();
  }
}

const watermarks = async (topic: string) =>
  (await admin.fetchTopicOffsets(topic))
    .sort((a, b) => a.partition - b.partition)
    .map((r) => ({ partition: r.partition, low: Number(r.low), high: Number(r.high) }));

/** What retention or kafka-delete-records does: everything before `offset` is gone. */
const deleteBefore = (topic: string, partition: number, offset: number) =>
  admin.deleteTopicRecords({ topic, partitions: [{ partition, offset: String(offset) }] });

/** The same model with another projection version: a new build hash, so a new index next to the first. */
const nextVersion = (m: ReadModelDefinition): ReadModelDefinition => ({
  ...m,
  projection: { ...m.projection, version: m.projection.version + 1 },
});

/** A sink whose first bulk write waits for `before` to finish: a deterministic point in the middle of a replay. */
function pausingSink(sink: SearchSink, before: () => Promise<void>): SearchSink {
  let first: Promise<void> | undefined;
  return new Proxy(sink, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (prop === 'bulk') {
        return async (...args: Parameters<SearchSink['bulk']>) => {
          first ??= before();
          await first;
          return target.bulk(...args);
        };
      }
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe('the Kafka source never skips vanished records silently (real Kafka)', () => {
  it('reading from below the log start is TRUNCATED_HISTORY; with an acknowledgement it reports the gap and reads the rest', async () => {
    const topic = isolatedProductModel().topic;
    await publishProducts(topic, 1, 40, 35);
    const { high } = (await watermarks(topic))[0]!;
    await deleteBefore(topic, 0, 100);
    const source = kafkaSource();
    try {
      const ranges = [{ partition: 0, start: 30, end: high }];
      const read = async (onHistoryGap?: (g: { partition: number; from: number; to: number }) => void) => {
        const offsets: number[] = [];
        for await (const batch of source.readRanges({ topic, ranges, ...(onHistoryGap ? { onHistoryGap } : {}) }))
          offsets.push(...batch.map((r) => r.offset));
        return offsets;
      };
      const err = await read().then(
        () => undefined,
        (e: unknown) => e as { code: string; exitCode: number; context: Record<string, unknown> },
      );
      expect(err).toMatchObject({
        code: 'TRUNCATED_HISTORY',
        exitCode: 12,
        context: { topic, partition: 0, neededOffset: 30, logStart: 100, missing: 70 },
      });
      const gaps: unknown[] = [];
      const offsets = await read((g) => gaps.push(g));
      expect(gaps).toEqual([{ partition: 0, from: 30, to: 100 }]);
      expect(offsets).toEqual(Array.from({ length: high - 100 }, (_, i) => 100 + i));
    } finally {
      await source.close();
    }
  });
});

describe.each(ENGINES)('truncated history on %s (real Kafka and engine)', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  it('records deleted before a rebuild: refused with exit 12 naming partition and offsets, nothing created; acknowledged, the gap is recorded and the swap gate refuses it', async () => {
    const model = isolatedProductModel();
    await publishProducts(model.topic, 3, 150, 31);
    const full = await rebuild(model, sink);
    await runAliasSwap({ model, to: full.manifest.index }, { sink, progress: createProgressBus() });
    const alias = aliasName(model);

    const before = await watermarks(model.topic);
    const cut = Math.floor(before[0]!.high / 2);
    await deleteBefore(model.topic, 0, cut);

    const v2 = nextVersion(model);
    const refused = await rebuild(v2, sink).then(
      () => undefined,
      (e: unknown) => e as { code: string; exitCode: number; message: string; context: Record<string, unknown> },
    );
    expect(refused).toMatchObject({ code: 'TRUNCATED_HISTORY', exitCode: 12 });
    expect(refused!.message).toBe(
      `history missing on topic "${model.topic}": partition 0 needs offset 0 but the log starts at ${cut} (${cut} events gone)`,
    );
    expect(refused!.context).toMatchObject({ topic: model.topic, gaps: [{ partition: 0, needed: 0, logStart: cut, missing: cut }] });
    expect(String(refused!.context.neededFrom)).toContain(full.manifest.index);
    // Nothing was created: only the first build exists, and the alias still points at it.
    expect((await sink.listIndices(`${model.indexBase}_v*`)).map((i) => i.name)).toEqual([full.manifest.index]);
    expect(await sink.aliasTargets(alias)).toEqual([full.manifest.index]);

    const acked = await rebuild(v2, sink, { allowTruncatedHistory: true });
    expect(acked.outcome).toBe('built');
    expect(acked.manifest.historyGaps).toEqual([{ partition: 0, from: 0, to: cut }]);
    expect(acked.manifest.ranges.find((r) => r.partition === 0)).toMatchObject({ start: cut });

    const gates = gatesFor(v2, undefined, sink);
    const gate = await runAliasSwap({ model: v2, to: acked.manifest.index, gates }, { sink, progress: createProgressBus() }).then(
      () => undefined,
      (e: unknown) => e as { exitCode: number; context: { reasons: string[] } },
    );
    expect(gate?.exitCode).toBe(7);
    expect(gate!.context.reasons).toContain(
      `the build misses history: partition 0 offsets 0..${cut - 1} (${cut} events) were gone from Kafka (built with --allow-truncated-history)`,
    );
    expect(await sink.aliasTargets(alias)).toEqual([full.manifest.index]);

    const forced = await runAliasSwap(
      { model: v2, to: acked.manifest.index, gates, overrideGates: true },
      { sink, progress: createProgressBus() },
    );
    expect(forced.forced.some((r) => r.startsWith('the build misses history'))).toBe(true);
    expect(await sink.aliasTargets(alias)).toEqual([acked.manifest.index]);
  });

  it('records deleted while a rebuild reads them: TRUNCATED_HISTORY (not SOURCE_UNAVAILABLE), alias untouched; acknowledged, the gap met while reading is recorded', async () => {
    const model = isolatedProductModel();
    await publishProducts(model.topic, 1, 900, 32);
    const full = await rebuild(model, sink);
    await runAliasSwap({ model, to: full.manifest.index }, { sink, progress: createProgressBus() });
    const alias = aliasName(model);
    const high = (await watermarks(model.topic))[0]!.high;
    expect(high).toBeGreaterThan(4000);

    // While the first bulk of the new build is held, retention removes all but the newest 100 records.
    // (A hold far below the partition's 900 documents makes the build write while it still reads.)
    const v2 = nextVersion(model);
    const during = await rebuild(
      v2,
      pausingSink(sink, () => deleteBefore(model.topic, 0, high - 100)),
      { batchSize: 50, holdWrites: 50, swap: { gates: gatesFor(v2, undefined, sink) } },
    ).then(
      () => undefined,
      (e: unknown) => e as { code: string; exitCode: number; message: string; context: Record<string, number> },
    );
    expect(during).toMatchObject({ code: 'TRUNCATED_HISTORY', exitCode: 12, context: { partition: 0, logStart: high - 100 } });
    expect(during!.context.neededOffset).toBeLessThan(high - 100);
    expect(during!.message).toContain(`needed offset ${during!.context.neededOffset}, the log now starts at ${high - 100}`);
    expect(await sink.aliasTargets(alias)).toEqual([full.manifest.index]);

    // Acknowledged: the pre-flight gap and the one met while reading both end up in the manifest.
    await publishProducts(model.topic, 1, 900, 34, 'late');
    const high2 = (await watermarks(model.topic))[0]!.high;
    const v3 = nextVersion(v2);
    const acked = await rebuild(
      v3,
      pausingSink(sink, () => deleteBefore(model.topic, 0, high2 - 100)),
      { batchSize: 50, holdWrites: 50, allowTruncatedHistory: true },
    );
    expect(acked.outcome).toBe('built');
    const gaps = acked.manifest.historyGaps!;
    expect(gaps[0]).toEqual({ partition: 0, from: 0, to: high - 100 });
    expect(gaps).toHaveLength(2);
    expect(gaps[1]).toMatchObject({ partition: 0, to: high2 - 100 });
    expect(gaps[1]!.from).toBeGreaterThan(high - 100);
    // Everything after the gap was read: the build covers the log up to its end.
    expect(acked.manifest.ranges).toEqual([{ partition: 0, start: high - 100, end: high2 }]);
    expect(acked.manifest.counts!.eventsRead).toBe(high2 - (high - 100) - (gaps[1]!.to - gaps[1]!.from));
    expect(await sink.aliasTargets(alias)).toEqual([full.manifest.index]);
  });

  it('the pre-flight reports offsets, events to read, retention and compaction settings, the alias and the target', async () => {
    const model = isolatedProductModel();
    await publishProducts(model.topic, 2, 60, 33);
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: model.topic,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact,delete' },
            { name: 'retention.ms', value: '86400000' },
            { name: 'retention.bytes', value: '10485760' },
          ],
        },
      ],
    });
    const marks = await watermarks(model.topic);
    const source = kafkaSource();
    try {
      const report = await runPreflight(
        { assets: await assetsFor(model), start: { kind: 'earliest' }, end: { kind: 'snapshot' } },
        { source, sink },
      );
      expect(report).toMatchObject({
        model: 'product-search',
        topic: model.topic,
        alias: { name: aliasName(model), targets: [] },
        target: { exists: false, status: 'absent', live: false },
        wouldRun: true,
        history: {
          basis: 'beginning',
          gaps: [],
          eventsToRead: marks.reduce((n, m) => n + m.high, 0),
          retention: { cleanupPolicy: 'compact,delete', retentionMs: 86_400_000, retentionBytes: 10_485_760, keepsFullHistory: false },
        },
      });
      expect(report.history.partitions).toEqual(
        marks.map((m) => ({
          partition: m.partition,
          logStart: 0,
          high: m.high,
          needed: 0,
          start: 0,
          end: m.high,
          events: m.high,
          missing: 0,
        })),
      );
      expect(report.history.retention.reasons).toHaveLength(3);
    } finally {
      await source.close();
    }
  });
});
