// Regenerates the committed fixture streams from each read model's seeded generator.
// Run: npx tsx scripts/write-fixtures.ts [model...]   (default: every model in the catalog)
// The unit tests check that each committed file equals what its generator produces. The invalid
// examples in fixtures/<model>/invalid/ are written by hand, one per rule they demonstrate.
import { mkdir, writeFile } from 'node:fs/promises';
import { builtInModels, findModel } from '../src/core/read-models/catalog.js';

const models = process.argv.length > 2 ? process.argv.slice(2).map((n) => findModel(n)) : builtInModels;
for (const model of models) {
  if (!model.committedFixtures) {
    console.log(`${model.name}: no committed fixture stream`);
    continue;
  }
  const valid = [...model.committedFixtures()].map((g) => JSON.stringify(g.envelope));
  await mkdir(`fixtures/${model.name}/invalid`, { recursive: true });
  await writeFile(`fixtures/${model.name}/events.ndjson`, `${valid.join('\n')}\n`);
  console.log(`${model.name}: wrote ${valid.length} valid events`);
}
