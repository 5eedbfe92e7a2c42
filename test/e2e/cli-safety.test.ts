import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { ENGINES, sinkFor } from '../support/services.js';
import { productWorkspace } from '../support/product-workspace.js';

const setup = (engine: (typeof ENGINES)[number]) => productWorkspace(engine);

describe.each(ENGINES)('safety through the binary on %s', (engine) => {
  it('a wrong search.engine is exit 3 (ENGINE_MISMATCH) and leaves the live index and alias alone', async () => {
    const w = setup(engine);
    expect((await runCli(['fixtures', 'publish', 'product-search', '--count', '30', '--partitions', '2'], { cwd: w.cwd })).code).toBe(0);
    const built = await runCli(['rebuild', 'product-search', '--swap', '--json', '--replicas', '0'], { cwd: w.cwd });
    expect(built.code, built.stderr).toBe(0);
    const live = JSON.parse(built.stdout).manifest.index as string;

    const wrongEngine = engine === 'opensearch' ? 'elasticsearch' : 'opensearch';
    for (const args of [
      ['rebuild', 'product-search', '--json'],
      ['rebuild', 'product-search', '--force', '--json'],
      ['alias', 'show', 'product-search', '--json'],
    ]) {
      const r = await runCli(args, { cwd: w.cwd, env: { READMODEL_SEARCH_ENGINE: wrongEngine } });
      expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(3);
      expect(JSON.parse(r.stdout)).toMatchObject({ error: 'ENGINE_MISMATCH', context: { key: 'search.engine' } });
      expect(r.stderr).not.toMatch(/deleting/);
    }
    const sink = sinkFor(engine);
    try {
      expect(await sink.aliasTargets(w.alias)).toEqual([live]);
      expect(await sink.count(live)).toBeGreaterThan(0);
    } finally {
      await sink.close();
    }
  });

  it('--force rebuilds but never overrides gates; --override-gates does, and every verdict is printed', async () => {
    const w = setup(engine);
    expect((await runCli(['fixtures', 'publish', 'product-search', '--count', '40', '--partitions', '2'], { cwd: w.cwd })).code).toBe(0);
    const first = await runCli(['rebuild', 'product-search', '--json', '--replicas', '0'], { cwd: w.cwd });
    expect(first.code, first.stderr).toBe(0);
    // The live index: much bigger than any build of this topic, so the count gate fails.
    const live = `${w.indexBase}_v0_live`;
    const sink = sinkFor(engine);
    try {
      await sink.createIndex(live, { mappings: { properties: { productId: { type: 'keyword' } } } });
      const docs = Array.from({ length: 300 }, (_, i) => ({
        action: 'index' as const,
        id: `pad-${i}`,
        version: 1,
        doc: { productId: `pad-${i}` },
      }));
      await sink.bulk(live, docs);
      await sink.refresh(live);
      await sink.updateAliases([{ add: { index: live, alias: w.alias } }]);
    } finally {
      await sink.close();
    }
    const forced = await runCli(['rebuild', 'product-search', '--force', '--swap', '--replicas', '0'], { cwd: w.cwd });
    expect(forced.code, forced.stderr).toBe(7);
    expect(forced.stderr).toMatch(/replacing the previous complete build/);
    expect(forced.stderr).toMatch(/error\[GATE_REFUSED\]/);
    expect(forced.stderr).toMatch(/document count drift: failed/);
    expect(forced.stderr).toMatch(/complete build: passed/);
    expect(forced.stderr).toMatch(/--override-gates/);

    const over = await runCli(['rebuild', 'product-search', '--swap', '--override-gates', '--replicas', '0'], { cwd: w.cwd });
    expect(over.code, over.stderr).toBe(0);
    expect(over.stdout).toMatch(/gate document count drift: overridden/);
    expect(over.stdout).toMatch(/gate complete build: passed/);
    expect(over.stdout).toMatch(new RegExp(`swapped ${w.alias}: ${live} -> `));

    const swapForce = await runCli(['alias', 'swap', 'product-search', '--to', live, '--force'], { cwd: w.cwd });
    expect(swapForce.code).toBe(2);
    expect(swapForce.stderr).toMatch(/--override-gates/);
  });

  it('prune --dry-run lists what it would delete and keep, with reasons, in JSON', async () => {
    const w = setup(engine);
    expect((await runCli(['fixtures', 'publish', 'product-search', '--count', '20', '--partitions', '1'], { cwd: w.cwd })).code).toBe(0);
    const r1 = await runCli(['rebuild', 'product-search', '--swap', '--json', '--replicas', '0'], { cwd: w.cwd });
    expect(r1.code, r1.stderr).toBe(0);
    const pruned = await runCli(['prune', 'product-search', '--dry-run', '--json'], { cwd: w.cwd });
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(JSON.parse(pruned.stdout)).toMatchObject({
      dryRun: true,
      deleted: [],
      decisions: [{ index: JSON.parse(r1.stdout).manifest.index, action: 'keep', reason: expect.stringContaining('aliased') }],
    });
  });
});
