import type { ContractViolation } from '../core/contracts/contract-types.js';
import type { EventValidator } from '../core/contracts/event-validator.js';
import type { EventEnvelope, EventPosition } from '../core/envelope.js';
import type { RawRecord } from '../core/ports/event-source.js';

export type Decoded =
  | { ok: true; envelope: EventEnvelope }
  /** `aggregateId` is set when the event itself is valid and only its key is wrong (rule `key`). */
  | { ok: false; violation: ContractViolation; position: EventPosition; aggregateId?: string };

export function positionOf(r: RawRecord): EventPosition {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: String(r.offset),
    timestamp: new Date(r.timestamp).toISOString(),
    key: r.key,
  };
}

/** Bytes to a validated, upcast envelope, or the precise reason it is not one (with its position). */
export function decodeRecord(r: RawRecord, validator: EventValidator): Decoded {
  // Positions are built only for failures: this runs once per event on the hot path.
  const fail = (violation: ContractViolation, aggregateId?: string): Decoded => ({
    ok: false,
    violation,
    position: positionOf(r),
    ...(aggregateId === undefined ? {} : { aggregateId }),
  });
  if (!r.value) return fail({ pointer: '/', rule: 'tombstone', message: 'record has no value' });
  let raw: unknown;
  try {
    raw = JSON.parse(r.value.toString('utf8'));
  } catch (e) {
    return fail({ pointer: '/', rule: 'json', message: `not JSON: ${(e as Error).message}` });
  }
  const v = validator.validate(raw);
  if (!v.ok) return fail(v.violation);
  // The key decides the partition and therefore the order of an aggregate's events; a null key lets
  // the producer spread an aggregate over partitions (no order) and hides the event from a partial
  // replay, which reads only the key's partition. Both are the same defect, in every command.
  if (r.key !== v.envelope.aggregateId) {
    return fail(
      {
        eventId: v.envelope.eventId,
        eventType: v.envelope.eventType,
        eventVersion: v.envelope.eventVersion,
        pointer: '/aggregateId',
        rule: 'key',
        message:
          r.key === null
            ? `Kafka key is null; it must be the aggregateId "${v.envelope.aggregateId}"`
            : `Kafka key "${r.key}" differs from aggregateId "${v.envelope.aggregateId}"`,
      },
      v.envelope.aggregateId,
    );
  }
  return { ok: true, envelope: v.envelope };
}
