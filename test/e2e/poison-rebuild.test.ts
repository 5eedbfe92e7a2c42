import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';
import { ROOT } from '../support/contracts.js';
import { runCli, workspace } from '../support/cli.js';
import { productEvents } from '../../src/core/read-models/product-search/event-builders.js';
import { ENGINES, brokers, nodeFor, publishEvents, sinkFor, uniqueName } from '../support/services.js';

/** A contract-valid product whose attribute value is longer than one keyword term may be (32,766 bytes). */
function poisonedProduct() {
  const p = productEvents('px-huge');
  return [p.created({ attributes: { color: 'black', engraving: 'x'.repeat(40_000) } }), p.published()];
}

/** The product mapping as it was before the fix: attributeFacets without ignore_above. */
function unboundedMapping(dir: string): string {
  const m = JSON.parse(readFileSync(path.join(ROOT, 'mappings/product_search.v1.json'), 'utf8'));
  delete m.mappings.properties.attributeFacets.ignore_above;
  const file = path.join(dir, 'product_search_unbounded.v1.json');
  writeFileSync(file, JSON.stringify(m));
  return file;
}

async function setup(
  engine: (typeof ENGINES)[number],
  opts: { unbounded?: boolean; poison?: () => ReturnType<typeof poisonedProduct> } = {},
) {
  const id = uniqueName('poison');
  const topic = `product-events-${id}`;
  const indexBase = `ps_${id}`;
  const cwd = workspace({});
  const model: Record<string, unknown> = { topic, indexBase, consumerGroup: `g-${id}` };
  if (opts.unbounded) model.mappingFile = unboundedMapping(cwd);
  writeFileSync(
    path.join(cwd, 'readmodel.config.json'),
    JSON.stringify({ kafka: { brokers: brokers() }, search: { engine, node: nodeFor(engine) }, models: { 'product-search': model } }),
  );
  const good = [...generateProductEvents({ products: 20, seed: 31 })].map((g) => g.envelope);
  const poison = (opts.poison ?? poisonedProduct)();
  await publishEvents(topic, 1, [...good, ...poison]);
  return { cwd, topic, poisonOffset: good.length, poisonEventId: poison[0]!.eventId, goodProducts: 20 };
}

describe.each(ENGINES)('a contract-valid event whose document the engine refuses, on %s', (engine) => {
  it('the shipped mapping takes an attribute over 32,766 bytes: the rebuild completes with the document', async () => {
    const w = await setup(engine);
    const r = await runCli(['rebuild', 'product-search', '--json', '--replicas', '0'], { cwd: w.cwd });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.manifest).toMatchObject({ status: 'complete', counts: { documents: w.goodProducts + 1 } });
    const sink = sinkFor(engine);
    const doc = (await sink.getMany(out.manifest.index, ['px-huge'])).get('px-huge');
    await sink.close();
    expect(doc?.doc.attributeFacets).toContain(`engraving=${'x'.repeat(40_000)}`);
  });

  it('by default the rebuild stops with SINK_REJECTED (exit 1) naming the document, the event position and the reason', async () => {
    const w = await setup(engine, { unbounded: true });
    const r = await runCli(['rebuild', 'product-search', '--json', '--replicas', '0'], { cwd: w.cwd });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const err = JSON.parse(r.stdout);
    expect(err).toMatchObject({
      error: 'SINK_REJECTED',
      exitCode: 1,
      // Both of its events were folded in one batch: the position is the last, and both are listed.
      context: {
        id: 'px-huge',
        version: 2,
        topic: w.topic,
        partition: 0,
        offset: w.poisonOffset + 1,
        positions: [`${w.topic}/0@${w.poisonOffset}`, `${w.topic}/0@${w.poisonOffset + 1}`],
        eventIds: [w.poisonEventId, expect.any(String)],
      },
      suggestion: expect.stringContaining('--on-invalid skip'),
    });
    expect(err.message).toContain('px-huge');
    expect(err.message).toContain(`${w.topic}/0@${w.poisonOffset}`);
    expect(err.context.reason).toMatch(/immense term|32766/i);
  });

  it('with --on-invalid skip the rebuild completes and the manifest records the refused document with its reason', async () => {
    const w = await setup(engine, { unbounded: true });
    const r = await runCli(['rebuild', 'product-search', '--json', '--replicas', '0', '--on-invalid', 'skip'], { cwd: w.cwd });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const { manifest } = JSON.parse(r.stdout);
    expect(manifest).toMatchObject({ status: 'complete', counts: { docsRejected: 1, documents: w.goodProducts } });
    expect(manifest.skipped).toEqual([
      expect.objectContaining({
        partition: 0,
        offset: w.poisonOffset + 1,
        reason: expect.stringMatching(/^document px-huge \(version 2\) rejected by .*immense term/is),
      }),
    ]);
    expect(manifest.skipped[0].reason).toContain(`events 0@${w.poisonOffset}, 0@${w.poisonOffset + 1}`);
    const sink = sinkFor(engine);
    expect((await sink.getMany(manifest.index, ['px-huge'])).size).toBe(0);
    await sink.close();
  });

  it('an id over 512 bytes (a valid aggregateId of 200 multi-byte characters) is one refused document, not a failed bulk', async () => {
    const longId = '€'.repeat(200);
    const w = await setup(engine, { poison: () => [productEvents(longId).created()] });
    const stop = await runCli(['rebuild', 'product-search', '--json', '--replicas', '0'], { cwd: w.cwd });
    expect(stop.code, stop.stdout + stop.stderr).toBe(1);
    expect(JSON.parse(stop.stdout)).toMatchObject({
      error: 'SINK_REJECTED',
      context: {
        id: longId,
        partition: 0,
        offset: w.poisonOffset,
        reason: 'document id is 600 bytes long; the engines accept at most 512',
      },
    });
    const skip = await runCli(['rebuild', 'product-search', '--json', '--replicas', '0', '--on-invalid', 'skip'], { cwd: w.cwd });
    expect(skip.code, skip.stdout + skip.stderr).toBe(0);
    const { manifest } = JSON.parse(skip.stdout);
    expect(manifest).toMatchObject({
      status: 'complete',
      counts: { docsRejected: 1, documents: w.goodProducts },
      skipped: [{ partition: 0, offset: w.poisonOffset }],
    });
  });
});
