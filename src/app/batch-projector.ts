import { ConflictError } from '../core/errors.js';
import type { EventValidator } from '../core/contracts/event-validator.js';
import type { EventEnvelope } from '../core/envelope.js';
import type { DeadLetter } from '../core/ports/dead-letter-sink.js';
import type { RawRecord } from '../core/ports/event-source.js';
import type { BulkOutcome, BulkWrite, SearchSink } from '../core/ports/search-sink.js';
import { emptyCounters, type Counters, type ProgressBus } from '../core/progress/progress-events.js';
import type { DocState, Projection } from '../core/projections/projection.js';
import { addHash, documentHash, EMPTY_SUM, type ChecksumSum } from '../core/rebuild/content-checksum.js';
import type { SkippedEvent } from '../core/rebuild/run-manifest.js';
import { loadBatchStates } from './batch-states.js';
import { decodeBatch, invalidEventError } from './decode-batch.js';
import type { DocStateCache } from './doc-state-cache.js';
import { foldBatch, type FoldBatchResult } from './fold-batch.js';
import { findHistoryGaps, type HistoryGap } from './history-gaps.js';
import { createHeldWrites, heldOrigins, type HeldWrite, type HeldWrites } from './held-writes.js';
import {
  attributeRejections,
  emptyOutcome,
  rejectionError,
  rejectionLetters,
  rejectionSkips,
  screenWrites,
  type RejectedDocument,
} from './rejected-writes.js';
import { createSkipLog, type SkipLog } from './skip-log.js';
import type { IntendedWrite } from './write-log.js';
import { createWriteQueue, type WriteQueue } from './write-queue.js';

export type { HistoryGap } from './history-gaps.js';

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
   * True when the target started empty and only this projector writes it: the projector then keeps a
   * ledger of every document's version (see the state design below), so its result is exact for any
   * batch and cache size, and checks every read against it.
   */
  exclusiveFreshTarget?: boolean;
  /** Bulk requests allowed in flight at once (pipelining); 1 = strictly sequential. */
  maxInFlight?: number;
  /**
   * Exclusive fresh target only: hold up to this many changed documents instead of writing each
   * batch's, so a document folded in many batches is written once, when flush() sends what is held
   * (at a checkpoint, the end of a partition, the end) or when this many are held. 0 or absent:
   * every batch's writes are sent at once.
   */
  holdWrites?: number;
  /**
   * The partition the topic's key partitioner gives a document id (Java's murmur2 over the topic's
   * partition count). With it, partitionDone() lets the ledger forget a finished partition's live
   * documents: the ledger then holds one partition's ids, not the topic's.
   */
  keyPartition?: (id: string) => number;
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
  /**
   * Continue a fold interrupted earlier (exclusive fresh target only): the ledger and checksum of
   * what the index holds now, and the counters and skips of the events before the checkpoint.
   */
  resume?: ProjectorResume;
  /**
   * Sharded rebuilds: whether a document id belongs to the partition its event came from. An event
   * whose id is placed elsewhere would let two shards fold the same document: refused.
   */
  idBelongs?: (id: string, partition: number) => boolean;
  /**
   * Held writes only: records the ids about to be sent, with the hash each replaces, before they are
   * sent (a resume reads back only those, see restore-from-write-log). Returns the record's sequence
   * number and when it is durable; the writes wait for it.
   */
  logWrites?: (writes: readonly IntendedWrite[], cut?: LoggedCut) => { seq: number; recorded: Promise<void> };
}

/** A cut recorded with the writes it sends: where the fold stands once every one of them has landed. */
export interface LoggedCut {
  snapshot: ProjectorSnapshot;
  /** Where each partition's reading continues (the caller's positions at the cut). */
  positions: ReadonlyMap<number, number>;
}

export interface ProjectorResume {
  ledger: Map<string, number>;
  sum: ChecksumSum;
  counters: Counters;
  skipped: readonly SkippedEvent[];
  skippedNotListed: number;
}

/** What a checkpoint needs from the fold: taken only once every write was acknowledged. */
export interface ProjectorSnapshot {
  counters: Counters;
  /** The checksum of what the index holds (exclusive target): every write acknowledged so far. */
  sum: ChecksumSum;
  /** Deleted documents and their versions: the one part of the ledger the index cannot give back. */
  tombstones: [string, number][];
  skipped: SkippedEvent[];
  skippedNotListed: number;
  /** The last write-log record sent before the snapshot (logWrites): the checkpoint covers it and every earlier one. */
  writeLogSeq?: number;
}

export interface BatchProjector {
  /** Projects one batch of records (in offset order per partition) and queues its writes. */
  process(records: readonly RawRecord[]): Promise<void>;
  /** Waits for every queued write to be acknowledged. */
  flush(): Promise<void>;
  /** Waits for the writes already queued to be acknowledged, sending nothing held; throws the first failure. */
  settled(): Promise<void>;
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
  /** The checksum of every document written (exclusive target), computed from the writes, not read back. */
  readonly checksum: ChecksumSum;
  /** The fold's resumable state; call after flush(). */
  snapshot(): ProjectorSnapshot;
  /**
   * Partition `p` is read to its end (exclusive target, keyPartition given): the ledger forgets the
   * live documents the key partitioner places in it. Their bodies and versions are in the index (or
   * in flight), so should an event for one come later (a producer with its own partitioner, a
   * catch-up round) it is read back like any document out of the LRU; deleted ones stay in the ledger.
   */
  partitionDone(p: number): void;
  /**
   * A checkpoint without waiting: sends what is held and takes the snapshot now, while the fold goes
   * on. `acknowledged` resolves true once every write up to here is acknowledged and the snapshot
   * still stands (false if a refused document changed the fold's accounting meanwhile: take a later
   * one); it rejects if a write failed. With `positions`, the cut is recorded in the write log with its
   * writes (logWrites), so a resume can start from it once they all landed, even if its checkpoint never was.
   */
  cut(positions?: ReadonlyMap<number, number>): { snapshot: ProjectorSnapshot; acknowledged: Promise<boolean> };
}

/** What one projector keeps between batches. */
interface ProjectorRun {
  o: BatchProjectorOptions;
  counters: Counters;
  skips: SkipLog;
  queue: WriteQueue;
  /** Per-id `version * 2 + (exists ? 1 : 0)`, for an exclusive fresh target only (see the state design). */
  ledger: Map<string, number> | undefined;
  /** The latest state of each document whose write is held or not acknowledged yet (read-your-writes without waiting). */
  unacknowledged: Map<string, DocState>;
  /** Changed documents not sent yet (holdWrites): each written once however many batches change it. */
  held: HeldWrites;
  holdLimit: number;
  /** Partitions whose live documents the ledger forgot (partitionDone): an id placed there is read, not assumed absent. */
  released: Set<number>;
  exclusive: boolean;
  documentCount: number;
  /** The checksum as written: the sum of the hashes of the documents the index holds (exclusive target). */
  sum: ChecksumSum;
  lastBulkLatencyMs: number;
  /** Refused documents handled so far: a cut taken before one no longer describes the fold. */
  rejections: number;
  /** The last write-log record handed out (logWrites). */
  writeLogSeq: number | undefined;
}

/** Document hashes by body object: a body kept in the LRU is hashed once, not again when it is replaced. */
const hashes = new WeakMap<object, bigint>();

function hashOf(id: string, doc: Record<string, unknown>): bigint {
  let h = hashes.get(doc);
  if (h === undefined) {
    h = documentHash(id, doc);
    hashes.set(doc, h);
  }
  return h;
}

/**
 * The heart shared by rebuild, the live consumer and partial replay: decode and validate, fold each
 * document's events in order (so a document is written once per batch), and write with the aggregate
 * version as an external version so nothing older can ever overwrite something newer.
 */
export function createBatchProjector(o: BatchProjectorOptions): BatchProjector {
  const exclusive = Boolean(o.exclusiveFreshTarget);
  /**
   * Why a rebuild is exact whatever --batch-size and --cache-size are (the state design):
   * - A live document's body lives in the LRU (`cache`, bounded by --cache-size) or else in the
   *   target index itself, read back with a real-time _mget. A document whose write is still in flight
   *   is never read: its state is kept (`unacknowledged`) until the bulk is acknowledged, so reads do
   *   not wait for writes. The index is the state store; the LRU only saves reads.
   * - What the index cannot tell is kept here, for an exclusive fresh target: one entry per document
   *   id ever folded, `version * 2 + (exists ? 1 : 0)`. An _mget returns nothing for a deleted
   *   document (its tombstone's version is not readable) nor for one never created, yet the fold
   *   needs that version: without it a duplicate or stale event, or an update to a deleted product,
   *   is folded onto nothing and resurrects or corrupts the document. It also proves that an unknown
   *   id is absent without a read, and lets a read check that the index holds exactly what we wrote.
   * Memory: --cache-size document bodies + the documents of the batches in flight + one ledger entry per distinct
   * document id (measured ~55 bytes for an 8-character id, ~90 for a UUID: 6-9 MB per 100k
   * documents, 55-90 MB per 1M), whatever the number of events. Keeping every body instead would
   * cost their full size (1-2 KB each); pinning only the batch's ids would still lose deletes.
   * A shared target (the live consumer) has no ledger: others write it, so its states come from the
   * index every time, and the engine's version check plus history repair guard it.
   */
  const r = exclusive ? o.resume : undefined;
  const skips = createSkipLog(o.maxSkippedListed ?? 1000);
  for (const e of r?.skipped ?? []) skips.add(e);
  const run: ProjectorRun = {
    o,
    counters: r ? { ...r.counters } : emptyCounters(),
    skips,
    queue: createWriteQueue(Math.max(1, o.maxInFlight ?? 2)),
    ledger: exclusive ? (r?.ledger ?? new Map()) : undefined,
    unacknowledged: new Map(),
    held: createHeldWrites(),
    released: new Set(),
    holdLimit: exclusive ? Math.max(0, o.holdWrites ?? 0) : 0,
    exclusive,
    documentCount: r?.sum.count ?? 0,
    sum: r?.sum ?? EMPTY_SUM,
    lastBulkLatencyMs: 0,
    rejections: 0,
    writeLogSeq: undefined,
  };
  if (r) run.skips.notListedBase(r.skippedNotListed);
  return {
    process: (records) => processBatch(run, records),
    flush: async () => {
      sendHeld(run);
      await run.queue.settle();
    },
    settled: () => run.queue.settle(),
    counters: run.counters,
    skipped: run.skips.listed,
    get skippedNotListed() {
      return run.skips.notListed;
    },
    get lastBulkLatencyMs() {
      return run.lastBulkLatencyMs;
    },
    markShared() {
      // Held writes belong to the exclusive phase: a shared target is written batch by batch.
      if (run.held.size > 0) throw new Error('markShared() with writes held: flush() first');
      run.exclusive = false;
      run.holdLimit = 0;
    },
    get documentCount() {
      return run.documentCount;
    },
    get checksum() {
      return run.sum;
    },
    snapshot: () => snapshotOf(run),
    partitionDone(p) {
      const { ledger } = run;
      const place = o.keyPartition;
      if (!ledger || !place || !run.exclusive) return;
      run.released.add(p);
      // The LRU only saves reads: the next partition's documents are others, so its bodies would only take memory.
      o.cache.clear();
      for (const [id, v] of ledger) if (v % 2 === 1 && place(id) === p) ledger.delete(id);
    },
    cut(positions) {
      const taken = takeHeld(run);
      const snapshot = snapshotOf(run);
      sendTaken(run, taken, positions ? { snapshot, positions } : undefined);
      if (run.writeLogSeq !== undefined) snapshot.writeLogSeq = run.writeLogSeq;
      const rejections = run.rejections;
      return { snapshot, acknowledged: run.queue.settle().then(() => run.rejections === rejections) };
    },
  };
}

function snapshotOf(run: ProjectorRun): ProjectorSnapshot {
  const tombstones: [string, number][] = [];
  for (const [id, v] of run.ledger ?? []) if (v % 2 === 0) tombstones.push([id, v / 2]);
  return {
    counters: { ...run.counters },
    sum: run.sum,
    tombstones,
    skipped: [...run.skips.listed],
    skippedNotListed: run.skips.notListed,
    ...(run.writeLogSeq !== undefined ? { writeLogSeq: run.writeLogSeq } : {}),
  };
}

/** decode/validate -> load states -> repair gaps -> fold -> remember -> queue the writes. */
async function processBatch(run: ProjectorRun, records: readonly RawRecord[]): Promise<void> {
  const { o } = run;
  run.queue.check();
  const decoded = decodeBatch(records, {
    validator: o.validator,
    projection: o.projection,
    onInvalid: o.onInvalid,
    progress: o.progress,
    parkInvalid: Boolean(o.deadLetter),
    counters: run.counters,
    skips: run.skips,
  });
  if (decoded.invalid) {
    await run.queue.settle().catch(() => undefined);
    throw invalidEventError(decoded.invalid);
  }
  if (decoded.letters.length > 0) await o.deadLetter!(decoded.letters);
  const { events, sources } = decoded;
  if (events.length === 0) return;
  if (o.idBelongs) checkPartitioning(o, events, sources);

  // The batch's working set: every state it touches, loaded once and folded here, never in the LRU,
  // so no eviction can lose what the batch is folding, whatever --batch-size and --cache-size are.
  const ids = [...new Set(events.map((e) => o.projection.documentId(e)))];
  const prior = await loadBatchStates(ids, {
    sink: o.sink,
    target: o.target,
    cache: o.cache,
    ledger: run.ledger,
    ...(run.released.size > 0 ? { forgotten: (id: string) => forgotten(run, id) } : {}),
    exclusive: run.exclusive,
    unacknowledged: run.unacknowledged,
  });
  if (o.repairGaps) await repairGaps(run, o.repairGaps, events, sources, prior);

  const fold = foldBatch({ projection: o.projection, events, prior, exclusive: run.exclusive });
  remember(run, fold, prior);
  if (fold.writes.length === 0) return;
  const writing = holdUnacknowledged(run, fold);
  if (holding(run)) {
    // Held: the states are readable (unacknowledged) until sent and acknowledged, with their own bulk.
    const documentId = (e: EventEnvelope) => o.projection.documentId(e);
    const dropped = run.held.hold({ writes: fold.writes, states: fold.states, prior, events, sources, documentId, hashOf });
    // A delete of a document the index never held is not sent: the ledger alone says it is gone.
    for (const id of dropped) run.unacknowledged.delete(id);
    if (run.held.size >= run.holdLimit) {
      // One set of held documents out at a time: memory stays within two sets (one sent, one held)
      // however many documents a partition changes, at the cost of a wait when the engine is slower.
      await run.queue.settle();
      sendHeld(run);
    }
    return;
  }
  await run.queue.whenRoom();
  const ctx = rejectionContext(run);
  queueWrites(run, fold.writes, (rejected) => attributeRejections(rejected, { ...ctx, events, records: sources }), writing);
}

const holding = (run: ProjectorRun) => run.exclusive && run.holdLimit > 0;

/** Whether the ledger forgot this id with its finished partition (partitionDone): then only the index knows it. */
const forgotten = (run: ProjectorRun, id: string) => run.released.size > 0 && run.released.has(run.o.keyPartition!(id));

/** Writes per bulk call when sending held documents (the sink still cuts each by bytes). */
const HELD_CHUNK = 1000;

/**
 * Queues every held write, in the order the documents first changed, and moves the checksum as
 * written: each write's replaced body out, its new body in. Only final states are hashed. Nothing
 * waits here: the writes go out in the background, so the fold goes on while they are indexed, in
 * chunks with at most maxInFlight requests at once, each chunk serialized only when its turn comes
 * (a partition's documents are not held twice, as objects and as request bodies).
 */
function sendHeld(run: ProjectorRun): void {
  sendTaken(run, takeHeld(run));
}

/** Takes every held write and moves the checksum as written to what the index holds once they land. */
function takeHeld(run: ProjectorRun): HeldWrite[] {
  if (run.held.size === 0) return [];
  const all = run.held.take();
  for (const h of all) {
    if (h.replaces !== undefined) run.sum = addHash(run.sum, h.replaces, -1);
    if (h.write.action === 'index') run.sum = addHash(run.sum, hashOf(h.write.id, h.write.doc));
  }
  return all;
}

function sendTaken(run: ProjectorRun, taken: HeldWrite[], cut?: LoggedCut): void {
  // A cut with nothing left to send (the partition's last documents went out in a part) is still recorded.
  // Only while the build is ours alone: after a cutover swap nothing is held and nothing is checkpointed.
  if (taken.length === 0 && !(cut && run.o.logWrites && run.exclusive)) return;
  const all: Array<HeldWrite | undefined> = taken;
  // Recorded before anything is sent: a resume then knows every document that may have changed.
  const logged = run.o.logWrites?.(
    taken.map((h) => ({
      id: h.write.id,
      replaces: h.replaces,
      hash: h.write.action === 'index' ? hashOf(h.write.id, h.write.doc) : undefined,
      version: h.state.version,
    })),
    cut,
  );
  if (logged) run.writeLogSeq = logged.seq;
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < all.length) {
      const from = next;
      const chunk = all.slice(from, (next += HELD_CHUNK)) as HeldWrite[];
      // Let go of them here: once acknowledged, a partition's documents are garbage chunk by chunk.
      all.fill(undefined, from, next);
      await writeOut(
        run,
        chunk.map((h) => h.write),
        (rejected) => heldRejections(rejected, chunk),
        chunk.map((h) => [h.write.id, h.state] as [string, DocState]),
      ).catch((err: unknown) => {
        failed = true;
        throw err;
      });
    }
  };
  const lanes = async () => {
    await logged?.recorded;
    await Promise.all(Array.from({ length: Math.max(1, run.o.maxInFlight ?? 2) }, lane));
  };
  run.queue.add(lanes());
}

/** Refused held writes, each with the events that produced it (their records are gone by now). */
function heldRejections(rejected: BulkOutcome['rejected'], chunk: readonly HeldWrite[]): RejectedDocument[] {
  const byId = new Map(chunk.map((h) => [h.write.id, h]));
  return rejected.map((w) => {
    const h = byId.get(w.id);
    return { write: w, origins: h ? heldOrigins(h) : [], records: [] };
  });
}

function rejectionContext(run: ProjectorRun) {
  const { o } = run;
  return { engine: o.sink.engine, node: o.sink.node, target: o.target, projection: o.projection };
}

/** Marks the batch's written states as unacknowledged until their bulk (and its rejection handling) is done. */
function holdUnacknowledged(run: ProjectorRun, fold: FoldBatchResult): Array<[string, DocState]> {
  const writing: Array<[string, DocState]> = [];
  for (const w of fold.writes) {
    const state = fold.states.get(w.id)!;
    run.unacknowledged.set(w.id, state);
    writing.push([w.id, state]);
  }
  return writing;
}

/** A later batch may have written the document again meanwhile: only our own entry is released. */
function releaseUnacknowledged(run: ProjectorRun, writing: ReadonlyArray<[string, DocState]>): void {
  for (const [id, state] of writing) if (run.unacknowledged.get(id) === state) run.unacknowledged.delete(id);
}

async function repairGaps(
  run: ProjectorRun,
  repair: NonNullable<BatchProjectorOptions['repairGaps']>,
  events: readonly EventEnvelope[],
  sources: readonly RawRecord[],
  prior: Map<string, DocState | undefined>,
): Promise<void> {
  const gaps = findHistoryGaps(events, sources, prior, (e) => run.o.projection.documentId(e));
  if (gaps.length === 0) return;
  const repaired = await repair(gaps);
  for (const g of gaps) {
    const r = repaired.get(g.id);
    if (r && r.version > g.storedVersion) prior.set(g.id, r);
  }
  run.o.progress.emit({ type: 'log', level: 'info', message: `repaired history of ${gaps.length} document(s) from Kafka` });
}

/** Refuses an event whose document id the topic's partitioner places in another partition (sharded rebuilds). */
function checkPartitioning(o: BatchProjectorOptions, events: readonly EventEnvelope[], sources: readonly RawRecord[]): void {
  for (let i = 0; i < events.length; i++) {
    const id = o.projection.documentId(events[i]!);
    const r = sources[i]!;
    if (o.idBelongs!(id, r.partition)) continue;
    throw new ConflictError(
      `event ${events[i]!.eventId} at ${r.topic}/${r.partition}@${r.offset} is for document ${id}, which the topic's key partitioner places in another partition`,
      {
        code: 'NOT_PARTITIONED_BY_ID',
        context: { topic: r.topic, partition: r.partition, offset: r.offset, documentId: id },
        suggestion:
          "a sharded rebuild needs every document's events in one partition (records keyed by the document id, Java's default partitioner); nothing was marked complete. Rebuild this model without --shard/--partitions",
      },
    );
  }
}

/**
 * Counts the fold and keeps its states: in the ledger and LRU (exclusive target) or the LRU alone
 * (shared). On an exclusive target it also moves the checksum as written: each changed document's
 * old body (known to the fold: from the LRU or read from the index) out, its new body in.
 */
function remember(run: ProjectorRun, fold: FoldBatchResult, prior: ReadonlyMap<string, DocState | undefined>): void {
  const { counters, ledger } = run;
  const { cache } = run.o;
  counters.eventsApplied += fold.applied;
  counters.eventsStale += fold.stale;
  counters.eventsIgnored += fold.ignored;
  for (const [id, now] of fold.states) {
    if (ledger) {
      const was = prior.get(id);
      // Held writes move the checksum when sent, from final states only.
      if (now !== was && run.exclusive && !holding(run)) {
        if (was?.doc) run.sum = addHash(run.sum, hashOf(id, was.doc as Record<string, unknown>), -1);
        if (now.doc) run.sum = addHash(run.sum, hashOf(id, now.doc as Record<string, unknown>));
      }
      ledger.set(id, now.version * 2 + (now.doc ? 1 : 0));
      if (now.doc) cache.set(id, now);
      else cache.delete(id);
    } else cache.set(id, now);
  }
  run.documentCount += fold.documentDelta;
}

/** Sends the batch's writes as one bulk in the background (up to maxInFlight at once). */
function queueWrites(
  run: ProjectorRun,
  writes: BulkWrite[],
  attribute: (rejected: BulkOutcome['rejected']) => RejectedDocument[],
  writing: ReadonlyArray<[string, DocState]>,
): void {
  run.queue.add(writeOut(run, writes, attribute, writing));
}

/** One bulk call and its accounting; the states it writes stay readable (unacknowledged) until it is done. */
function writeOut(
  run: ProjectorRun,
  writes: BulkWrite[],
  attribute: (rejected: BulkOutcome['rejected']) => RejectedDocument[],
  writing: ReadonlyArray<[string, DocState]>,
): Promise<void> {
  const { o } = run;
  const started = Date.now();
  const { sendable, refused } = screenWrites(writes);
  const sent = sendable.length ? o.sink.bulk(o.target, sendable, o.signal ? { signal: o.signal } : {}) : Promise.resolve(emptyOutcome());
  return sent
    .then(async (outcome) => {
      const r = refused.length ? { ...outcome, rejected: [...refused, ...outcome.rejected] } : outcome;
      run.counters.retries += r.retries;
      run.counters.throttled += r.throttled;
      run.counters.splits += r.splits;
      if (r.rejected.length > 0) await handleRejected(run, r.rejected, attribute(r.rejected), writes);
      run.counters.docsWritten += r.written;
      run.counters.docsDeleted += r.deleted;
      run.lastBulkLatencyMs = Date.now() - started;
    })
    .finally(() => releaseUnacknowledged(run, writing));
}

/** A valid event whose document the engine refuses is handled like an invalid event. */
async function handleRejected(
  run: ProjectorRun,
  rejected: BulkOutcome['rejected'],
  docs: RejectedDocument[],
  writes: readonly BulkWrite[],
): Promise<void> {
  const { o } = run;
  const ctx = rejectionContext(run);
  run.rejections++;
  if (o.onInvalid === 'stop') throw rejectionError(docs, ctx);
  run.counters.docsRejected += docs.length;
  for (const entry of rejectionSkips(docs, ctx)) {
    run.skips.add(entry);
    o.progress.emit({ type: 'log', level: 'warn', message: `skipped: ${entry.reason}` });
  }
  if (o.deadLetter) await o.deadLetter(rejectionLetters(docs, ctx));
  await forgetRejected(run, rejected, writes);
}

/**
 * A skipped document is absent from now on, in the index as in the fold: a tombstone at its version
 * removes an older state the index may hold, and the ledger and count follow, so the next read of it
 * agrees with the ledger. Unless a later batch already moved the document on.
 */
async function forgetRejected(
  run: ProjectorRun,
  rejected: readonly { id: string; action: string; version: number }[],
  writes: readonly BulkWrite[],
): Promise<void> {
  const { ledger, o } = run;
  // The live consumer keeps what the index holds: one refused update must not hide a product.
  if (!ledger) return;
  const gone = rejected.filter((w) => {
    const v = ledger.get(w.id);
    return w.action === 'index' && (v === undefined ? forgotten(run, w.id) : v === w.version * 2 + 1);
  });
  if (gone.length === 0) return;
  await o.sink.bulk(
    o.target,
    gone.map((w) => ({ action: 'delete' as const, id: w.id, version: w.version })),
  );
  const bodies = new Map(writes.flatMap((w) => (w.action === 'index' ? [[w.id, w.doc] as const] : [])));
  for (const w of gone) {
    const body = bodies.get(w.id);
    if (body && run.exclusive) run.sum = addHash(run.sum, hashOf(w.id, body), -1);
    ledger.set(w.id, w.version * 2);
    if (o.cache.get(w.id)?.version === w.version) o.cache.delete(w.id);
    run.documentCount--;
  }
}
