/**
 * The envelope every domain event travels in. Producers key Kafka messages by `aggregateId`, so all
 * events of one aggregate land in one partition, in order.
 */
export interface EventEnvelope<TData = Record<string, unknown>> {
  eventId: string;
  eventType: string;
  eventVersion: number;
  aggregateType: string;
  aggregateId: string;
  /** Strictly increasing per aggregate; the projection's idempotency guard relies on it. */
  aggregateVersion: number;
  occurredAt: string;
  data: TData;
  metadata?: Record<string, unknown>;
}

/** Where an event came from in Kafka; carried along so every error can point at the exact record. */
export interface EventPosition {
  topic: string;
  partition: number;
  offset: string;
  timestamp?: string;
  key?: string | null;
}
