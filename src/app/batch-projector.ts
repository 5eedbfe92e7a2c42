import type { EventValidator } from '../core/contracts/event-validator.js';
import { ConflictError, ContractViolationError } from '../core/errors.js';
import type { DeadLetter } from '../core/ports/dead-letter-sink.js';
import type { RawRecord } from '../core/ports/event-source.js';
import type { EventEnvelope } from '../core/envelope.js';
import type { BulkWrite, SearchSink, StoredDoc } from '../core/ports/search-sink.js';
import { emptyCounters, type Counters, type ProgressBus } from '../core/progress/progress-events.js';
import { foldEvent, type DocState, type Projection } from '../core/projections/projection.js';
import type { SkippedEvent } from '../core/rebuild/run-manifest.js';
import type { DocStateCache } from './doc-state-cache.js';
import { decodeRecord } from './decode-record.js';
import { attributeRejections, emptyOutcome, rejectionError, rejectionLetters, rejectionSkips, screenWrites } from './rejected-writes.js';

export type OnInvalid = 'stop' | 'skip';

/** Ids per real-time read request, so a huge batch with a tiny cache never sends one giant _mget. */
const MGET_CHUNK = 1000;

export interface BatchProjectorOptions {
  projection: Projection<any>;
  validator: EventValidator;
  sink: SearchSink;
  /** Index or alias written to. */
  target: string;
  cache: DocStateCache;
  onInvalid: OnInvalid;
  /**
   * True when the target started empty and only this projector writes it: the projector then keeps a
   * ledger of every document's version (see the state design below), so its result is exact for any
   * batch and cache size, and checks every read against it.
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
  /** From now on others write the target too (after a cutover swap): newer state they wrote wins. */
  markShared(): void;
  /**
   * Documents the fold believes exist in the target: exact for an exclusive fresh target (compare it
   * with the index's count before marking a build complete); for a shared target, the net number of
   * documents this projector created minus those it deleted.
   */
  readonly documentCount: number;
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
  /**
   * Why a rebuild is exact whatever --batch-size and --cache-size are (the state design):
   * - A live document's body lives in the LRU (`cache`, bounded by --cache-size) or else in the
   *   target index itself, read back with a real-time _mget once every write in flight was
   *   acknowledged. The index is the state store; the LRU only saves reads.
   * - What the index cannot tell is kept here, for an exclusive fresh target: one entry per document
   *   id ever folded, `version * 2 + (exists ? 1 : 0)`. An _mget returns nothing for a deleted
   *   document (its tombstone's version is not readable) nor for one never created, yet the fold
   *   needs that version: without it a duplicate or stale event, or an update to a deleted product,
   *   is folded onto nothing and resurrects or corrupts the document. It also proves that an unknown
   *   id is absent without a read, and lets a read check that the index holds exactly what we wrote.
   * Memory: --cache-size document bodies + one batch's documents + one ledger entry per distinct
   * document id (measured ~55 bytes for an 8-character id, ~90 for a UUID: 6-9 MB per 100k
   * documents, 55-90 MB per 1M), whatever the number of events. Keeping every body instead would
   * cost their full size (1-2 KB each); pinning only the batch's ids would still lose deletes.
   * A shared target (the live consumer) has no ledger: others write it, so its states come from the
   * index every time, and the engine's version check plus history repair guard it.
   */
  const ledger: Map<string, number> | undefined = exclusive ? new Map() : undefined;
  let documentCount = 0;

  /** The state a read found, checked against the ledger when we have one. */
  const fromStore = (id: string, s: StoredDoc | undefined): DocState | undefined => {
    const known = ledger?.get(id);
    if (known === undefined) return s ? { id, version: s.version, doc: s.doc } : undefined;
    const version = Math.floor(known / 2);
    if (s && s.version === version) return { id, version, doc: s.doc };
    if (!exclusive) {
      // Since the swap others write the target: newer state there is theirs and correct; a document
      // gone from it was deleted by a newer event that our own stream will bring too.
      if (s && s.version > version) return { id, version: s.version, doc: s.doc };
      return { id, version, doc: null };
    }
    throw new ConflictError(`${o.target} does not hold what this run wrote: document ${id} should be at version ${version}, found ${s ? `version ${s.version}` : 'nothing'}`, {
      code: 'TARGET_CHANGED',
      context: { index: o.target, id, expectedVersion: version, ...(s ? { foundVersion: s.version } : {}) },
      suggestion: 'something else wrote or deleted documents in this index during the build (another rebuild, a replay, a manual request); make sure nothing else writes it and rebuild',
    });
  };

  /**
   * A skipped document is absent from now on, in the index as in the fold: a tombstone at its version
   * removes an older state the index may hold, and the ledger and count follow, so the next read of it
   * agrees with the ledger. Unless a later batch already moved the document on.
   */
  const forgetRejected = async (rejected: readonly { id: string; action: string; version: number }[]) => {
    // The live consumer keeps what the index holds: one refused update must not hide a product.
    if (!ledger) return;
    const gone = rejected.filter((w) => w.action === 'index' && ledger.get(w.id) === w.version * 2 + 1);
    if (gone.length === 0) return;
    await o.sink.bulk(o.target, gone.map((w) => ({ action: 'delete' as const, id: w.id, version: w.version })));
    for (const w of gone) {
      ledger.set(w.id, w.version * 2);
      if (o.cache.get(w.id)?.version === w.version) o.cache.delete(w.id);
      documentCount--;
    }
  };

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

    // The batch's working set: every state it touches, loaded once and folded here, never in the LRU,
    // so no eviction can lose what the batch is folding, whatever --batch-size and --cache-size are.
    const ids = [...new Set(events.map((e) => o.projection.documentId(e)))];
    const prior = new Map<string, DocState | undefined>();
    const toRead: string[] = [];
    for (const id of ids) {
      const known = ledger?.get(id);
      const cached = known === undefined || known % 2 === 1 ? o.cache.get(id) : undefined;
      if (cached) prior.set(id, cached);
      else if (ledger && known === undefined) prior.set(id, undefined); // never folded: absent from our own index
      else if (known !== undefined && known % 2 === 0) prior.set(id, { id, version: known / 2, doc: null });
      else toRead.push(id);
    }
    if (toRead.length > 0) {
      // Read-your-writes: what we are about to read may still be in a bulk request in flight.
      await waitAll();
      for (let i = 0; i < toRead.length; i += MGET_CHUNK) {
        const chunk = toRead.slice(i, i + MGET_CHUNK);
        const stored = await o.sink.getMany(o.target, chunk);
        for (const id of chunk) prior.set(id, fromStore(id, stored.get(id)));
      }
    }

    if (o.repairGaps) {
      const gaps: HistoryGap[] = [];
      const seen = new Set<string>();
      events.forEach((e, i) => {
        const id = o.projection.documentId(e);
        if (seen.has(id)) return;
        seen.add(id);
        const stored = prior.get(id)?.version ?? 0;
        if (e.aggregateVersion > stored + 1) {
          gaps.push({ id, aggregateId: e.aggregateId, partition: offsets[i]!.partition, beforeOffset: offsets[i]!.offset, storedVersion: stored });
        }
      });
      if (gaps.length > 0) {
        const repaired = await o.repairGaps(gaps);
        for (const g of gaps) {
          const r = repaired.get(g.id);
          if (r && r.version > g.storedVersion) prior.set(g.id, r);
        }
        o.progress.emit({ type: 'log', level: 'info', message: `repaired history of ${gaps.length} document(s) from Kafka` });
      }
    }

    const current = new Map(prior);
    for (const e of events) {
      const id = o.projection.documentId(e);
      const { state, outcome } = foldEvent(o.projection, current.get(id), e);
      if (outcome === 'applied') {
        counters.eventsApplied++;
        current.set(id, state!);
      } else if (outcome === 'stale') counters.eventsStale++;
      else counters.eventsIgnored++;
    }

    const writes: BulkWrite[] = [];
    for (const id of ids) {
      const was = prior.get(id);
      const now = current.get(id);
      if (now) {
        if (ledger) {
          ledger.set(id, now.version * 2 + (now.doc ? 1 : 0));
          if (now.doc) o.cache.set(id, now);
          else o.cache.delete(id);
        } else o.cache.set(id, now);
      }
      if (!now || now === was) continue;
      documentCount += (now.doc ? 1 : 0) - (was?.doc ? 1 : 0);
      if (now.doc) writes.push({ action: 'index', id, version: now.version, doc: now.doc as Record<string, unknown> });
      // A shared target may hold the document even where we saw none: delete it (a tombstone at worst).
      else if (was?.doc || !exclusive) writes.push({ action: 'delete', id, version: now.version });
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
          await forgetRejected(r.rejected);
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
    get documentCount() {
      return documentCount;
    },
  };
}
