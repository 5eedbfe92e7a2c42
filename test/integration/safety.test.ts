import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { createSearchSink } from '../../src/adapters/search/create-search-sink.js';
import { LEASE_INDEX } from '../../src/app/lease-store.js';
import { runAliasRollback, runAliasShow, runAliasSwap } from '../../src/app/run-alias.js';
import { runPrune } from '../../src/app/run-prune.js';
import { createSwapHistoryStore } from '../../src/app/swap-history-store.js';
import type { EventSource } from '../../src/core/ports/event-source.js';
import type { EngineKind } from '../../src/core/ports/search-sink.js';
import { createProgressBus, type ProgressEvent } from '../../src/core/progress/progress-events.js';
import { aliasName, type ReadModelDefinition } from '../../src/core/read-model.js';
import { assetsFor } from '../support/assets.js';
import { readFixtureEvents } from '../support/contracts.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { allDocs, rebuild } from '../support/rebuild-helpers.js';
import { ENGINES, isolatedProductModel, kafkaSource, nodeFor, publishEvents, sinkFor, uniqueName } from '../support/services.js';

const other = (e: EngineKind): EngineKind => (e === 'opensearch' ? 'elasticsearch' : 'opensearch');

/** A pid that surely belongs to no process: one that just exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

async function builtModel(sink: ReturnType<typeof sinkFor>, over: Partial<ReadModelDefinition> = {}) {
  const model = isolatedProductModel(over);
  await publishEvents(model.topic, 2, readFixtureEvents());
  return model;
}

describe.each(ENGINES)('safety rules on %s (real Kafka and engine)', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  it('an engine mismatch is a config error before any state is read; the live index and alias survive', async () => {
    const model = await builtModel(sink);
    const live = await rebuild(model, sink);
    await runAliasSwap({ model, to: live.manifest.index }, { sink, progress: createProgressBus() });
    const wrong = createSearchSink({ engine: other(engine), node: nodeFor(engine), backoff: { baseMs: 10, maxMs: 50, budgetMs: 500 } });
    try {
      await expect(wrong.aliasTargets(aliasName(model))).rejects.toMatchObject({ code: 'ENGINE_MISMATCH', exitCode: 3 });
      await expect(rebuild(model, wrong, { force: true })).rejects.toMatchObject({ code: 'ENGINE_MISMATCH', exitCode: 3 });
    } finally {
      await wrong.close();
    }
    expect(await sink.aliasTargets(aliasName(model))).toEqual([live.manifest.index]);
    expect((await allDocs(sink, live.manifest.index)).size).toBe(live.manifest.counts!.documents);
  });

  it('never replaces an index it does not own: no manifest, another model, or another alias on it', async () => {
    const model = await builtModel(sink);
    const assets = await assetsFor(model);
    const target = assets.indexName;

    await sink.createIndex(target, { mappings: { properties: { note: { type: 'keyword' } } } });
    await sink.bulk(target, [{ action: 'index', id: 'keep-me', version: 1, doc: { note: 'not readmodel' } }]);
    await expect(rebuild(model, sink)).rejects.toMatchObject({ code: 'NOT_OWNED', exitCode: 10, context: { index: target } });
    await expect(rebuild(model, sink, { force: true })).rejects.toMatchObject({ code: 'NOT_OWNED', exitCode: 10 });
    expect(await sink.getMany(target, ['keep-me'])).toHaveProperty('size', 1);
    await sink.deleteIndex(target);

    // A build of another model under the same name (two models sharing an index base).
    await sink.createIndex(target, { mappings: { _meta: { readmodel: { model: 'order-history', status: 'building', ranges: [] } } } });
    await expect(rebuild(model, sink, { force: true })).rejects.toMatchObject({ code: 'NOT_OWNED', exitCode: 10 });
    await sink.deleteIndex(target);

    // Our own complete build, but somebody aliased it.
    const built = await rebuild(model, sink);
    const foreignAlias = uniqueName('someone_elses');
    await sink.updateAliases([{ add: { index: built.manifest.index, alias: foreignAlias } }]);
    await expect(rebuild(model, sink, { force: true })).rejects.toMatchObject({
      code: 'NOT_OWNED',
      exitCode: 10,
      context: { aliases: [foreignAlias] },
    });
    expect(await sink.indexExists(built.manifest.index)).toBe(true);
  });

  it('never sends a pattern to a destructive request', async () => {
    const a = uniqueName('pattern_victim');
    await sink.createIndex(a, {});
    await expect(sink.deleteIndex(`${a.slice(0, -3)}*`)).rejects.toMatchObject({ code: 'INVALID_INDEX_NAME', exitCode: 2 });
    await expect(sink.deleteIndex(`${a},${a}`)).rejects.toMatchObject({ code: 'INVALID_INDEX_NAME' });
    expect(await sink.indexExists(a)).toBe(true);
    await sink.deleteIndex(a);
  });

  it('two concurrent rebuilds of one target: one builds, the other refuses with the holder; the build is whole', async () => {
    const model = await builtModel(sink);
    const results = await Promise.allSettled([rebuild(model, sink), rebuild(model, sink)]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toMatchObject({ code: 'LEASE_HELD', exitCode: 11 });
    expect(refused[0]!.reason.context.holder).toMatch(new RegExp(`pid ${process.pid} on ${hostname()}`));
    const built = (ok[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof rebuild>>>).value;
    expect(built.manifest.status).toBe('complete');
    expect((await allDocs(sink, built.manifest.index)).size).toBe(built.manifest.counts!.documents);
    // The lease is released at the end: a third run is simply "already built".
    expect((await rebuild(model, sink)).outcome).toBe('already-built');
  });

  it('takes over a lease whose holder is dead or silent, and refuses a live one', async () => {
    const model = await builtModel(sink);
    const target = (await assetsFor(model)).indexName;
    const lease = (owner: { host: string; pid: number }, heartbeatAgoMs: number) => ({
      target,
      model: model.name,
      purpose: 'rebuild',
      owner: { ...owner, runId: 'crashed-run' },
      startedAt: new Date(Date.now() - 600_000).toISOString(),
      heartbeatAt: new Date(Date.now() - heartbeatAgoMs).toISOString(),
      ttlMs: 60_000,
    });
    await rebuild(isolatedProductModel({ topic: model.topic }), sink); // makes sure the lease index exists

    await sink.putDoc(LEASE_INDEX, target, lease({ host: 'another-host', pid: 1 }, 1_000));
    await expect(rebuild(model, sink)).rejects.toMatchObject({
      code: 'LEASE_HELD',
      exitCode: 11,
      context: { holder: expect.stringContaining('another-host') },
    });

    await sink.putDoc(LEASE_INDEX, target, lease({ host: 'another-host', pid: 1 }, 600_000));
    const events: ProgressEvent[] = [];
    const bus = createProgressBus();
    bus.subscribe((e) => events.push(e));
    expect((await rebuild(model, sink, {}, { progress: bus })).outcome).toBe('built');
    expect(events.some((e) => e.type === 'log' && e.level === 'warn' && /taking over .* no heartbeat since/.test(e.message))).toBe(true);

    await sink.putDoc(LEASE_INDEX, target, lease({ host: hostname(), pid: deadPid() }, 1_000));
    await expect(rebuild(model, sink, { force: true })).resolves.toMatchObject({ outcome: 'built' });
  });

  it('a run that loses its lease stops and never marks its index complete', async () => {
    const model = await builtModel(sink);
    const assets = await assetsFor(model);
    const real = kafkaSource();
    // Another run takes the lease over while this one replays (as after a long pause of this one).
    const source: EventSource = {
      ...real,
      async *readRanges(o) {
        const held = await sink.getDoc(LEASE_INDEX, assets.indexName);
        await sink.putDoc(LEASE_INDEX, assets.indexName, { ...held!.doc, owner: { host: 'another-host', pid: 1, runId: 'usurper' } });
        yield* real.readRanges(o);
      },
    };
    try {
      await expect(rebuild(model, sink, {}, { source, lease: { heartbeatMs: 100 } })).rejects.toMatchObject({
        code: 'LEASE_LOST',
        exitCode: 11,
      });
    } finally {
      await real.close();
    }
    const meta = await sink.getMeta(assets.indexName);
    expect((meta.readmodel as { status: string }).status).toBe('building');
  });

  it('the first exposure is atomic: of two concurrent swaps exactly one wins, the other is a conflict', async () => {
    const model = await builtModel(sink);
    const a = await rebuild(model, sink);
    const b = await rebuild({ ...model, projection: { ...model.projection, version: 2 } }, sink);
    const swaps = await Promise.allSettled(
      [a, b].map((x) => runAliasSwap({ model, to: x.manifest.index }, { sink, progress: createProgressBus() })),
    );
    const won = swaps.filter((s) => s.status === 'fulfilled') as Array<PromiseFulfilledResult<Awaited<ReturnType<typeof runAliasSwap>>>>;
    const lost = swaps.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toMatchObject({ exitCode: 8 });
    expect(await sink.aliasTargets(aliasName(model))).toEqual([won[0]!.value.to]);
    const history = await createSwapHistoryStore(sink).list(aliasName(model));
    expect(history.map((h) => [h.from, h.to])).toEqual([[null, won[0]!.value.to]]);
  });

  it('an alias change missing from the history is reported and recorded, so rollback goes to the right index', async () => {
    const model = await builtModel(sink);
    const a = (await rebuild(model, sink)).manifest.index;
    const b = (await rebuild({ ...model, projection: { ...model.projection, version: 2 } }, sink)).manifest.index;
    const c = (await rebuild({ ...model, projection: { ...model.projection, version: 3 } }, sink)).manifest.index;
    const alias = aliasName(model);
    const bus = () => createProgressBus();
    await runAliasSwap({ model, to: a }, { sink, progress: bus() });
    await runAliasSwap({ model, to: b }, { sink, progress: bus() });
    // A swap b -> c whose history write was lost (the node died right after the _aliases request).
    await sink.updateAliases([{ remove: { index: b, alias, must_exist: true } }, { add: { index: c, alias } }]);
    expect((await runAliasShow({ model }, { sink, progress: bus() })).unrecordedChange).toEqual({ recorded: b, actual: c });
    const back = await runAliasRollback({ model }, { sink, progress: bus() });
    expect(back).toMatchObject({ from: c, to: b, reconciled: { action: 'reconcile', from: b, to: c } });
    expect(await sink.aliasTargets(alias)).toEqual([b]);
    const again = await runAliasRollback({ model }, { sink, progress: bus() });
    expect(again.to).toBe(a);
    const history = await createSwapHistoryStore(sink).list(alias);
    expect(history.map((h) => `${h.action} ${h.from} -> ${h.to}`)).toEqual([
      `swap null -> ${a}`,
      `swap ${a} -> ${b}`,
      `reconcile ${b} -> ${c}`,
      `rollback ${c} -> ${b}`,
      `rollback ${b} -> ${a}`,
    ]);
    expect((await runAliasShow({ model }, { sink, progress: bus() })).unrecordedChange).toBeUndefined();
  });

  it('a swap whose answer was lost after the engine applied it reports the swap that happened and records it', async () => {
    const model = await builtModel(sink);
    const a = (await rebuild(model, sink)).manifest.index;
    const b = (await rebuild({ ...model, projection: { ...model.projection, version: 2 } }, sink)).manifest.index;
    await runAliasSwap({ model, to: a }, { sink, progress: createProgressBus() });
    const proxy = await startFaultProxy(nodeFor(engine));
    const flaky = createSearchSink({ engine, node: proxy.url, backoff: { baseMs: 10, maxMs: 100, budgetMs: 5_000 } });
    try {
      // The engine applies the _aliases request, then the connection dies before its answer arrives.
      proxy.set({ reset: 1, resetWhen: 'after', resetLimit: 1, match: { method: 'POST', path: /^\/_aliases/ } });
      const r = await runAliasSwap({ model, to: b }, { sink: flaky, progress: createProgressBus() });
      expect(proxy.stats.resets).toBe(1);
      expect(r).toMatchObject({ from: a, to: b });
    } finally {
      await flaky.close();
      await proxy.close();
    }
    expect(await sink.aliasTargets(aliasName(model))).toEqual([b]);
    const history = await createSwapHistoryStore(sink).list(aliasName(model));
    expect(history.map((h) => [h.from, h.to])).toEqual([
      [null, a],
      [a, b],
    ]);
    expect((await runAliasRollback({ model }, { sink, progress: createProgressBus() })).to).toBe(a);
  });

  it('a create-index whose answer was lost is resent and the build goes on in the index it made', async () => {
    const model = await builtModel(sink);
    const reference = await rebuild(isolatedProductModel({ topic: model.topic }), sink);
    const target = (await assetsFor(model)).indexName;
    const proxy = await startFaultProxy(nodeFor(engine));
    const flaky = createSearchSink({ engine, node: proxy.url, backoff: { baseMs: 10, maxMs: 100, budgetMs: 5_000 } });
    try {
      proxy.set({ reset: 1, resetWhen: 'after', resetLimit: 1, match: { method: 'PUT', path: new RegExp(`^/${target}(\\?|$)`) } });
      const r = await rebuild(model, flaky);
      expect(proxy.stats.resets).toBe(1);
      expect(r.outcome).toBe('built');
      expect(r.manifest.checksum).toBe(reference.manifest.checksum);
    } finally {
      await flaky.close();
      await proxy.close();
    }
  });

  it('prune deletes only owned, unaliased, complete builds beyond the rollback targets, and says why it keeps the rest', async () => {
    const model = await builtModel(sink);
    const v = (n: number) => ({ ...model, projection: { ...model.projection, version: n } });
    const builds: string[] = [];
    for (const n of [1, 2, 3, 4]) builds.push((await rebuild(v(n), sink)).manifest.index);
    const [b1, b2, b3, b4] = builds as [string, string, string, string];
    for (const to of [b1, b2, b3]) await runAliasSwap({ model, to }, { sink, progress: createProgressBus() });
    const foreign = `${model.indexBase}_v9_handmade`;
    await sink.createIndex(foreign, {});
    const other = `${model.indexBase}_v8_othermodel`;
    await sink.createIndex(other, { mappings: { _meta: { readmodel: { model: 'order-history', status: 'complete', ranges: [] } } } });

    const dry = await runPrune({ model, keep: 1, dryRun: true }, { sink, progress: createProgressBus() });
    const byIndex = Object.fromEntries(dry.decisions.map((d) => [d.index, d]));
    expect(dry.deleted).toEqual([]);
    expect(byIndex[b3]).toMatchObject({ action: 'keep', reason: expect.stringContaining('aliased') });
    expect(byIndex[b2]).toMatchObject({ action: 'keep', reason: expect.stringContaining('rollback target #1') });
    expect(byIndex[b1]).toMatchObject({ action: 'delete' });
    expect(byIndex[foreign]).toMatchObject({ action: 'keep', reason: expect.stringContaining('not built by readmodel') });
    expect(byIndex[other]).toMatchObject({ action: 'keep', reason: expect.stringContaining('order-history') });
    // b4 was built before the last swap and never exposed: an old candidate, deleted.
    expect(byIndex[b4]!.action).toBe('delete');
    for (const i of builds) expect(await sink.indexExists(i)).toBe(true);

    const done = await runPrune({ model, keep: 1 }, { sink, progress: createProgressBus() });
    expect(done.deleted.sort()).toEqual([b1, b4].sort());
    for (const i of [b2, b3, foreign, other]) expect(await sink.indexExists(i)).toBe(true);
    expect(await sink.aliasTargets(aliasName(model))).toEqual([b3]);
    expect((await runAliasRollback({ model }, { sink, progress: createProgressBus() })).to).toBe(b2);
  });
});
