import type { EventValidator } from '../core/contracts/event-validator.js';
import type { EventSource, PartitionRange } from '../core/ports/event-source.js';
import type { BulkWrite, SearchSink, StoredDoc } from '../core/ports/search-sink.js';
import { emptyCounters, silentProgress, type ProgressBus } from '../core/progress/progress-events.js';
import { foldEvent, type DocState, type Projection } from '../core/projections/projection.js';
import { documentHash } from '../core/rebuild/content-checksum.js';
import type { ShardCheckpoint } from '../core/rebuild/checkpoint.js';
import type { OnInvalid } from './batch-projector.js';
import { decodeBatch } from './decode-batch.js';
import type { UnlandedCut } from './restore-from-write-log.js';
import { createSkipLog } from './skip-log.js';

export interface RepairCutOptions {
  sink: SearchSink;
  source: EventSource;
  topic: string;
  index: string;
  projection: Projection<Record<string, unknown>>;
  validator: EventValidator;
  onInvalid: OnInvalid;
  /** The worker's planned ranges: a partition the checkpoint has no position for starts at its planned start. */
  planned: readonly PartitionRange[];
  /** The recorded checkpoint the cut came after. */
  checkpoint: ShardCheckpoint;
  unlanded: UnlandedCut;
  signal?: AbortSignal;
}

export type RepairedCut =
  | {
      ok: true;
      /** The partitions read again, with their offsets. */
      ranges: PartitionRange[];
      /** What the engine acknowledged writing, per document (undefined: deleted); any other must be read back. */
      written: Map<string, StoredDoc | undefined>;
    }
  /** Nothing was written: the fold did not give every document as logged (why says how). */
  | { ok: false; ranges: PartitionRange[]; why: string };

/**
 * repairCut, told to the operator: what the engine acknowledged writing, or undefined when the run
 * must continue from the checkpoint (the fold differed, or the repair failed: a warning says why).
 * Only states the log names were written, if any, so the checkpoint is still exact. An abort is rethrown.
 */
export async function repairOrFallBack(
  o: RepairCutOptions,
  progress: ProgressBus,
): Promise<Map<string, StoredDoc | undefined> | undefined> {
  const n = o.unlanded.documents.size;
  const warn = (why: string) =>
    progress.emit({
      type: 'log',
      level: 'warn',
      message: `${n} document(s) were being written when the last run stopped and were not repaired (${why}): continuing from the checkpoint`,
    });
  try {
    const r = await repairCut(o);
    if (!r.ok) {
      warn(r.why);
      return undefined;
    }
    const read = r.ranges.map((x) => `${x.partition}@${x.start}-${x.end}`).join(', ');
    progress.emit({
      type: 'log',
      level: 'info',
      message: `${n} document(s) were being written when the last run stopped: folded again from ${read} and written`,
    });
    return r.written;
  } catch (err) {
    if (o.signal?.aborted) throw err;
    warn(`the repair failed: ${(err as Error).message}`);
    return undefined;
  }
}

/**
 * What became of the last run's unlanded cut, once resumeState has decided, told to the operator:
 * left alone because most of its writes were missing, or repaired yet not as logged.
 */
export function reportCutOutcome(
  state: { unrepaired?: { missing: number; logged: number }; repaired?: boolean },
  progress: ProgressBus,
): void {
  if (state.unrepaired) {
    const { missing, logged } = state.unrepaired;
    progress.emit({
      type: 'log',
      level: 'info',
      message: `the last run died while sending the documents held up to its last cut (${missing} of ${logged} not written): the events since the checkpoint are read again, which costs less than folding those documents again`,
    });
  }
  if (state.repaired === false) {
    progress.emit({
      type: 'log',
      level: 'warn',
      message: 'the documents written again are not all as the last run logged them: continuing from the checkpoint',
    });
  }
}

/** Writes per bulk call (the sink still cuts each by bytes). */
const CHUNK = 1000;

/**
 * Writes the documents of a cut whose writes were in flight when the process died, so a resume can
 * continue from the cut instead of reading its partition again.
 *
 * Why the index stays exact whatever happens: only states the write log names are ever written. Each
 * missing document is in the index at its state at the checkpoint (or a later state of this fold) or
 * absent, and its events after that state lie between the checkpoint's positions and the cut's, read
 * here partition by partition as the run read them. Folding them onto what the index holds gives
 * the state the run logged; every final state is compared with the log (version and body hash)
 * before anything is sent, and if one differs (a record's key is not its document, history that
 * vanished, a fold that is not deterministic) nothing is written. A write the engine then refuses
 * leaves the document where it was. So the index holds, per document, a state of this fold, which is
 * all a resume from the checkpoint needs should the cut still not be usable.
 */
export async function repairCut(o: RepairCutOptions): Promise<RepairedCut> {
  const { checkpoint: cp, unlanded } = o;
  const ranges = o.planned
    .map((r) => ({
      partition: r.partition,
      start: Math.max(r.start, cp.positions[String(r.partition)] ?? r.start),
      end: Math.min(r.end, unlanded.cut.positions[String(r.partition)] ?? r.start),
    }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.partition - b.partition);
  const states = priorStates(unlanded, cp);
  const folded = await foldAgain(o, ranges, states);
  if (folded !== undefined) return { ok: false, ranges, why: folded };

  const writes: BulkWrite[] = [];
  for (const [id, want] of unlanded.expected) {
    const now = states.get(id);
    const got = now?.doc ? documentHash(id, now.doc).toString(16) : '';
    if (!now || now.version !== want.version || got !== want.hash) {
      return { ok: false, ranges, why: `document ${id} folds to version ${now?.version ?? 'none'}, the log says ${want.version}` };
    }
    writes.push(
      now.doc
        ? { action: 'index', id, version: now.version, doc: now.doc as Record<string, unknown> }
        : { action: 'delete', id, version: now.version },
    );
  }
  const written = new Map<string, StoredDoc | undefined>();
  for (let i = 0; i < writes.length; i += CHUNK) {
    const chunk = writes.slice(i, i + CHUNK);
    const outcome = await o.sink.bulk(o.index, chunk, o.signal ? { signal: o.signal } : {});
    // A write found stale or refused left its document as it was: that one is read back.
    if (outcome.stale > 0) continue;
    const refused = new Set(outcome.rejected.map((w) => w.id));
    for (const w of chunk) {
      if (!refused.has(w.id)) written.set(w.id, w.action === 'index' ? { id: w.id, version: w.version, doc: w.doc } : undefined);
    }
  }
  return { ok: true, ranges, written };
}

/** Each missing document's state before the events read again: what the index holds, the checkpoint's tombstone, or nothing. */
function priorStates(unlanded: UnlandedCut, cp: ShardCheckpoint): Map<string, DocState | undefined> {
  const tombstones = new Map(cp.tombstones);
  const states = new Map<string, DocState | undefined>();
  for (const [id, now] of unlanded.documents) {
    const deletedAt = tombstones.get(id);
    states.set(
      id,
      now ? { id, version: now.version, doc: now.doc } : deletedAt !== undefined ? { id, version: deletedAt, doc: null } : undefined,
    );
  }
  return states;
}

/** Folds the missing documents' events in `ranges` into `states`; returns why it could not, or undefined. */
async function foldAgain(
  o: RepairCutOptions,
  ranges: readonly PartitionRange[],
  states: Map<string, DocState | undefined>,
): Promise<string | undefined> {
  const counters = emptyCounters();
  const skips = createSkipLog(0);
  // Records keyed by their document are picked by key, undecoded; a wrong pick shows in the comparison.
  const byKey = o.projection.idIsAggregateId === true;
  for (const range of ranges) {
    for await (const records of o.source.readRanges({ topic: o.topic, ranges: [range], ...(o.signal ? { signal: o.signal } : {}) })) {
      const picked = byKey ? records.filter((r) => r.key !== null && states.has(r.key)) : records;
      if (picked.length === 0) continue;
      const decoded = decodeBatch(picked, {
        validator: o.validator,
        projection: o.projection,
        onInvalid: o.onInvalid,
        progress: silentProgress,
        parkInvalid: false,
        counters,
        skips,
      });
      if (decoded.invalid) return `an invalid event at ${range.partition}@${decoded.invalid.position.offset}`;
      for (const e of decoded.events) {
        const id = o.projection.documentId(e);
        if (!states.has(id)) continue;
        const { state } = foldEvent(o.projection, states.get(id), e);
        states.set(id, state);
      }
    }
  }
  return undefined;
}
