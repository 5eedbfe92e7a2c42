import type { ContractViolation } from '../core/contracts/contract-types.js';
import type { EventValidator } from '../core/contracts/event-validator.js';
import type { EventEnvelope, EventPosition } from '../core/envelope.js';
import type { RawRecord } from '../core/ports/event-source.js';

export type Decoded = { ok: true; envelope: EventEnvelope } | { ok: false; violation: ContractViolation; position: EventPosition };

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
  const fail = (violation: ContractViolation): Decoded => ({ ok: false, violation, position: positionOf(r) });
  if (!r.value) return fail({ pointer: '/', rule: 'tombstone', message: 'record has no value' });
  let raw: unknown;
  try {
    raw = JSON.parse(r.value.toString('utf8'));
  } catch (e) {
    return fail({ pointer: '/', rule: 'json', message: `not JSON: ${(e as Error).message}` });
  }
  const v = validator.validate(raw);
  if (!v.ok) return fail(v.violation);
  // The key decides the partition and therefore the order of an aggregate's events.
  if (r.key !== null && r.key !== v.envelope.aggregateId) {
    return fail({
      eventId: v.envelope.eventId,
      eventType: v.envelope.eventType,
      eventVersion: v.envelope.eventVersion,
      pointer: '/aggregateId',
      rule: 'key',
      message: `Kafka key "${r.key}" differs from aggregateId "${v.envelope.aggregateId}"`,
    });
  }
  return { ok: true, envelope: v.envelope };
}
