import type { GeneratedEvent } from '../../fixtures/interleave-aggregates.js';
import { generateProductEvents } from './fixture-generator.js';

/** The generator settings behind the committed fixture set in fixtures/product-search/. */
export const PRODUCT_FIXTURE = { products: 12, seed: 42, activeWindow: 4 } as const;

/** The stream committed as fixtures/product-search/events.ndjson. */
export const committedProductFixtures = (): Iterable<GeneratedEvent> => generateProductEvents(PRODUCT_FIXTURE);
