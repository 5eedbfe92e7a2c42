import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInModels } from '../../src/core/read-models/catalog.js';
import { ROOT } from '../support/contracts.js';

describe('committed fixtures', () => {
  for (const model of builtInModels) {
    it(`fixtures/${model.name}/events.ndjson is exactly the stream its seeded generator yields`, () => {
      expect(model.committedFixtures, `${model.name} declares its committed fixture stream`).toBeTypeOf('function');
      const committed = readFileSync(path.join(ROOT, 'fixtures', model.name, 'events.ndjson'), 'utf8');
      const regenerated = [...model.committedFixtures!()].map((g) => `${JSON.stringify(g.envelope)}\n`).join('');
      expect(regenerated).toBe(committed);
    });
  }
});
