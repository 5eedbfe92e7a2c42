import { afterAll, describe, expect, it } from 'vitest';
import { runAliasRollback, runAliasSwap } from '../../src/app/run-alias.js';
import { runDiff } from '../../src/app/run-diff.js';
import { createProgressBus } from '../../src/core/progress/progress-events.js';
import { aliasName } from '../../src/core/read-model.js';
import { SUPPORT_MATRIX } from '../../src/core/support-matrix.js';
import { readFixtureEvents } from '../support/contracts.js';
import { allDocs, rebuild } from '../support/rebuild-helpers.js';
import { ENGINES, isolatedProductModel, kafkaAdmin, publishEvents, sinkFor } from '../support/services.js';

/**
 * The oldest supported engines (vitest.oldest.config.ts runs this next to the search-sink contract):
 * the whole rebuild cycle an operator runs, through the same code paths as on the current engines.
 */
describe.each(ENGINES)('oldest supported %s: rebuild, swap, diff, rollback (real Kafka and engine)', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  it('talks to the oldest supported version', async () => {
    const info = await sink.info();
    expect(info).toMatchObject({ engine, version: SUPPORT_MATRIX[engine].oldest });
    const admin = kafkaAdmin();
    await admin.connect();
    try {
      // Kafka 3.9 still answers the cluster description our client asks for.
      expect((await admin.describeCluster()).brokers).toHaveLength(1);
    } finally {
      await admin.disconnect();
    }
  });

  it('rebuilds, swaps, diffs a second build against the live one, swaps again and rolls back', async () => {
    const progress = () => createProgressBus();
    const model = isolatedProductModel();
    const events = readFixtureEvents();
    await publishEvents(model.topic, 3, events);
    const a = await rebuild(model, sink);
    expect(a.outcome).toBe('built');
    expect(a.manifest.counts).toMatchObject({ eventsRead: events.length, eventsSkipped: 0 });
    await runAliasSwap({ model, to: a.manifest.index }, { sink, progress: progress() });
    const alias = aliasName(model);
    expect(await sink.aliasTargets(alias)).toEqual([a.manifest.index]);
    const live = await allDocs(sink, alias);
    expect(live.size).toBe(a.manifest.counts!.documents);

    const b = await rebuild({ ...model, projection: { ...model.projection, version: 2 } }, sink);
    expect(b.manifest.index).not.toBe(a.manifest.index);
    const d = await runDiff({ model, to: b.manifest.index }, { sink });
    expect(d).toMatchObject({ from: { index: a.manifest.index }, to: { index: b.manifest.index }, identical: true, changedShare: 0 });

    const swap = await runAliasSwap({ model, to: b.manifest.index }, { sink, progress: progress() });
    expect(swap).toMatchObject({ from: a.manifest.index, to: b.manifest.index });
    expect(await sink.aliasTargets(alias)).toEqual([b.manifest.index]);
    expect(await allDocs(sink, alias)).toEqual(live);

    const back = await runAliasRollback({ model }, { sink, progress: progress() });
    expect(back).toMatchObject({ from: b.manifest.index, to: a.manifest.index, record: { action: 'rollback' } });
    expect(await sink.aliasTargets(alias)).toEqual([a.manifest.index]);
  });
});
