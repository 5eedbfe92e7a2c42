import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAliasSwap } from '../../src/app/run-alias.js';
import { gatesFor } from '../../src/app/swap-gates.js';
import { createEventValidator } from '../../src/core/contracts/event-validator.js';
import { loadContracts } from '../../src/app/load-contracts.js';
import { createProgressBus } from '../../src/core/progress/progress-events.js';
import { foldAll } from '../../src/core/projections/projection.js';
import { orderHistoryProjection } from '../../src/core/read-models/order-history/projection.js';
import { aliasName } from '../../src/core/read-model.js';
import { ROOT, readFixtureEvents } from '../support/contracts.js';
import { isolatedOrderModel } from '../support/order-model.js';
import { allDocs, rebuild } from '../support/rebuild-helpers.js';
import { ENGINES, publishEvents, sinkFor } from '../support/services.js';

/** The reference: the committed events, validated like the engine does, folded by the pure projection. */
async function expectedDocs(events = readFixtureEvents('order-history')) {
  const v = createEventValidator(await loadContracts(path.join(ROOT, 'contracts')), []);
  const checked = events.map((e) => {
    const r = v.validate(e);
    if (!r.ok) throw new Error(`fixture invalid: ${JSON.stringify(r.violation)}`);
    return r.envelope;
  });
  const out = new Map<string, Record<string, unknown>>();
  for (const s of foldAll(orderHistoryProjection, checked).values()) {
    if (s.doc) out.set(s.id, s.doc as unknown as Record<string, unknown>);
  }
  return out;
}

describe.each(ENGINES)('rebuild order-history on %s (real Kafka and engine)', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  it('rebuilds with the unchanged engine, swaps the alias, and serves per-customer history newest first', async () => {
    const model = isolatedOrderModel();
    const events = readFixtureEvents('order-history');
    await publishEvents(model.topic, 3, events);

    const { outcome, manifest } = await rebuild(model, sink);
    expect(outcome).toBe('built');
    expect(manifest.index).toMatch(new RegExp(`^${model.indexBase}_v1_[0-9a-f]{10}$`));
    expect(manifest.projection).toEqual({ name: 'order-history', version: 1 });
    expect(manifest.counts).toMatchObject({ eventsRead: events.length, eventsApplied: events.length, eventsSkipped: 0, eventsStale: 0 });
    const expected = await expectedDocs(events);
    expect(expected.size).toBe(15);
    expect(manifest.counts!.documents).toBe(expected.size);

    // The smoke query gate runs against the new index before the alias moves.
    await runAliasSwap({ model, to: manifest.index, gates: gatesFor(model, undefined, sink) }, { sink, progress: createProgressBus() });
    const alias = aliasName(model);
    expect(await sink.aliasTargets(alias)).toEqual([manifest.index]);

    // Documents equal the pure fold of the events.
    expect(await allDocs(sink, alias, 'orderId')).toEqual(expected);

    // "All orders of customer X, newest first": a term query on customerId, sorted on placedAt.
    const docs = [...expected.values()];
    const perCustomer = new Map<string, Array<Record<string, unknown>>>();
    for (const d of docs) perCustomer.set(d.customerId as string, [...(perCustomer.get(d.customerId as string) ?? []), d]);
    expect([...perCustomer.values()].filter((os) => os.length >= 2).length).toBeGreaterThanOrEqual(3);
    for (const [customerId, orders] of perCustomer) {
      const r = await sink.search(alias, {
        query: { term: { customerId } },
        sort: [{ placedAt: 'desc' }, { orderId: 'asc' }],
        size: 100,
        track_total_hits: true,
      });
      const newestFirst = [...orders]
        .sort((a, b) => String(b.placedAt).localeCompare(String(a.placedAt)) || String(a.orderId).localeCompare(String(b.orderId)))
        .map((d) => d.orderId);
      expect(r.total, customerId).toBe(orders.length);
      expect(
        r.hits.map((h) => h.id),
        customerId,
      ).toEqual(newestFirst);
      expect(r.hits.every((h) => h.doc.customerId === customerId)).toBe(true);
    }

    // Free text within one customer's orders (searchText), and status filters, through the alias.
    const busiest = [...perCustomer.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
    const title = (busiest[1][0]!.lines as Array<{ title: string }>)[0]!.title;
    const word = title.split(' ').at(-1)!.toLowerCase();
    const withWord = busiest[1].filter((d) => String(d.searchText).toLowerCase().split(/\W+/).includes(word)).map((d) => d.orderId);
    const text = await sink.search(alias, {
      query: { bool: { filter: [{ term: { customerId: busiest[0] } }], must: [{ match: { searchText: word } }] } },
      size: 100,
      track_total_hits: true,
    });
    expect(new Set(text.hits.map((h) => h.id))).toEqual(new Set(withWord));
    const cancelled = docs.filter((d) => d.status === 'cancelled').map((d) => d.orderId);
    const c = await sink.search(alias, { query: { term: { status: 'cancelled' } }, size: 100, track_total_hits: true });
    expect(c.total).toBe(cancelled.length);
    expect(new Set(c.hits.map((h) => h.id))).toEqual(new Set(cancelled));
  });
});
