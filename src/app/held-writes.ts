import type { EventEnvelope } from '../core/envelope.js';
import type { RawRecord } from '../core/ports/event-source.js';
import type { BulkWrite } from '../core/ports/search-sink.js';
import type { DocState } from '../core/projections/projection.js';
import { originOf, type EventOrigin } from './rejected-writes.js';

/** Events remembered per held document, the latest ones: what a refusal names (a hot document keeps no more). */
const MAX_ORIGINS = 32;

/** A document's latest folded state, not sent yet: written once however many batches change it. */
export interface HeldWrite {
  write: BulkWrite;
  state: DocState;
  /**
   * The hash of the body the index holds, or will hold once a write in flight lands, that this write
   * replaces; undefined when the index holds no body for it (never written, or deleted).
   */
  replaces: bigint | undefined;
  origins: EventOrigin[];
}

export interface HeldWrites {
  /**
   * Holds each changed document's write in place of an earlier held one. A delete of a document the
   * index never held is dropped: nothing to send, the ledger already says it is gone.
   * Returns the ids dropped that way.
   */
  hold(
    writes: readonly BulkWrite[],
    states: ReadonlyMap<string, DocState>,
    prior: ReadonlyMap<string, DocState | undefined>,
    origins: ReadonlyMap<string, EventOrigin[]>,
    hashOf: (id: string, doc: Record<string, unknown>) => bigint,
  ): string[];
  /** Every held write, oldest first; the holder is empty afterwards. */
  take(): HeldWrite[];
  readonly size: number;
}

export function createHeldWrites(): HeldWrites {
  let held = new Map<string, HeldWrite>();
  return {
    hold(writes, states, prior, origins, hashOf) {
      const dropped: string[] = [];
      for (const w of writes) {
        const earlier = held.get(w.id);
        const was = prior.get(w.id);
        const replaces = earlier ? earlier.replaces : was?.doc ? hashOf(w.id, was.doc as Record<string, unknown>) : undefined;
        const seen = [...(earlier?.origins ?? []), ...(origins.get(w.id) ?? [])].slice(-MAX_ORIGINS);
        if (w.action === 'delete' && replaces === undefined) {
          held.delete(w.id);
          dropped.push(w.id);
          continue;
        }
        held.set(w.id, { write: w, state: states.get(w.id)!, replaces, origins: seen });
      }
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

/** The origins of the events behind each of the given documents, in batch order. */
export function originsByDocument(
  ids: ReadonlySet<string>,
  events: readonly EventEnvelope[],
  sources: readonly RawRecord[],
  documentId: (e: EventEnvelope) => string,
): Map<string, EventOrigin[]> {
  const out = new Map<string, EventOrigin[]>();
  events.forEach((e, i) => {
    const id = documentId(e);
    if (!ids.has(id)) return;
    let list = out.get(id);
    if (!list) out.set(id, (list = []));
    list.push(originOf(sources[i]!, e));
  });
  return out;
}
