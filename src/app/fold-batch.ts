import type { EventEnvelope } from '../core/envelope.js';
import type { BulkWrite } from '../core/ports/search-sink.js';
import { foldEvent, type DocState, type Projection } from '../core/projections/projection.js';

export interface FoldBatchInput {
  projection: Projection<any>;
  /** The batch's valid, handled events, in offset order per partition. */
  events: readonly EventEnvelope[];
  /** Every document the batch touches, in first-seen order, with its state before the batch (undefined: absent, never written). */
  prior: ReadonlyMap<string, DocState | undefined>;
  /** The target is written by this run only and started empty: a document we never saw is not in it. */
  exclusive: boolean;
}

export interface FoldBatchResult {
  applied: number;
  stale: number;
  ignored: number;
  /** Each touched document's state after the batch (absent: it never existed and still does not). */
  states: Map<string, DocState>;
  /** One write per document the batch changed: its final state, at its final version. */
  writes: BulkWrite[];
  /** Documents created minus documents deleted by these writes. */
  documentDelta: number;
}

/**
 * The fold of one batch and the writes it leads to, without I/O: every document is folded through
 * all of its events in order and written once, at the version of its last applied event, so the
 * engine's external version check refuses anything older.
 */
export function foldBatch(input: FoldBatchInput): FoldBatchResult {
  const { projection, events, prior, exclusive } = input;
  const result: FoldBatchResult = { applied: 0, stale: 0, ignored: 0, states: new Map(), writes: [], documentDelta: 0 };
  const current = new Map(prior);
  for (const e of events) {
    const id = projection.documentId(e);
    const { state, outcome } = foldEvent(projection, current.get(id), e);
    if (outcome === 'applied') {
      result.applied++;
      current.set(id, state!);
    } else if (outcome === 'stale') result.stale++;
    else result.ignored++;
  }
  for (const [id, was] of prior) {
    const now = current.get(id);
    if (!now) continue;
    result.states.set(id, now);
    if (now === was) continue;
    result.documentDelta += (now.doc ? 1 : 0) - (was?.doc ? 1 : 0);
    if (now.doc) result.writes.push({ action: 'index', id, version: now.version, doc: now.doc as Record<string, unknown> });
    // A shared target may hold the document even where we saw none: delete it (a tombstone at worst).
    else if (was?.doc || !exclusive) result.writes.push({ action: 'delete', id, version: now.version });
  }
  return result;
}
