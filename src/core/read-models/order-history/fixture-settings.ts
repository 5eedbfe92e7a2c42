import type { GeneratedEvent } from '../../fixtures/interleave-aggregates.js';
import { generateOrderEvents } from './fixture-generator.js';

/** The generator settings behind the committed fixture set in fixtures/order-history/. */
export const ORDER_FIXTURE = { orders: 15, seed: 13, activeWindow: 4 } as const;

/** The stream committed as fixtures/order-history/events.ndjson. */
export const committedOrderFixtures = (): Iterable<GeneratedEvent> => generateOrderEvents(ORDER_FIXTURE);
