import type { EventEnvelope } from '../envelope.js';
import type { Projection } from './projection.js';

/** An envelope whose `eventType` and `data` are narrowed to one event of a payload map. */
export type TypedEvent<TPayloads, K extends keyof TPayloads & string> = Omit<EventEnvelope, 'eventType' | 'data'> & {
  eventType: K;
  data: TPayloads[K];
};

/**
 * One fold step per event type a projection handles, keyed by that type. Each handler sees its own
 * payload type; it returns the next document, or null when the document must not exist.
 */
export type EventHandlers<TDoc extends object, TPayloads> = {
  [K in keyof TPayloads & string]: (doc: TDoc | null, event: TypedEvent<TPayloads, K>) => TDoc | null;
};

export interface ProjectionSpec<TDoc extends object, TPayloads> extends Omit<
  Projection<TDoc>,
  'handles' | 'apply' | 'documentId' | 'idIsAggregateId'
> {
  /** Defaults to the aggregate id: one document per aggregate. */
  documentId?: (event: EventEnvelope) => string;
  handlers: EventHandlers<TDoc, TPayloads>;
}

/**
 * Builds the engine's Projection from handlers keyed by event type: `handles` is the handlers' keys
 * (in declaration order), so the list of handled events and the fold can never drift apart. Payloads
 * arrive validated against the contracts and upcast to the newest version, which is what makes the
 * payload types trustworthy.
 */
export function defineProjection<TDoc extends object, TPayloads>(
  spec: ProjectionSpec<TDoc, TPayloads>,
): Projection<TDoc> & { handlers: EventHandlers<TDoc, TPayloads> } {
  const { handlers, documentId, ...rest } = spec;
  const byType = handlers as unknown as Record<string, (doc: TDoc | null, event: EventEnvelope) => TDoc | null>;
  return {
    ...rest,
    handlers,
    handles: Object.freeze(Object.keys(handlers)),
    documentId: documentId ?? ((e) => e.aggregateId),
    idIsAggregateId: documentId === undefined,
    apply(doc, event) {
      const handler = Object.hasOwn(byType, event.eventType) ? byType[event.eventType] : undefined;
      return handler ? handler(doc, event) : doc;
    },
  };
}
