// Regenerates the small committed fixture set. Run: npx tsx scripts/write-fixtures.ts
// The unit tests check that the committed files equal what the generator produces.
import { mkdir, writeFile } from 'node:fs/promises';
import { generateProductEvents } from '../src/core/read-models/product-search/fixture-generator.js';
import { PRODUCT_FIXTURE } from '../src/core/read-models/product-search/fixture-settings.js';

const valid = [...generateProductEvents(PRODUCT_FIXTURE)].map((g) => JSON.stringify(g.envelope));
await mkdir('fixtures/product-search/invalid', { recursive: true });
await writeFile('fixtures/product-search/events.ndjson', `${valid.join('\n')}\n`);
console.log(`wrote ${valid.length} valid events`);
