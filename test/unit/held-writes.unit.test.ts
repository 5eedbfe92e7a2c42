import { describe, expect, it } from 'vitest';
import { createHeldWrites, heldOrigins } from '../../src/app/held-writes.js';
import type { EventEnvelope } from '../../src/core/envelope.js';
import type { RawRecord } from '../../src/core/ports/event-source.js';
import type { BulkWrite } from '../../src/core/ports/search-sink.js';
import type { DocState } from '../../src/core/projections/projection.js';

const event = (id: string, n: number) => ({ aggregateId: id, eventId: `e-${id}-${n}` }) as unknown as EventEnvelope;
const record = (partition: number, offset: number) => ({ topic: 't', partition, offset }) as unknown as RawRecord;
const index = (id: string, version: number): BulkWrite => ({ action: 'index', id, version, doc: { id, version } });
const del = (id: string, version: number): BulkWrite => ({ action: 'delete', id, version });
const state = (id: string, version: number, exists = true): DocState => ({ id, version, doc: exists ? { id, version } : null });
const hashOf = (id: string) => BigInt(id.length * 1000);

/** One batch to hold: its writes, the states before it, and one event per [id, offset]. */
function batch(writes: BulkWrite[], prior: Array<[string, DocState | undefined]>, offsets: Array<[string, number]>) {
  return {
    writes,
    states: new Map(writes.map((w) => [w.id, state(w.id, w.version, w.action === 'index')])),
    prior: new Map(prior),
    events: offsets.map(([id, off]) => event(id, off)),
    sources: offsets.map(([, off]) => record(0, off)),
    documentId: (e: EventEnvelope) => e.aggregateId,
    hashOf,
  };
}

describe('held writes: each changed document is sent once, with its final state', () => {
  it('a later batch replaces the held write; what it replaces in the index is the body before the first hold', () => {
    const held = createHeldWrites();
    held.hold(batch([index('p1', 3)], [['p1', state('p1', 2)]], [['p1', 10]]));
    held.hold(
      batch(
        [index('p1', 5)],
        [['p1', state('p1', 3)]],
        [
          ['p1', 20],
          ['p1', 21],
        ],
      ),
    );
    const [only, ...rest] = held.take();
    expect(rest).toEqual([]);
    expect(only!.write).toEqual(index('p1', 5));
    expect(only!.state.version).toBe(5);
    // The index holds the version-2 body: that hash leaves the checksum, not the held version 3's.
    expect(only!.replaces).toBe(hashOf('p1'));
    expect(heldOrigins(only!).map((o) => o.offset)).toEqual([10, 20, 21]);
    expect(held.size).toBe(0);
  });

  it('a document created and deleted while held is never sent; a delete of a stored one is', () => {
    const held = createHeldWrites();
    held.hold(
      batch(
        [index('new', 1), index('old', 4)],
        [
          ['new', undefined],
          ['old', state('old', 3)],
        ],
        [
          ['new', 1],
          ['old', 2],
        ],
      ),
    );
    const dropped = held.hold(
      batch(
        [del('new', 2), del('old', 5)],
        [
          ['new', state('new', 1)],
          ['old', state('old', 4)],
        ],
        [
          ['new', 3],
          ['old', 4],
        ],
      ),
    );
    expect(dropped).toEqual(['new']);
    const out = held.take();
    expect(out.map((h) => h.write)).toEqual([del('old', 5)]);
    expect(out[0]!.replaces).toBe(hashOf('old'));
  });

  it('keeps the order in which documents first changed, and at most 8 origins per document (the latest)', () => {
    const held = createHeldWrites();
    held.hold(
      batch(
        [index('a', 1), index('b', 1)],
        [],
        [
          ['a', 0],
          ['b', 1],
        ],
      ),
    );
    for (let n = 2; n < 60; n++) held.hold(batch([index('b', n)], [['b', state('b', n - 1)]], [['b', n]]));
    held.hold(batch([index('c', 1)], [], [['c', 99]]));
    const out = held.take();
    expect(out.map((h) => h.write.id)).toEqual(['a', 'b', 'c']);
    const b = heldOrigins(out[1]!);
    expect(b).toHaveLength(8);
    expect(b[b.length - 1]).toEqual({ topic: 't', partition: 0, offset: 59, eventId: 'e-b-59' });
    expect(b[0]!.offset).toBe(59 - 7);
  });
});
