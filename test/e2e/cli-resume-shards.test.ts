import { describe, expect, it } from 'vitest';
import { readManifest } from '../../src/app/read-manifest.js';
import { messyProductStream } from '../support/messy-stream.js';
import { allDocs } from '../support/rebuild-helpers.js';
import { runCli, startCli, workspace } from '../support/cli.js';
import { ENGINES, brokers, nodeFor, publishEvents, sinkFor } from '../support/services.js';
import { productWorkspace } from '../support/product-workspace.js';

/** Another workspace on the same topic with its own index base: a second build of the same events. */
function sameTopic(w: ReturnType<typeof productWorkspace>, engine: (typeof ENGINES)[number], suffix: string) {
  const indexBase = `${w.indexBase}${suffix}`;
  const cwd = workspace({
    kafka: { brokers: brokers() },
    search: { engine, node: nodeFor(engine) },
    models: { 'product-search': { topic: w.topic, indexBase } },
  });
  return { cwd, indexBase, alias: `${indexBase}_current` };
}

/** Starts the binary and SIGKILLs it once its progress shows `atLeast` events read. */
async function killMidReplay(args: string[], cwd: string, atLeast: number) {
  const run = startCli(args, { cwd });
  let buffer = '';
  await new Promise<void>((resolve, reject) => {
    run.done.then(() => reject(new Error('the rebuild finished before it could be killed')), reject);
    run.child.stderr!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const l of lines) {
        const e = JSON.parse(l);
        if (e.type === 'progress' && e.counters.eventsRead >= atLeast) resolve();
      }
    });
  });
  run.child.kill('SIGKILL');
  expect((await run.done).signal).toBe('SIGKILL');
}

const slow = ['--json', '--replicas', '0', '--batch-size', '50', '--checkpoint-every', '1ms'];

describe.each(ENGINES)('resumable and sharded rebuilds with the binary on %s', (engine) => {
  it('SIGKILL mid-replay, then the same command: it continues and gives the uninterrupted documents and checksum', async () => {
    const w = productWorkspace(engine);
    const stream = messyProductStream({ seed: 41, products: 300, updates: 3000 });
    await publishEvents(w.topic, 3, stream.events);
    const ref = await runCli(['rebuild', 'product-search', '--json', '--replicas', '0'], { cwd: w.cwd });
    expect(ref.code, ref.stderr).toBe(0);
    const refManifest = JSON.parse(ref.stdout).manifest;

    const b = sameTopic(w, engine, 'r');
    await killMidReplay(['rebuild', 'product-search', ...slow], b.cwd, Math.floor(stream.events.length / 2));
    const sink = sinkFor(engine);
    try {
      const partial = (await sink.listIndices(`${b.indexBase}_v*`)).map((i) => i.name);
      expect((await readManifest(sink, partial[0]!))?.status).toBe('building');

      const again = await runCli(['rebuild', 'product-search', ...slow], { cwd: b.cwd });
      expect(again.code, again.stderr).toBe(0);
      const done = JSON.parse(again.stdout).manifest;
      expect(done).toMatchObject({ index: partial[0], status: 'complete', checksum: refManifest.checksum });
      expect(done.counts.eventsRead).toBe(stream.events.length);
      expect(done.resumptions).toHaveLength(1);
      expect(again.stderr).toContain('continuing the incomplete build');
      expect(await allDocs(sink, done.index)).toEqual(await allDocs(sink, refManifest.index));
    } finally {
      await sink.close();
    }
  });

  it('three shard processes give the single-process result; a killed shard leaves the index unsealed and the alias untouched until re-run', async () => {
    const w = productWorkspace(engine);
    const stream = messyProductStream({ seed: 43, products: 300, updates: 3000 });
    await publishEvents(w.topic, 6, stream.events);
    const ref = await runCli(['rebuild', 'product-search', '--json', '--replicas', '0'], { cwd: w.cwd });
    expect(ref.code, ref.stderr).toBe(0);
    const refManifest = JSON.parse(ref.stdout).manifest;

    // Three workers at once, racing to create the index.
    const s = sameTopic(w, engine, 's');
    const shards = await Promise.all(
      [0, 1, 2].map((i) => runCli(['rebuild', 'product-search', '--shard', `${i}/3`, '--json'], { cwd: s.cwd })),
    );
    for (const r of shards) {
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'shard-done', manifest: { status: 'building', sharded: true } });
    }
    expect(shards.map((r) => JSON.parse(r.stdout).shard.partitions)).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    const seal = await runCli(['rebuild', 'product-search', '--seal', '--json', '--replicas', '0'], { cwd: s.cwd });
    expect(seal.code, seal.stderr).toBe(0);
    const sealed = JSON.parse(seal.stdout).manifest;
    expect(sealed).toMatchObject({ status: 'complete', checksum: refManifest.checksum, counts: { eventsRead: stream.events.length } });

    // A failed shard: killed mid-replay. The seal refuses (exit 8), nothing is exposed; the re-run completes it.
    const f = sameTopic(w, engine, 'f');
    for (const i of [0, 1])
      expect((await runCli(['rebuild', 'product-search', '--shard', `${i}/3`, '--json'], { cwd: f.cwd })).code).toBe(0);
    await killMidReplay(['rebuild', 'product-search', '--shard', '2/3', ...slow], f.cwd, 200);
    const refused = await runCli(['rebuild', 'product-search', '--seal', '--swap', '--json'], { cwd: f.cwd });
    expect(refused.code).toBe(8);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: 'SHARDS_INCOMPLETE' });
    const sink = sinkFor(engine);
    try {
      const index = (await sink.listIndices(`${f.indexBase}_v*`))[0]!.name;
      expect((await readManifest(sink, index))?.status).toBe('building');
      expect(await sink.aliasTargets(f.alias)).toEqual([]);

      const rerun = await runCli(['rebuild', 'product-search', '--shard', '2/3', ...slow], { cwd: f.cwd });
      expect(rerun.code, rerun.stderr).toBe(0);
      const sealAgain = await runCli(['rebuild', 'product-search', '--seal', '--json', '--replicas', '0'], { cwd: f.cwd });
      expect(sealAgain.code, sealAgain.stderr).toBe(0);
      const m = JSON.parse(sealAgain.stdout).manifest;
      expect(m).toMatchObject({ status: 'complete', checksum: refManifest.checksum });
      expect(m.resumptions).toHaveLength(1);
      expect(await allDocs(sink, index)).toEqual(await allDocs(sink, refManifest.index));
    } finally {
      await sink.close();
    }
  });
});
