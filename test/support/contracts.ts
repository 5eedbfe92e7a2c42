import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadContracts } from '../../src/app/load-contracts.js';
import { createEventValidator } from '../../src/core/contracts/event-validator.js';
import type { EventEnvelope } from '../../src/core/envelope.js';
import { productUpcasters } from '../../src/core/read-models/product-search/upcasters.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function productValidator() {
  return createEventValidator(await loadContracts(path.join(ROOT, 'contracts')), productUpcasters);
}

export function readFixtureEvents(model = 'product-search'): EventEnvelope[] {
  return readFileSync(path.join(ROOT, 'fixtures', model, 'events.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as EventEnvelope);
}

export interface InvalidFixture {
  file: string;
  reason: string;
  expect: { pointer: string; rule: string };
  event: unknown;
}

export function readInvalidFixtures(model = 'product-search'): InvalidFixture[] {
  const dir = path.join(ROOT, 'fixtures', model, 'invalid');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(path.join(dir, file), 'utf8')) }));
}
