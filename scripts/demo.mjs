// The main job on the embedded default, end to end: start the local sandbox, publish fixture events,
// rebuild product-search into a fresh index, swap the alias, query through it, and say what to try next.
// Run with: npm run demo   (safe to re-run: publishing and rebuilding are idempotent)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/readmodel.js');

// Printed so it can be pasted into a shell: `price<250` unquoted would be a redirection.
const shellWord = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

function readmodel(...args) {
  process.stdout.write(`\n$ readmodel ${args.map(shellWord).join(' ')}\n`);
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

// The read model's query side: a faceted query through the alias (free text, filters, sort, facets).
const facetedQuery = [
  ...['query', 'product-search', '--text', 'headphones', '--filter', 'published=true', '--filter', 'availability=in_stock'],
  ...['--filter', 'price<250', '--sort', '-rankingScore', '--limit', '5'],
];
readmodel(...facetedQuery);

// Autocomplete through the alias: what a search box asks for after a few keystrokes.
readmodel('suggest', 'product-search', 'wirel', '--limit', '5');

process.stdout.write(`
What to try next:
  readmodel query product-search --filter categoryPath=Electronics/Audio --sort price --limit 10
                                                drill into a category; --json for scripts
  readmodel suggest product-search "acme sma"   autocomplete on titles and categories
  readmodel get product-search p042             one document: version, last event, the build it lives in
  readmodel lag product-search                  how far a live consumer is behind
                                                (start one with: readmodel consume product-search)
  readmodel alias show product-search           builds, the alias and its swap history
  readmodel diff product-search --to <index>    compare the live index with another build, field by field
  readmodel alias rollback product-search       back to the previous build (after a second swap)
Stop the services with: npm run sandbox:down
`);
