import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { productWorkspace } from '../support/product-workspace.js';
import { loadQueryCatalogue } from '../support/query-catalogue.js';
import { ENGINES, nodeFor, sinkFor } from '../support/services.js';

describe.each(ENGINES)('readmodel query through the binary on %s', (engine) => {
  const sink = sinkFor(engine);
  const w = productWorkspace(engine, 'e2eq');
  const created: string[] = [];
  const query = (...args: string[]) => runCli(['query', 'product-search', ...args], { cwd: w.cwd });
  afterAll(async () => {
    for (const index of created) await sink.deleteIndex(index);
    await sink.close();
  });

  it('exit 1 ALIAS_MISSING before the alias exists, then a table with facets and a --json answer through it', async () => {
    const missing = await query('--text', 'headphones');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`error[ALIAS_MISSING]: the alias ${w.alias} does not exist`);
    expect(missing.stderr).toContain('readmodel rebuild product-search --swap');
    expect(missing.stdout).toBe('');

    created.push(await loadQueryCatalogue(sink, w.indexBase));
    const text = await query('--text', 'headphones', '--filter', 'availability=in_stock', '--filter', 'price<100');
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe(`${w.alias} -> ${w.indexBase}_v1_query: 2 matches, showing 1-2, ordered by relevance, productId`);
    expect(lines[2]).toMatch(/^ID\s+SCORE\s+TITLE\s+PRICE\s+CURRENCY\s+AVAILABILITY\s+RATING\s+RANKINGSCORE$/);
    expect(lines[3]).toMatch(/^p01\s+\d+\.\d{3}\s+Acme Wireless Headphones\s+79\.99\s+EUR\s+in_stock\s+4\s+80$/);
    expect(lines[4]).toMatch(/^p04\s+\d+\.\d{3}\s+Acme Tiny Earbuds\s+29\.99/);
    expect(text.stdout).toMatch(/\nfacets\n {2}category \(categoryPath\)\n {4}Electronics +2\n {6}Audio +2\n/);
    expect(text.stdout).toMatch(/\n {2}price \(price\)\n {4}0-10 +0\n {4}10-25 +0\n {4}25-50 +1\n {4}50-100 +1\n/);
    expect(text.stdout).toMatch(/\n {2}availability \(availability\)\n {4}in_stock +2\n/);

    const json = await query('--sort', '-rankingScore,price', '--limit', '3', '--offset', '1', '--json');
    expect(json.code, json.stderr).toBe(0);
    const r = JSON.parse(json.stdout);
    expect(r).toMatchObject({ model: 'product-search', target: { name: w.alias }, total: 8, offset: 1, limit: 3 });
    expect(r.hits.map((h: { id: string }) => h.id)).toEqual(['p05', 'p01', 'p06']);
    expect(r.hits[0]).toMatchObject({ id: 'p05', score: null, document: { productId: 'p05', title: 'Acme Office Laptop', price: 999 } });
    expect(r.sort).toEqual([
      { field: 'rankingScore', order: 'desc' },
      { field: 'price', order: 'asc' },
      { field: 'productId', order: 'asc' },
    ]);
    expect(r.facets.map((f: { name: string }) => f.name)).toEqual(['category', 'price', 'availability', 'attributes']);
    expect(r.facets[2].buckets).toEqual([
      { value: 'in_stock', count: 6 },
      { value: 'low_stock', count: 1 },
      { value: 'out_of_stock', count: 1 },
    ]);

    const index = await query('--index', `${w.indexBase}_v1_query`, '--filter', 'categoryPath=Home/Lighting', '--no-facets', '--json');
    expect(index.code, index.stderr).toBe(0);
    expect(JSON.parse(index.stdout)).toMatchObject({ target: { name: `${w.indexBase}_v1_query` }, total: 1, facets: [] });
  });

  it.each([
    [
      ['--filter', 'colour=red', '--json'],
      'UNKNOWN_FILTER_FIELD',
      /filter on one of: attributeFacets, availability, category, categoryPath, /,
    ],
    [['--sort', 'title'], 'UNKNOWN_SORT_FIELD', /did you mean "title.keyword"/],
    [['--filter', 'price<cheap'], 'INVALID_FILTER', /"cheap" is not a number/],
  ])('%j is exit 2 naming what can be used', async (args, code, message) => {
    const r = await query(...args);
    expect(r.code).toBe(2);
    if (args.includes('--json')) {
      const err = JSON.parse(r.stdout);
      expect(err).toMatchObject({ error: code, exitCode: 2 });
      expect(err.suggestion).toMatch(message);
    } else {
      expect(r.stderr).toContain(`error[${code}]`);
      expect(r.stderr).toMatch(message);
    }
  });

  it('the wrong engine is exit 3 ENGINE_MISMATCH, nothing read', async () => {
    const other = engine === 'opensearch' ? 'elasticsearch' : 'opensearch';
    const r = await query('--engine', other, '--node', nodeFor(engine), '--json');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: 'ENGINE_MISMATCH' });
  });
});

describe('readmodel query argv checks', () => {
  it.each([[['--filter', 'price']], [['--sort', 'price,,']], [['--limit', '5000']], [['--offset', '-1']]])(
    '%j is refused while parsing argv, before anything connects (exit 2)',
    async (args) => {
      // A node nobody listens on: a parse error must not need one.
      const r = await runCli(['query', 'product-search', ...args, '--engine', 'opensearch', '--node', 'http://127.0.0.1:9']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/error: option|--filter|--sort|--limit|--offset/);
    },
  );
});
