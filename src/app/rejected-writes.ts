import { SinkRejectedError } from '../core/errors.js';
import type { EventEnvelope } from '../core/envelope.js';
import type { RawRecord } from '../core/ports/event-source.js';
import type { DeadLetter } from '../core/ports/dead-letter-sink.js';
import type { BulkOutcome, BulkWrite, RejectedWrite } from '../core/ports/search-sink.js';
import type { Projection } from '../core/projections/projection.js';
import type { SkippedEvent } from '../core/rebuild/run-manifest.js';

/** Both engines refuse a document id longer than this many UTF-8 bytes. */
export const MAX_ID_BYTES = 512;
const encoder = new TextEncoder();

/**
 * Splits off the writes the engines would refuse before sending them. An id over 512 bytes (a valid
 * aggregateId of 256 multi-byte characters can be 1,024) makes the engine refuse the WHOLE bulk request
 * (400 action_request_validation_exception), which would take every other document down with it; held
 * back here, it is one refused document handled under the --on-invalid policy like any other.
 */
export function screenWrites(writes: readonly BulkWrite[]): { sendable: BulkWrite[]; refused: RejectedWrite[] } {
  const sendable: BulkWrite[] = [];
  const refused: RejectedWrite[] = [];
  for (const w of writes) {
    const bytes = w.id.length * 3 > MAX_ID_BYTES ? encoder.encode(w.id).length : w.id.length;
    if (bytes > MAX_ID_BYTES) {
      refused.push({
        id: w.id,
        action: w.action,
        version: w.version,
        status: 400,
        reason: `document id is ${bytes} bytes long; the engines accept at most ${MAX_ID_BYTES}`,
      });
    } else sendable.push(w);
  }
  return { sendable, refused };
}

/** The outcome of a bulk of nothing (every write was held back). */
export function emptyOutcome(): BulkOutcome {
  return { written: 0, deleted: 0, stale: 0, retries: 0, throttled: 0, splits: 0, rejected: [], tookMs: 0 };
}

/** What the refusal error names besides the documents. */
export interface RejectedErrorContext {
  engine: string;
  node: string;
  target: string;
}

export interface RejectedContext extends RejectedErrorContext {
  projection: Projection<any>;
  /** The batch's events and, at the same index, the record each came from. */
  events: readonly EventEnvelope[];
  records: readonly RawRecord[];
}

/** Where an event that produced a document came from: enough to point an operator at it. */
export interface EventOrigin {
  topic: string;
  partition: number;
  offset: number;
  eventId: string;
}

export interface RejectedDocument {
  write: RejectedWrite;
  /** The events that produced the refused state, oldest first. */
  origins: EventOrigin[];
  /** Their records, when still at hand (a write sent with its batch): what a dead-letter topic parks. */
  records: RawRecord[];
}

const originOf = (r: RawRecord, e: EventEnvelope): EventOrigin => ({
  topic: r.topic,
  partition: r.partition,
  offset: r.offset,
  eventId: e.eventId,
});

/** Which of the batch's events made each refused document: what an operator must look at. */
export function attributeRejections(rejected: readonly RejectedWrite[], c: RejectedContext): RejectedDocument[] {
  const byId = new Map(rejected.map((w) => [w.id, { write: w, origins: [] as EventOrigin[], records: [] as RawRecord[] }]));
  c.events.forEach((e, i) => {
    const entry = byId.get(c.projection.documentId(e));
    if (entry) {
      entry.records.push(c.records[i]!);
      entry.origins.push(originOf(c.records[i]!, e));
    }
  });
  return [...byId.values()];
}

const where = (r: EventOrigin) => `${r.topic}/${r.partition}@${r.offset}`;

/** The error that stops a run on a refused document (`--on-invalid stop`). */
export function rejectionError(docs: readonly RejectedDocument[], c: RejectedErrorContext): SinkRejectedError {
  const first = docs[0]!;
  const positions = first.origins.map(where);
  const last = first.origins[first.origins.length - 1];
  return new SinkRejectedError(
    `${c.engine} rejected document ${first.write.id} (version ${first.write.version}) in ${c.target}: ${first.write.reason}` +
      (positions.length ? `; it was produced by the event(s) at ${positions.join(', ')}` : ''),
    {
      context: {
        node: c.node,
        index: c.target,
        id: first.write.id,
        version: first.write.version,
        status: first.write.status,
        reason: first.write.reason,
        ...(last ? { topic: last.topic, partition: last.partition, offset: last.offset } : {}),
        positions,
        eventIds: first.origins.map((e) => e.eventId),
        rejected: docs.length,
      },
      suggestion:
        'the event is valid but the document does not fit the index (e.g. a keyword over 32,766 bytes): fix the projection or the mapping ' +
        '(readmodel validate-contracts checks keyword fields fed by unbounded strings), or re-run with --on-invalid skip to record such documents and go on',
    },
  );
}

/** One manifest entry per refused document, at the last event that produced it. */
export function rejectionSkips(docs: readonly RejectedDocument[], c: Pick<RejectedContext, 'engine'>): SkippedEvent[] {
  return docs.map((d) => {
    const last = d.origins[d.origins.length - 1];
    const positions = d.origins.map((r) => `${r.partition}@${r.offset}`).join(', ');
    return {
      partition: last?.partition ?? -1,
      offset: last?.offset ?? -1,
      ...(last ? { eventId: last.eventId } : {}),
      reason: `document ${d.write.id} (version ${d.write.version}) rejected by ${c.engine} (${d.write.status}): ${d.write.reason}${positions ? `; events ${positions}` : ''}`,
    };
  });
}

/** What the live consumer parks in its dead-letter topic for refused documents: every record that made them. */
export function rejectionLetters(docs: readonly RejectedDocument[], c: Pick<RejectedContext, 'engine'>): DeadLetter[] {
  return docs.flatMap((d) =>
    d.records.map((record) => ({
      record,
      stage: 'sink' as const,
      reason: `document ${d.write.id} (version ${d.write.version}) rejected by ${c.engine} (${d.write.status}): ${d.write.reason}`,
      documentId: d.write.id,
    })),
  );
}
