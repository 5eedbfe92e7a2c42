import { describe, expect, it } from 'vitest';
import { foldBatch } from '../../src/app/fold-batch.js';
import type { EventEnvelope } from '../../src/core/envelope.js';
import { foldAll, type DocState, type Projection } from '../../src/core/projections/projection.js';

/** A tiny counter model: Created makes a document, Bumped adds to it, Removed deletes it. */
const counter: Projection<{ id: string; n: number }> = {
  name: 'counter',
  version: 1,
  aggregateType: 'Counter',
  handles: ['Created', 'Bumped', 'Removed'],
  idField: 'id',
  documentId: (e) => e.aggregateId,
  apply(current, e) {
    if (e.eventType === 'Created') return { id: e.aggregateId, n: 0 };
    if (e.eventType === 'Removed') return null;
    return current ? { ...current, n: current.n + (e.data.by as number) } : null;
  },
};

const ev = (aggregateId: string, aggregateVersion: number, eventType: string, by = 1): EventEnvelope => ({
  eventId: `${aggregateId}-${aggregateVersion}`,
  eventType,
  eventVersion: 1,
  aggregateType: 'Counter',
  aggregateId,
  aggregateVersion,
  occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, aggregateVersion)).toISOString(),
  data: { by },
});

const priorOf = (events: readonly EventEnvelope[], known: Record<string, DocState | undefined> = {}) =>
  new Map([...new Set(events.map((e) => e.aggregateId))].map((id) => [id, known[id]] as const));

describe('foldBatch: one batch folded to its writes, without a search engine', () => {
  it('writes each changed document once, at the version of its last applied event, in first-seen order', () => {
    const events = [
      ev('b', 1, 'Created'),
      ev('a', 1, 'Created'),
      ev('b', 2, 'Bumped', 5),
      ev('a', 2, 'Bumped', 2),
      ev('b', 3, 'Bumped', 1),
    ];
    const r = foldBatch({ projection: counter, events, prior: priorOf(events), exclusive: true });
    expect(r.writes.map((w) => [w.action, w.id, w.version])).toEqual([
      ['index', 'b', 3],
      ['index', 'a', 2],
    ]);
    const reference = foldAll(counter, events);
    for (const w of r.writes) expect(w.action === 'index' && w.doc).toEqual(reference.get(w.id)!.doc);
    expect(r.applied).toBe(5);
    expect(r.documentDelta).toBe(2);
    expect([...r.states.keys()]).toEqual(['b', 'a']);
  });

  it('counts duplicates and older events as stale and writes nothing for a document they do not change', () => {
    const stored: DocState = { id: 'a', version: 3, doc: { id: 'a', n: 7, lastAggregateVersion: 3 } };
    const events = [ev('a', 2, 'Bumped'), ev('a', 3, 'Bumped')];
    const r = foldBatch({ projection: counter, events, prior: priorOf(events, { a: stored }), exclusive: true });
    expect(r.stale).toBe(2);
    expect(r.applied).toBe(0);
    expect(r.writes).toEqual([]);
    expect(r.states.get('a')).toBe(stored);
    expect(r.documentDelta).toBe(0);
  });

  it('deletes a document that existed; in an exclusive target a document never created needs no delete', () => {
    const stored: DocState = { id: 'a', version: 1, doc: { id: 'a', n: 0 } };
    const events = [ev('a', 2, 'Removed'), ev('c', 1, 'Created'), ev('c', 2, 'Removed')];
    const r = foldBatch({ projection: counter, events, prior: priorOf(events, { a: stored }), exclusive: true });
    expect(r.writes).toEqual([{ action: 'delete', id: 'a', version: 2 }]);
    expect(r.states.get('c')).toEqual({ id: 'c', version: 2, doc: null });
    expect(r.documentDelta).toBe(-1);
  });

  it('a shared target gets a delete even for a document this run never saw (others may have written it)', () => {
    const events = [ev('c', 1, 'Created'), ev('c', 2, 'Removed')];
    const r = foldBatch({ projection: counter, events, prior: priorOf(events), exclusive: false });
    expect(r.writes).toEqual([{ action: 'delete', id: 'c', version: 2 }]);
    expect(r.documentDelta).toBe(0);
  });

  it('an update to a deleted document stays deleted and is not written again', () => {
    const tombstone: DocState = { id: 'a', version: 4, doc: null };
    const events = [ev('a', 5, 'Bumped', 3)];
    const r = foldBatch({ projection: counter, events, prior: priorOf(events, { a: tombstone }), exclusive: true });
    expect(r.applied).toBe(1);
    expect(r.states.get('a')).toEqual({ id: 'a', version: 5, doc: null });
    expect(r.writes).toEqual([]);
  });

  it('leaves its inputs alone and gives the same result for the same input', () => {
    const stored: DocState = { id: 'a', version: 1, doc: { id: 'a', n: 1 } };
    const events = [ev('a', 2, 'Bumped', 2), ev('b', 1, 'Created')];
    const prior = priorOf(events, { a: stored });
    const first = foldBatch({ projection: counter, events, prior, exclusive: true });
    expect(prior.get('a')).toBe(stored);
    expect(stored.doc).toEqual({ id: 'a', n: 1 });
    expect(foldBatch({ projection: counter, events, prior, exclusive: true })).toEqual(first);
  });
});
