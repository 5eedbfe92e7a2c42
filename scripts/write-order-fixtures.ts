// Regenerates the small committed order fixture set. Run: npx tsx scripts/write-order-fixtures.ts
// The unit tests check that the committed file equals what the generator produces. The invalid
// examples in fixtures/order-history/invalid/ are written by hand, one per rule they demonstrate.
import { mkdir, writeFile } from 'node:fs/promises';
import { generateOrderEvents } from '../src/core/read-models/order-history/fixture-generator.js';
import { ORDER_FIXTURE } from '../src/core/read-models/order-history/fixture-settings.js';

const valid = [...generateOrderEvents(ORDER_FIXTURE)].map((g) => JSON.stringify(g.envelope));
await mkdir('fixtures/order-history/invalid', { recursive: true });
await writeFile('fixtures/order-history/events.ndjson', `${valid.join('\n')}\n`);
console.log(`wrote ${valid.length} valid events`);
