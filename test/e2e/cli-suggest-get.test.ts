import { afterAll, describe, expect, it } from 'vitest';
import { targetOf } from '../../src/core/engines/engine-capabilities.js';
import type { StoredDoc } from '../../src/core/ports/search-sink.js';
import { runCli } from '../support/cli.js';
import { productWorkspace } from '../support/product-workspace.js';
import { ENGINES, sinkFor } from '../support/services.js';

/** Whether any word of `value` starts with `prefix` (folded when the engine folds). */
const wordStarts = (value: unknown, prefix: string, fold: boolean) => {
  const norm = (s: string) => (fold ? s.normalize('NFD').replace(/\p{M}/gu, '') : s).toLowerCase();
  return norm(String(value))
    .split(/[^\p{L}\p{N}]+/u)
    .some((w) => w.startsWith(norm(prefix)));
};

describe.each(ENGINES)('readmodel suggest and get through the binary on %s', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  it('exit codes and --json: missing alias 1, suggestions and the document with its build after a swap, not found 1, usage 2', async () => {
    const w = productWorkspace(engine, 'e2esug');
    const info = await sink.info();
    const target = targetOf(info.engine, info.version);

    // Before any build: the alias is missing, which is an error, not an empty list.
    const early = await runCli(['suggest', 'product-search', 'acme', '--json'], { cwd: w.cwd });
    expect(early.code).toBe(1);
    expect(JSON.parse(early.stdout)).toMatchObject({ error: 'ALIAS_MISSING', exitCode: 1, context: { alias: w.alias } });
    const earlyGet = await runCli(['get', 'product-search', 'p001'], { cwd: w.cwd });
    expect(earlyGet.code).toBe(1);
    expect(earlyGet.stderr).toContain(`error[ALIAS_MISSING]: the alias ${w.alias} does not exist`);

    const pub = await runCli(['fixtures', 'publish', 'product-search', '--count', '60', '--seed', '7', '--partitions', '2', '--json'], {
      cwd: w.cwd,
    });
    expect(pub.code, pub.stderr).toBe(0);
    const built = await runCli(['rebuild', 'product-search', '--swap', '--json', '--replicas', '0'], { cwd: w.cwd });
    expect(built.code, built.stderr).toBe(0);
    const manifest = JSON.parse(built.stdout).manifest;
    const rich = target.engine === 'opensearch' && target.major >= 3;
    expect(manifest.mappingFile).toBe(rich ? 'mappings/product_search.v1.analysis-common.json' : 'mappings/product_search.v1.json');

    // A product of the build and the first three letters of its title's second word.
    const page: StoredDoc[] = (await sink.scan(manifest.index, { sortField: 'productId', pageSize: 100 })[Symbol.asyncIterator]().next())
      .value!;
    const product = page.find((d) => String(d.doc.title).split(' ').length > 1)!;
    const prefix = String(product.doc.title).split(' ')[1]!.slice(0, 3).toLowerCase();

    const json = await runCli(['suggest', 'product-search', prefix, '--limit', '100', '--json'], { cwd: w.cwd });
    expect(json.code, json.stderr).toBe(0);
    const s = JSON.parse(json.stdout);
    expect(s).toMatchObject({
      model: 'product-search',
      alias: w.alias,
      index: manifest.index,
      live: true,
      prefix,
      fields: ['title', 'category'],
    });
    expect(s.suggestions.map((x: { id: string }) => x.id)).toContain(product.id);
    for (const x of s.suggestions)
      expect(wordStarts(x.title, prefix, rich) || wordStarts(x.category, prefix, rich), JSON.stringify(x)).toBe(true);
    const everyMatch = page
      .filter((d) => wordStarts(d.doc.title, prefix, rich) || wordStarts(d.doc.category, prefix, rich))
      .map((d) => d.id);
    expect(s.suggestions.map((x: { id: string }) => x.id).sort()).toEqual(everyMatch.sort());

    const text = await runCli(['suggest', 'product-search', prefix, '--limit', '2'], { cwd: w.cwd });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`2 suggestions for "${prefix}" from ${w.alias} -> ${manifest.index}`);
    expect(text.stdout).toMatch(/^ID +TITLE +CATEGORY$/m);

    const got = await runCli(['get', 'product-search', product.id, '--json'], { cwd: w.cwd });
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({
      id: product.id,
      index: manifest.index,
      live: true,
      version: product.version,
      lastAggregateVersion: product.version,
      lastEventAt: product.doc.lastEventAt,
      build: { buildHash: manifest.buildHash, mappingFile: manifest.mappingFile, status: 'complete' },
      document: { productId: product.id, title: product.doc.title },
    });
    const gotText = await runCli(['get', 'product-search', product.id], { cwd: w.cwd });
    expect(gotText.code, gotText.stderr).toBe(0);
    expect(gotText.stdout).toContain(`  version       ${product.version} (external`);
    expect(gotText.stdout).toContain(`  index         ${manifest.index} (live behind ${w.alias})`);
    expect(gotText.stdout).toContain(`hash ${manifest.buildHash}`);

    const missing = await runCli(['get', 'product-search', 'no-such-product', '--json'], { cwd: w.cwd });
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: 'DOCUMENT_NOT_FOUND', context: { index: manifest.index, live: true } });

    const usage = await Promise.all([
      runCli(['get', 'product-search', product.id, '--index', `${w.indexBase}_v1_0000000000`, '--json'], { cwd: w.cwd }),
      runCli(['get', 'product-search', product.id, '--index', `${w.indexBase}*`], { cwd: w.cwd }),
      runCli(['suggest', 'product-search', prefix, '--limit', '0'], { cwd: w.cwd }),
      runCli(['suggest', 'product-search', prefix, '--limit', '101'], { cwd: w.cwd }),
      runCli(['suggest', 'product-search', '--json', '--', '-*-'], { cwd: w.cwd }),
      runCli(['suggest', 'order-history', 'ab', '--json'], { cwd: w.cwd }),
    ]);
    expect(usage.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(JSON.parse(usage[0]!.stdout)).toMatchObject({ error: 'INDEX_NOT_FOUND' });
    expect(usage[3]!.stderr).toContain('--limit must be at most 100');
    expect(JSON.parse(usage[4]!.stdout)).toMatchObject({ error: 'INVALID_VALUE' });
    expect(JSON.parse(usage[5]!.stdout)).toMatchObject({ error: 'AUTOCOMPLETE_UNSUPPORTED' });
  });
});
