import { afterAll, describe, expect, it } from 'vitest';
import { createKafkaLagReader } from '../../src/adapters/kafka/kafka-lag-reader.js';
import { createSearchSink } from '../../src/adapters/search/create-search-sink.js';
import { runLag } from '../../src/app/run-lag.js';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';
import type { LagReport } from '../../src/core/lag/lag-report.js';
import type { SearchSink } from '../../src/core/ports/search-sink.js';
import { aliasName, type ReadModelDefinition } from '../../src/core/read-model.js';
import { assetsFor } from '../support/assets.js';
import { rebuild } from '../support/rebuild-helpers.js';
import { ENGINES, brokers, commitToEnd, isolatedProductModel, nodeFor, publishEvents, sinkFor } from '../support/services.js';

const thresholds = { windowMs: 60_000, maxTimeLagMs: 300_000 };

function lagOnce(model: ReadModelDefinition, sink: SearchSink): Promise<LagReport> {
  const reader = createKafkaLagReader({ brokers: brokers(), clientId: 'readmodel-test' });
  return runLag({ models: [model], thresholds, samples: 1, intervalMs: 0 }, { reader, sink }).finally(() => reader.close());
}

/** A read model as production has it: events in Kafka, a complete build behind the alias, the group caught up. */
async function liveModel(sink: SearchSink) {
  const model = isolatedProductModel();
  const events = [...generateProductEvents({ products: 12, seed: 71 })].map((g) => g.envelope);
  await publishEvents(model.topic, 2, events);
  const built = await rebuild(model, sink);
  const index = built.manifest.index;
  await sink.updateAliases([{ add: { index, alias: aliasName(model) } }]);
  await commitToEnd(model);
  return { model, index, documents: built.manifest.counts!.documents };
}

describe.each(ENGINES)('lag checks the read model behind the alias on %s', (engine) => {
  const sink = sinkFor(engine);
  const created: string[] = [];
  afterAll(async () => {
    for (const index of created) await sink.deleteIndex(index).catch(() => undefined);
    await sink.close();
  });

  it('healthy: one complete build behind the alias and a caught-up group is OK, exit 0; deleting that index is ERR, exit 1', async () => {
    const { model, index, documents } = await liveModel(sink);
    created.push(index);
    const ok = await lagOnce(model, sink);
    expect(ok).toMatchObject({ status: 'OK', exitCode: 0 });
    expect(ok.models[0]).toMatchObject({
      status: 'OK',
      consumerStatus: 'OK',
      lag: 0,
      readModel: {
        status: 'OK',
        alias: aliasName(model),
        indices: [index],
        index,
        documents,
        build: { status: 'complete', model: model.name, documents },
      },
    });
    expect(ok.models[0]!.readModel!.ageMs).toBeGreaterThan(0);
    expect(documents).toBeGreaterThan(0);

    // The index (and with it the alias) gone: the same caught-up group must not make this look healthy.
    await sink.deleteIndex(index);
    const broken = await lagOnce(model, sink);
    expect(broken).toMatchObject({ status: 'ERR', exitCode: 1 });
    expect(broken.models[0]).toMatchObject({
      status: 'ERR',
      consumerStatus: 'OK',
      readModel: { status: 'ERR', problem: 'ALIAS_MISSING', indices: [], ageMs: null },
    });
    expect(broken.models[0]!.reason).toContain(`alias ${aliasName(model)} does not exist`);
    expect(broken.models[0]!.readModel!.suggestion).toContain(`readmodel rebuild ${model.name} --swap`);
  });

  it('an alias on two indices, and an alias on an index without a readmodel manifest, are ERR naming the indices', async () => {
    const { model, index } = await liveModel(sink);
    created.push(index);
    const stray = `${model.indexBase}_by_hand`;
    created.push(stray);
    await sink.createIndex(stray, (await assetsFor(model)).mapping);
    await sink.updateAliases([{ add: { index: stray, alias: aliasName(model) } }]);
    const two = await lagOnce(model, sink);
    expect(two).toMatchObject({
      status: 'ERR',
      exitCode: 1,
      models: [{ readModel: { status: 'ERR', problem: 'ALIAS_AMBIGUOUS', indices: [index, stray].sort() } }],
    });
    expect(two.models[0]!.readModel!.reason).toContain(`points at 2 indices`);

    await sink.updateAliases([{ remove: { index, alias: aliasName(model) } }]);
    const foreign = await lagOnce(model, sink);
    expect(foreign).toMatchObject({
      status: 'ERR',
      exitCode: 1,
      models: [{ readModel: { status: 'ERR', problem: 'NO_MANIFEST', index: stray } }],
    });
    expect(foreign.models[0]!.readModel!.reason).toContain(`index ${stray} behind alias ${aliasName(model)} has no readmodel manifest`);
  });

  it('an unreachable engine is ERR with exit 6 and a message naming the node, never OK', async () => {
    const { model, index } = await liveModel(sink);
    created.push(index);
    const dead = createSearchSink({ engine, node: 'http://127.0.0.1:1', backoff: { baseMs: 1, maxMs: 5, budgetMs: 500 } });
    try {
      const report = await lagOnce(model, dead);
      expect(report).toMatchObject({
        status: 'ERR',
        exitCode: 6,
        models: [{ consumerStatus: 'OK', readModel: { status: 'ERR', problem: 'ENGINE_UNREACHABLE', error: { exitCode: 6 } } }],
      });
      expect(report.models[0]!.readModel!.reason).toMatch(/the search engine does not answer: .*http:\/\/127\.0\.0\.1:1.*ECONNREFUSED/);
    } finally {
      await dead.close();
    }
  });
});

describe('lag against a node of another engine than configured', () => {
  const sink = sinkFor('opensearch');
  afterAll(() => sink.close());

  // The Elasticsearch client's product check turns every OpenSearch answer into an empty 200: the
  // alias would read as missing and the manifest as absent. lag must say the engine is wrong instead.
  it('search.engine elasticsearch on an OpenSearch node is ERR naming the engine, not an empty read model', async () => {
    const { model, index } = await liveModel(sink);
    const wrong = createSearchSink({
      engine: 'elasticsearch',
      node: nodeFor('opensearch'),
      backoff: { baseMs: 1, maxMs: 5, budgetMs: 500 },
    });
    try {
      const report = await lagOnce(model, wrong);
      expect(report).toMatchObject({
        status: 'ERR',
        exitCode: 1,
        models: [{ consumerStatus: 'OK', readModel: { status: 'ERR', problem: 'ENGINE_UNIDENTIFIED' } }],
      });
      expect(report.models[0]!.readModel!.reason).toContain('does not answer as elasticsearch');
    } finally {
      await wrong.close();
      await sink.deleteIndex(index);
    }
  });
});
