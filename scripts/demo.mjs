// The main job on the embedded default, end to end: start the local sandbox, publish fixture events,
// rebuild product-search into a fresh index, swap the alias, and query through it.
// Run with: npm run demo   (safe to re-run: publishing and rebuilding are idempotent)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/readmodel.js');

function readmodel(...args) {
  process.stdout.write(`\n$ readmodel ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`\ndemo stopped: "readmodel ${args.join(' ')}" exited with ${r.status}\n`);
    process.exit(r.status ?? 1);
  }
}

readmodel('sandbox', 'up', '--only', 'kafka,opensearch');
readmodel('fixtures', 'publish', 'product-search', '--count', '500', '--seed', '7', '--partitions', '3', '--if-empty');
readmodel('rebuild', 'product-search', '--swap', '--no-tui');
readmodel('alias', 'show', 'product-search');

const query = {
  size: 5,
  query: {
    bool: {
      must: [{ match: { title: 'headphones' } }],
      filter: [{ term: { published: true } }, { terms: { availability: ['in_stock', 'low_stock'] } }],
    },
  },
  sort: [{ rankingScore: 'desc' }, { productId: 'asc' }],
  _source: ['productId', 'title', 'price', 'currency', 'rating', 'reviewCount', 'availability', 'rankingScore'],
};
process.stdout.write(`\n$ search product_search_current: published, available "headphones", best ranked first\n`);
const res = await fetch('http://127.0.0.1:19200/product_search_current/_search', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(query),
});
const body = await res.json();
if (!res.ok) {
  process.stderr.write(`query failed: ${JSON.stringify(body)}\n`);
  process.exit(1);
}
console.table(body.hits.hits.map((h) => h._source));
process.stdout.write(`${body.hits.total.value} matching products. Stop the services with: npm run sandbox:down\n`);
