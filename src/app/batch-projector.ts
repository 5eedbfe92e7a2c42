import type { EventValidator } from '../core/contracts/event-validator.js';
import { ContractViolationError } from '../core/errors.js';
import type { DeadLetter } from '../core/ports/dead-letter-sink.js';
import type { RawRecord } from '../core/ports/event-source.js';
import type { EventEnvelope } from '../core/envelope.js';
import type { BulkWrite, SearchSink } from '../core/ports/search-sink.js';
import { emptyCounters, type Counters, type ProgressBus } from '../core/progress/progress-events.js';
import { foldEvent, type DocState, type Projection } from '../core/projections/projection.js';
import type { SkippedEvent } from '../core/rebuild/run-manifest.js';
import type { DocStateCache } from './doc-state-cache.js';
import { decodeRecord } from './decode-record.js';
import { attributeRejections, emptyOutcome, rejectionError, rejectionLetters, rejectionSkips, screenWrites } from './rejected-writes.js';

export type OnInvalid = 'stop' | 'skip';

export interface BatchProjectorOptions {
  projection: Projection<any>;
  validator: EventValidator;
  sink: SearchSink;
  /** Index or alias written to. */
  target: string;
  cache: DocStateCache;
  onInvalid: OnInvalid;
  /**
   * True when the target started empty and only this projector writes it: a cache miss then proves
   * the document is absent until the cache first evicts, which saves a read per batch.
   */
  exclusiveFreshTarget?: boolean;
  /** Bulk requests allowed in flight at once (pipelining); 1 = strictly sequential. */
  maxInFlight?: number;
  progress: ProgressBus;
  signal?: AbortSignal;
  /** Keep at most this many skipped events in the report; the rest are only counted. */
  maxSkippedListed?: number;
  /**
   * Called when a stored document is missing history: the batch's first event of an aggregate is
   * not the next version after the stored one. Returns each aggregate's state folded from the source
   * up to (not including) that event. The live consumer needs it at a cutover: events it wrote to the
   * old index just before the swap are not yet in the new one, and folding on top of the new index's
   * older state would write a wrong document under a correct version.
   */
  repairGaps?: (gaps: readonly HistoryGap[]) => Promise<Map<string, DocState>>;
  /**
   * Under `skip`, where skipped records go besides the report (the live consumer's dead-letter topic).
   * Awaited before the batch counts as written, so no offset is committed past an unparked record.
   */
  deadLetter?: (letters: readonly DeadLetter[]) => Promise<void>;
}

export interface HistoryGap {
  id: string;
  aggregateId: string;
  partition: number;
  /** Fold the aggregate's events strictly before this offset. */
  beforeOffset: number;
  storedVersion: number;
}

export interface BatchProjector {
  /** Projects one batch of records (in offset order per partition) and queues its writes. */
  process(records: readonly RawRecord[]): Promise<void>;
  /** Waits for every queued write to be acknowledged. */
  flush(): Promise<void>;
  readonly counters: Counters;
  readonly skipped: SkippedEvent[];
  readonly skippedNotListed: number;
  readonly lastBulkLatencyMs: number;
  /** From now on others write the target too (after a cutover swap): misses are read, not assumed absent. */
  markShared(): void;
}

/**
 * The heart shared by rebuild, the live consumer and partial replay: decode and validate, fold each
 * document's events in order (so a document is written once per batch), and write with the aggregate
 * version as an external version so nothing older can ever overwrite something newer.
 */
export function createBatchProjector(o: BatchProjectorOptions): BatchProjector {
  const counters: Counters = emptyCounters();
  const skipped: SkippedEvent[] = [];
  let skippedNotListed = 0;
  let lastBulkLatencyMs = 0;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const maxInFlight = Math.max(1, o.maxInFlight ?? 2);
  const listCap = o.maxSkippedListed ?? 1000;
  let exclusive = Boolean(o.exclusiveFreshTarget);

  const waitAll = async () => {
    await Promise.all(inFlight);
    if (failure) throw failure;
  };

  async function process(records: readonly RawRecord[]) {
    if (failure) throw failure;
    const events: EventEnvelope[] = [];
    const offsets: RawRecord[] = [];
    const letters: DeadLetter[] = [];
    for (const r of records) {
      counters.eventsRead++;
      const d = decodeRecord(r, o.validator);
      if (!d.ok) {
        counters.eventsInvalid++;
        o.progress.emit({ type: 'invalid', position: d.position, violation: d.violation, action: o.onInvalid });
        if (o.onInvalid === 'stop') {
          await waitAll().catch(() => undefined);
          const v = d.violation;
          throw new ContractViolationError(
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
        if (skipped.length < listCap) {
          skipped.push({
            partition: d.position.partition,
            offset: Number(d.position.offset),
            ...(d.violation.eventId ? { eventId: d.violation.eventId } : {}),
            reason: `${d.violation.pointer} ${d.violation.rule}: ${d.violation.message}`,
          });
        } else skippedNotListed++;
        if (o.deadLetter) letters.push({ record: r, stage: 'contract', reason: `${d.violation.pointer} ${d.violation.rule}: ${d.violation.message}` });
        continue;
      }
      if (!o.projection.handles.includes(d.envelope.eventType)) {
        counters.eventsIgnored++;
        continue;
      }
      events.push(d.envelope);
      offsets.push(r);
    }
    if (letters.length > 0) await o.deadLetter!(letters);
    if (events.length === 0) return;

    const ids = [...new Set(events.map((e) => o.projection.documentId(e)))];
    const missing = ids.filter((id) => !o.cache.has(id));
    if (missing.length > 0 && !(exclusive && !o.cache.evicted)) {
      // Read-your-writes: what we are about to read may still be in a bulk request in flight.
      await waitAll();
      const stored = await o.sink.getMany(o.target, missing);
      for (const id of missing) {
        const s = stored.get(id);
        if (s) o.cache.set(id, { id, version: s.version, doc: s.doc });
      }
    }

    if (o.repairGaps) {
      const gaps: HistoryGap[] = [];
      const seen = new Set<string>();
      events.forEach((e, i) => {
        const id = o.projection.documentId(e);
        if (seen.has(id)) return;
        seen.add(id);
        const stored = o.cache.get(id)?.version ?? 0;
        if (e.aggregateVersion > stored + 1) {
          gaps.push({ id, aggregateId: e.aggregateId, partition: offsets[i]!.partition, beforeOffset: offsets[i]!.offset, storedVersion: stored });
        }
      });
      if (gaps.length > 0) {
        const repaired = await o.repairGaps(gaps);
        for (const g of gaps) {
          const r = repaired.get(g.id);
          if (r && r.version > g.storedVersion) o.cache.set(g.id, r);
        }
        o.progress.emit({ type: 'log', level: 'info', message: `repaired history of ${gaps.length} document(s) from Kafka` });
      }
    }

    const before = new Map<string, DocState | undefined>();
    for (const e of events) {
      const id = o.projection.documentId(e);
      const current = o.cache.get(id);
      if (!before.has(id)) before.set(id, current);
      const { state, outcome } = foldEvent(o.projection, current, e);
      if (outcome === 'applied') {
        counters.eventsApplied++;
        o.cache.set(id, state!);
      } else if (outcome === 'stale') counters.eventsStale++;
      else counters.eventsIgnored++;
    }

    const writes: BulkWrite[] = [];
    for (const [id, prior] of before) {
      const now = o.cache.get(id);
      if (!now || now === prior) continue;
      if (now.doc) writes.push({ action: 'index', id, version: now.version, doc: now.doc as Record<string, unknown> });
      // A shared target may hold the document even where we saw none: delete it (a tombstone at worst).
      else if (prior?.doc || !exclusive) writes.push({ action: 'delete', id, version: now.version });
    }
    if (writes.length === 0) return;

    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    if (failure) throw failure;
    const started = Date.now();
    const { sendable, refused } = screenWrites(writes);
    const p: Promise<void> = (sendable.length ? o.sink.bulk(o.target, sendable, o.signal ? { signal: o.signal } : {}) : Promise.resolve(emptyOutcome()))
      .then(async (sent) => {
        const r = refused.length ? { ...sent, rejected: [...refused, ...sent.rejected] } : sent;
        counters.retries += r.retries;
        counters.throttled += r.throttled;
        counters.splits += r.splits;
        if (r.rejected.length > 0) {
          // A valid event whose document the engine refuses is handled like an invalid event.
          const ctx = { engine: o.sink.engine, node: o.sink.node, target: o.target, projection: o.projection, events, records: offsets };
          const docs = attributeRejections(r.rejected, ctx);
          if (o.onInvalid === 'stop') throw rejectionError(docs, ctx);
          counters.docsRejected += docs.length;
          for (const entry of rejectionSkips(docs, ctx)) {
            if (skipped.length < listCap) skipped.push(entry);
            else skippedNotListed++;
            o.progress.emit({ type: 'log', level: 'warn', message: `skipped: ${entry.reason}` });
          }
          if (o.deadLetter) await o.deadLetter(rejectionLetters(docs, ctx));
        }
        counters.docsWritten += r.written;
        counters.docsDeleted += r.deleted;
        lastBulkLatencyMs = Date.now() - started;
      })
      .catch((err) => {
        failure ??= err;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }

  return {
    process,
    flush: waitAll,
    counters,
    skipped,
    get skippedNotListed() {
      return skippedNotListed;
    },
    get lastBulkLatencyMs() {
      return lastBulkLatencyMs;
    },
    markShared() {
      exclusive = false;
    },
  };
}
