import type { EventEnvelope } from '../core/envelope.js';
import type { RawRecord } from '../core/ports/event-source.js';
import type { BulkWrite } from '../core/ports/search-sink.js';
import type { DocState } from '../core/projections/projection.js';
import type { EventOrigin } from './rejected-writes.js';

/**
 * Events remembered per held document, the latest ones: what a refusal names (a hot document keeps
 * no more). Each outlives the young generation until the partition ends: at 5M events over 100k
 * products (~50 events per document per partition) 32 of them cost 22 MB of peak RSS and 11% of the
 * time against 8.
 */
const MAX_ORIGINS = 8;

/** A document's latest folded state, not sent yet: written once however many batches change it. */
export interface HeldWrite {
  write: BulkWrite;
  state: DocState;
  /**
   * The hash of the body the index holds, or will hold once a write in flight lands, that this write
   * replaces; undefined when the index holds no body for it (never written, or deleted).
   */
  replaces: bigint | undefined;
  /**
   * The events behind it, flat and without an object per event (a rebuild holds tens of thousands of
   * documents): `partition, offset` pairs in `positions`, the event ids in `eventIds`.
   */
  topic: string;
  positions: number[];
  eventIds: string[];
}

export interface HeldWrites {
  /**
   * Holds each changed document's write in place of an earlier held one, then notes which of the
   * batch's events produced it. A delete of a document the index never held is dropped: nothing to
   * send, the ledger already says it is gone. Returns the ids dropped that way.
   */
  hold(batch: {
    writes: readonly BulkWrite[];
    states: ReadonlyMap<string, DocState>;
    prior: ReadonlyMap<string, DocState | undefined>;
    events: readonly EventEnvelope[];
    sources: readonly RawRecord[];
    documentId: (e: EventEnvelope) => string;
    hashOf: (id: string, doc: Record<string, unknown>) => bigint;
  }): string[];
  /** Every held write, oldest first; the holder is empty afterwards. */
  take(): HeldWrite[];
  readonly size: number;
}

export function createHeldWrites(): HeldWrites {
  let held = new Map<string, HeldWrite>();
  return {
    hold(b) {
      const dropped: string[] = [];
      const touched = new Set<HeldWrite>();
      for (const w of b.writes) {
        const earlier = held.get(w.id);
        const was = b.prior.get(w.id);
        const replaces = earlier ? earlier.replaces : was?.doc ? b.hashOf(w.id, was.doc as Record<string, unknown>) : undefined;
        if (w.action === 'delete' && replaces === undefined) {
          held.delete(w.id);
          dropped.push(w.id);
          continue;
        }
        const h = earlier ?? { write: w, state: b.states.get(w.id)!, replaces, topic: '', positions: [], eventIds: [] };
        h.write = w;
        h.state = b.states.get(w.id)!;
        if (!earlier) held.set(w.id, h);
        touched.add(h);
      }
      b.events.forEach((e, i) => {
        const h = held.get(b.documentId(e));
        if (!h || !touched.has(h)) return;
        const r = b.sources[i]!;
        h.topic = r.topic;
        h.positions.push(r.partition, r.offset);
        h.eventIds.push(e.eventId);
        if (h.eventIds.length > MAX_ORIGINS) {
          h.eventIds.shift();
          h.positions.splice(0, 2);
        }
      });
      return dropped;
    },
    take() {
      const all = [...held.values()];
      held = new Map();
      return all;
    },
    get size() {
      return held.size;
    },
  };
}

/** The events behind a held write, as a refusal names them. */
export function heldOrigins(h: HeldWrite): EventOrigin[] {
  return h.eventIds.map((eventId, i) => ({ topic: h.topic, partition: h.positions[2 * i]!, offset: h.positions[2 * i + 1]!, eventId }));
}
