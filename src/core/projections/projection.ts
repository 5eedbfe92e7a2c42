import type { EventEnvelope } from '../envelope.js';

/**
 * A read model's projection: a pure fold from events to one document per id. No I/O, no clock, no
 * randomness, so a rebuild, the live consumer and a partial replay of the same events agree exactly.
 */
export interface Projection<TDoc extends object = Record<string, unknown>> {
  name: string;
  /** Bump when the fold changes; it is part of the rebuilt index's name hash. */
  version: number;
  aggregateType: string;
  /** Event types this projection folds (newest versions; older ones are upcast before they arrive). */
  handles: readonly string[];
  /** Event types it deliberately does not use; anything else is a contract/projection mismatch. */
  ignores?: readonly string[];
  /** A keyword field holding the document id: scans and diffs sort on it. */
  idField: string;
  documentId(event: EventEnvelope): string;
  /**
   * True when documentId is the aggregate id, which is also the record's key: a record's key then
   * names the document it changes before it is decoded.
   */
  idIsAggregateId?: boolean;
  /** Returns the next document, or null when the document must not exist (deleted / never created). */
  apply(current: TDoc | null, event: EventEnvelope): TDoc | null;
}

/** The fold's view of one document: its body (null when absent) and the last aggregate version seen. */
export interface DocState<TDoc extends object = Record<string, unknown>> {
  id: string;
  version: number;
  doc: TDoc | null;
}

export type FoldOutcome = 'applied' | 'stale' | 'ignored';

const VERSION_FIELD = 'lastAggregateVersion';
export const EVENT_TIME_FIELD = 'lastEventAt';

/**
 * Applies one event with the version guard every model gets for free: an event whose aggregate version
 * is not newer than what the document already reflects changes nothing, so replays are idempotent.
 */
export function foldEvent<TDoc extends object>(
  projection: Projection<TDoc>,
  state: DocState<TDoc> | undefined,
  event: EventEnvelope,
): { state: DocState<TDoc> | undefined; outcome: FoldOutcome } {
  if (!projection.handles.includes(event.eventType)) return { state, outcome: 'ignored' };
  if (state && event.aggregateVersion <= state.version) return { state, outcome: 'stale' };
  const id = state?.id ?? projection.documentId(event);
  const next = projection.apply(state?.doc ?? null, event);
  const doc = next === null ? null : ({ ...next, [VERSION_FIELD]: event.aggregateVersion, [EVENT_TIME_FIELD]: event.occurredAt } as TDoc);
  return { state: { id, version: event.aggregateVersion, doc }, outcome: 'applied' };
}

/** Folds a whole ordered stream from scratch; the reference every test and replay compares against. */
export function foldAll<TDoc extends object>(projection: Projection<TDoc>, events: Iterable<EventEnvelope>): Map<string, DocState<TDoc>> {
  const states = new Map<string, DocState<TDoc>>();
  for (const e of events) {
    if (!projection.handles.includes(e.eventType)) continue;
    const id = projection.documentId(e);
    const { state } = foldEvent(projection, states.get(id), e);
    if (state) states.set(id, state);
  }
  return states;
}
