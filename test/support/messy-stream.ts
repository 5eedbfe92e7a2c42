import type { EventEnvelope } from '../../src/core/envelope.js';
import { createSeededRandom } from '../../src/core/fixtures/seeded-random.js';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';

export interface MessyStream {
  events: EventEnvelope[];
  duplicates: number;
  staleRedeliveries: number;
  swapped: number;
}

/**
 * A long-lived catalogue stream made as messy as real delivery is: some events delivered twice in a
 * row, some delivered again much later (stale versions), some pairs of one aggregate's events swapped
 * (out of order). Keys stay the aggregate ids, so each aggregate's events keep this order in Kafka.
 */
export function messyProductStream(o: { seed: number; products: number; updates: number; idPrefix?: string }): MessyStream {
  const rnd = createSeededRandom(o.seed * 7919 + 17);
  const clean = [
    ...generateProductEvents({
      products: o.products,
      seed: o.seed,
      catalogue: 'long-lived',
      updates: o.updates,
      activeWindow: 8,
      ...(o.idPrefix ? { idPrefix: o.idPrefix } : {}),
    }),
  ].map((g) => g.envelope);
  const out: EventEnvelope[] = [];
  const later: Array<{ at: number; e: EventEnvelope }> = [];
  const lastIndexOf = new Map<string, number>();
  let duplicates = 0;
  let staleRedeliveries = 0;
  let swapped = 0;
  clean.forEach((e, i) => {
    for (const l of later.filter((x) => x.at === i)) out.push(l.e);
    const prev = lastIndexOf.get(e.aggregateId);
    // Out of order: this event overtakes its aggregate's previous one when nothing else came between.
    if (prev !== undefined && prev === out.length - 1 && rnd.chance(0.04)) {
      const before = out[prev]!;
      out[prev] = e;
      out.push(before);
      swapped++;
    } else out.push(e);
    lastIndexOf.set(e.aggregateId, out.length - 1);
    if (rnd.chance(0.05)) {
      out.push(structuredClone(e));
      duplicates++;
    }
    if (rnd.chance(0.05)) {
      later.push({ at: Math.min(clean.length, i + rnd.int(5, 400)), e: structuredClone(e) });
      staleRedeliveries++;
    }
  });
  for (const l of later.filter((x) => x.at >= clean.length)) out.push(l.e);
  return { events: out, duplicates, staleRedeliveries, swapped };
}
