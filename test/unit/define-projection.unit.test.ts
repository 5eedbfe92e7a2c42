import { describe, expect, it } from 'vitest';
import { defineProjection } from '../../src/core/projections/define-projection.js';
import { foldEvent } from '../../src/core/projections/projection.js';
import type { EventEnvelope } from '../../src/core/envelope.js';

interface Counter {
  n: number;
}
const counter = defineProjection<Counter, { Added: { by: number }; Reset: Record<string, never> }>({
  name: 'counter',
  version: 1,
  aggregateType: 'Counter',
  idField: 'id',
  handlers: {
    Added: (doc, e) => ({ n: (doc?.n ?? 0) + e.data.by }),
    Reset: () => null,
  },
});

const ev = (eventType: string, aggregateVersion: number, data: Record<string, unknown> = {}): EventEnvelope => ({
  eventId: `00000000-0000-4000-8000-00000000000${aggregateVersion}`,
  eventType,
  eventVersion: 1,
  aggregateType: 'Counter',
  aggregateId: 'c1',
  aggregateVersion,
  occurredAt: '2026-03-01T10:00:00.000Z',
  data,
});

describe('defineProjection', () => {
  it('derives what it handles from the handler keys, in declaration order', () => {
    expect(counter.handles).toEqual(['Added', 'Reset']);
  });

  it('dispatches each event to its handler; the document id defaults to the aggregate id', () => {
    expect(counter.documentId(ev('Added', 1))).toBe('c1');
    const one = foldEvent(counter, undefined, ev('Added', 1, { by: 2 }));
    const two = foldEvent(counter, one.state, ev('Added', 2, { by: 3 }));
    expect(two.state?.doc).toMatchObject({ n: 5 });
    expect(foldEvent(counter, two.state, ev('Reset', 3)).state).toEqual({ id: 'c1', version: 3, doc: null });
  });

  it('an event type without a handler (even an Object.prototype name) is not handled and changes nothing', () => {
    expect(foldEvent(counter, undefined, ev('toString', 1)).outcome).toBe('ignored');
    expect(counter.apply({ n: 1 }, ev('constructor', 1))).toEqual({ n: 1 });
  });
});
