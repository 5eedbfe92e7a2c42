import { describe, expect, it } from 'vitest';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';
import { readManifest } from '../../src/app/read-manifest.js';
import { runCli, startCli, workspace } from '../support/cli.js';
import { ENGINES, brokers, nodeFor, publishEvents, sinkFor } from '../support/services.js';
import { productWorkspace } from '../support/product-workspace.js';

const setup = (engine: (typeof ENGINES)[number]) => productWorkspace(engine);

describe.each(ENGINES)('readmodel binary end to end on %s', (engine) => {
  it('publishes fixtures, rebuilds, swaps and shows the alias, all with --json and exit 0', async () => {
    const w = setup(engine);
    const pub = await runCli(['fixtures', 'publish', 'product-search', '--count', '40', '--seed', '4', '--partitions', '3', '--json'], {
      cwd: w.cwd,
    });
    expect(pub.code, pub.stderr).toBe(0);
    expect(JSON.parse(pub.stdout)).toMatchObject({ topic: w.topic, partitions: 3, topicCreated: true, aggregates: 40 });

    const rb = await runCli(['rebuild', 'product-search', '--json', '--replicas', '0'], { cwd: w.cwd });
    expect(rb.code, rb.stderr).toBe(0);
    const out = JSON.parse(rb.stdout);
    expect(out).toMatchObject({
      outcome: 'built',
      manifest: { status: 'complete', topic: w.topic, counts: { eventsRead: JSON.parse(pub.stdout).events } },
    });
    // Progress went to stderr as NDJSON, one event per line.
    const progress = rb.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(progress.map((e) => e.phase).filter(Boolean)).toEqual(['connect', 'snapshot', 'replay', 'finalize']);

    const swap = await runCli(['alias', 'swap', 'product-search', '--to', out.manifest.index, '--json'], { cwd: w.cwd });
    expect(swap.code, swap.stderr).toBe(0);
    expect(JSON.parse(swap.stdout)).toMatchObject({ alias: w.alias, from: null, to: out.manifest.index });

    const show = await runCli(['alias', 'show', 'product-search', '--json'], { cwd: w.cwd });
    expect(JSON.parse(show.stdout)).toMatchObject({
      alias: w.alias,
      targets: [out.manifest.index],
      history: [{ action: 'swap', to: out.manifest.index }],
    });

    const sink = sinkFor(engine);
    const hits = await sink.search(w.alias, { query: { term: { published: true } }, track_total_hits: true });
    expect(hits.total).toBeGreaterThan(0);
    await sink.close();
  });

  it('an invalid event exits 4 with topic, partition, offset, event id and rule; the alias is untouched', async () => {
    const w = setup(engine);
    const events = [...generateProductEvents({ products: 10, seed: 5 })].map((g) => g.envelope);
    const bad = {
      ...events[2]!,
      eventType: 'StockAdjusted',
      eventVersion: 1,
      data: { delta: 'lots', reason: 'sale' },
      eventId: '99999999-2222-4333-8444-555555555555',
    };
    await publishEvents(w.topic, 1, [...events, bad]);
    const r = await runCli(['rebuild', 'product-search', '--json'], { cwd: w.cwd });
    expect(r.code).toBe(4);
    const err = JSON.parse(r.stdout);
    expect(err).toMatchObject({
      error: 'CONTRACT_VIOLATION',
      context: { topic: w.topic, partition: 0, offset: events.length, eventId: bad.eventId, pointer: '/data/delta', rule: 'type' },
      suggestion: expect.stringContaining('--on-invalid skip'),
    });
    const sink = sinkFor(engine);
    expect(await sink.aliasTargets(w.alias)).toEqual([]);
    await sink.close();

    const text = await runCli(['rebuild', 'product-search'], { cwd: w.cwd });
    expect(text.code).toBe(4);
    expect(text.stderr).toContain('error[CONTRACT_VIOLATION]');
    expect(text.stderr).toContain('what to do:');
    expect(text.stderr).not.toMatch(/\n\s+at /);
  });

  it('a rebuild killed with SIGKILL mid-run leaves the alias untouched, and a re-run completes', async () => {
    const w = setup(engine);
    await publishEvents(
      w.topic,
      3,
      [...generateProductEvents({ products: 4000, seed: 8 })].map((g) => g.envelope),
    );
    // Expose a first build so there is a live alias to protect.
    const first = await runCli(['rebuild', 'product-search', '--json', '--to', '0:10,1:10,2:10', '--replicas', '0'], { cwd: w.cwd });
    expect(first.code, first.stderr).toBe(0);
    const firstIndex = JSON.parse(first.stdout).manifest.index;
    expect((await runCli(['alias', 'swap', 'product-search', '--to', firstIndex, '--json'], { cwd: w.cwd })).code).toBe(0);

    // The interrupted build gets its own index base, so it is a new index and never the live one.
    const w2 = {
      ...w,
      cwd: workspace({
        kafka: { brokers: brokers() },
        search: { engine, node: nodeFor(engine) },
        models: { 'product-search': { topic: w.topic, indexBase: `${w.indexBase}b` } },
      }),
    };
    const run = startCli(['rebuild', 'product-search', '--json', '--batch-size', '100', '--replicas', '0'], { cwd: w2.cwd });
    let sawReplay = false;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('rebuild never reached replay')), 120_000);
      run.child.stderr!.on('data', (d: Buffer) => {
        // The replay phase starts once the index exists: killing from here on leaves a partial build.
        if (!sawReplay && d.toString().includes('"phase":"replay"')) {
          sawReplay = true;
          clearTimeout(t);
          resolve();
        }
      });
    });
    run.child.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.signal).toBe('SIGKILL');

    const sink = sinkFor(engine);
    const partial = (await sink.listIndices(`${w.indexBase}b_v*`)).map((i) => i.name);
    expect(partial).toHaveLength(1);
    expect((await readManifest(sink, partial[0]!))?.status).toBe('building');
    expect(await sink.aliasTargets(w.alias)).toEqual([firstIndex]);

    const again = await runCli(['rebuild', 'product-search', '--json', '--replicas', '0'], { cwd: w2.cwd });
    expect(again.code, again.stderr).toBe(0);
    const done = JSON.parse(again.stdout).manifest;
    expect(done).toMatchObject({ index: partial[0], status: 'complete' });
    expect(done.counts.eventsRead).toBe(done.ranges.reduce((n: number, r: { start: number; end: number }) => n + r.end - r.start, 0));
    expect(await sink.aliasTargets(w.alias)).toEqual([firstIndex]);
    await sink.close();
  });

  it('SIGINT aborts cleanly with exit 130 and no alias change', async () => {
    const w = setup(engine);
    await publishEvents(
      w.topic,
      2,
      [...generateProductEvents({ products: 3000, seed: 9 })].map((g) => g.envelope),
    );
    const run = startCli(['rebuild', 'product-search', '--json', '--batch-size', '100'], { cwd: w.cwd });
    await new Promise<void>((resolve) =>
      run.child.stderr!.on('data', (d: Buffer) => d.toString().includes('"type":"progress"') && resolve()),
    );
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: 'ABORTED' });
    const sink = sinkFor(engine);
    expect(await sink.aliasTargets(w.alias)).toEqual([]);
    await sink.close();
  });
});
