import type { EventValidator } from '../core/contracts/event-validator.js';
import type { EventEnvelope } from '../core/envelope.js';
import { ContractViolationError } from '../core/errors.js';
import type { DeadLetter } from '../core/ports/dead-letter-sink.js';
import type { RawRecord } from '../core/ports/event-source.js';
import type { Counters, ProgressBus } from '../core/progress/progress-events.js';
import type { Projection } from '../core/projections/projection.js';
import { decodeRecord, type Decoded } from './decode-record.js';
import type { SkipLog } from './skip-log.js';

export type InvalidRecord = Extract<Decoded, { ok: false }>;

export interface DecodeBatchOptions {
  validator: EventValidator;
  projection: Pick<Projection<any>, 'handles'>;
  onInvalid: 'stop' | 'skip';
  progress: ProgressBus;
  /** Collect dead letters for skipped records (only when someone parks them). */
  parkInvalid: boolean;
  counters: Counters;
  skips: SkipLog;
}

export interface DecodedBatch {
  /** The valid events the projection handles, in record order. */
  events: EventEnvelope[];
  /** The record each event came from (same index). */
  sources: RawRecord[];
  letters: DeadLetter[];
  /** Under `stop`: the first invalid record; decoding stopped there. */
  invalid?: InvalidRecord;
}

/** Decodes, validates and upcasts a batch; counts, reports and (under `skip`) records every invalid record. */
export function decodeBatch(records: readonly RawRecord[], o: DecodeBatchOptions): DecodedBatch {
  const out: DecodedBatch = { events: [], sources: [], letters: [] };
  for (const r of records) {
    o.counters.eventsRead++;
    const d = decodeRecord(r, o.validator);
    if (!d.ok) {
      o.counters.eventsInvalid++;
      o.progress.emit({ type: 'invalid', position: d.position, violation: d.violation, action: o.onInvalid });
      if (o.onInvalid === 'stop') return { ...out, invalid: d };
      const reason = `${d.violation.pointer} ${d.violation.rule}: ${d.violation.message}`;
      o.skips.add({
        partition: d.position.partition,
        offset: Number(d.position.offset),
        ...(d.violation.eventId ? { eventId: d.violation.eventId } : {}),
        reason,
      });
      if (o.parkInvalid) out.letters.push({ record: r, stage: 'contract', reason });
      continue;
    }
    if (!o.projection.handles.includes(d.envelope.eventType)) {
      o.counters.eventsIgnored++;
      continue;
    }
    out.events.push(d.envelope);
    out.sources.push(r);
  }
  return out;
}

export function invalidEventError(d: InvalidRecord): ContractViolationError {
  const v = d.violation;
  return new ContractViolationError(
    `invalid event at ${d.position.topic}/${d.position.partition}@${d.position.offset}: ${v.pointer} ${v.message} (rule: ${v.rule})`,
    {
      context: {
        topic: d.position.topic,
        partition: d.position.partition,
        offset: Number(d.position.offset),
        eventId: v.eventId,
        eventType: v.eventType,
        eventVersion: v.eventVersion,
        pointer: v.pointer,
        rule: v.rule,
        schema: v.schemaFile,
      },
      suggestion: 'fix the producer or the contract; or re-run with --on-invalid skip to record and skip such events',
    },
  );
}
