import type { EventValidator } from '../core/contracts/event-validator.js';
import type { EventSource, PartitionRange, RawRecord } from '../core/ports/event-source.js';
import type { SearchSink, StoredDoc } from '../core/ports/search-sink.js';
import { emptyCounters, silentProgress } from '../core/progress/progress-events.js';
import { EMPTY_SUM } from '../core/rebuild/content-checksum.js';
import type { ShardCheckpoint } from '../core/rebuild/checkpoint.js';
import { createBatchProjector, type BatchProjectorOptions, type OnInvalid } from './batch-projector.js';
import { createDocStateCache } from './doc-state-cache.js';
import { replayRanges } from './replay-ranges.js';
import type { UnlandedCut } from './restore-from-write-log.js';

export interface RepairedCut {
  /** The partitions read again, with their offsets. */
  ranges: PartitionRange[];
  /** What the engine acknowledged writing, per document (undefined: deleted); any other document must be read back. */
  written: Map<string, StoredDoc | undefined>;
}

export interface RepairCutOptions {
  sink: SearchSink;
  source: EventSource;
  topic: string;
  index: string;
  projection: BatchProjectorOptions['projection'];
  validator: EventValidator;
  onInvalid: OnInvalid;
  batchSize: number;
  /** The worker's planned ranges: a partition the checkpoint has no position for starts at its planned start. */
  planned: readonly PartitionRange[];
  /** The recorded checkpoint the cut came after. */
  checkpoint: ShardCheckpoint;
  unlanded: UnlandedCut;
  signal?: AbortSignal;
}

/**
 * Writes the documents of a cut whose writes were in flight when the process died, so a resume can
 * continue from the cut instead of folding its partition again (at a partition's end that is the whole
 * partition).
 *
 * Why this is exact: each such document is in the index at its state at the checkpoint (or a later
 * state of the same fold) or absent, and every event after that state lies between the checkpoint's
 * positions and the cut's. Folding those events onto what the index holds skips the ones it already
 * reflects (their versions are not newer) and applies the rest as the interrupted run did, so the
 * document is written as logged. The events are read and validated as the run read them; only these
 * documents are folded and written, under the same version guard. The caller checks what was written
 * (acknowledged writes as sent, anything else read back) and uses the cut only if every document is
 * in the index exactly as logged.
 */
export async function repairCut(o: RepairCutOptions): Promise<RepairedCut> {
  const { checkpoint: cp, unlanded } = o;
  const ranges = o.planned
    .map((r) => ({
      partition: r.partition,
      start: Math.max(r.start, cp.positions[String(r.partition)] ?? r.start),
      end: Math.min(r.end, unlanded.cut.positions[String(r.partition)] ?? r.start),
    }))
    .filter((r) => r.end > r.start);
  // The fold's view of these documents: what the index holds, or the checkpoint's tombstone, or absent.
  const ledger = new Map<string, number>();
  const tombstones = new Map(cp.tombstones);
  for (const [id, now] of unlanded.documents) {
    const deletedAt = tombstones.get(id);
    if (now) ledger.set(id, now.version * 2 + 1);
    else if (deletedAt !== undefined) ledger.set(id, deletedAt * 2);
  }
  const only = new Set(unlanded.documents.keys());
  const written = new Map<string, StoredDoc | undefined>();
  const projector = createBatchProjector({
    projection: o.projection,
    validator: o.validator,
    sink: o.sink,
    target: o.index,
    cache: createDocStateCache(0),
    onInvalid: o.onInvalid,
    exclusiveFreshTarget: true,
    holdWrites: unlanded.documents.size,
    progress: silentProgress,
    only,
    acknowledged: (writes, outcome) => {
      // A write the engine found stale or refused may not be in the index as sent: those are read back.
      if (outcome.stale > 0) return;
      const refused = new Set(outcome.rejected.map((w) => w.id));
      for (const w of writes) {
        if (refused.has(w.id)) continue;
        written.set(w.id, w.action === 'index' ? { id: w.id, version: w.version, doc: w.doc } : undefined);
      }
    },
    resume: { ledger, sum: EMPTY_SUM, counters: emptyCounters(), skipped: [], skippedNotListed: 0 },
    ...(o.signal ? { signal: o.signal } : {}),
  });
  await replayRanges({
    source: o.source,
    projector,
    progress: silentProgress,
    topic: o.topic,
    ranges,
    batchSize: o.batchSize,
    // Records keyed by the document id are picked by their key, undecoded: a partition's other
    // documents cost only their reading. Otherwise every record is decoded and the projector picks.
    ...(o.projection.idIsAggregateId ? { filter: (r: RawRecord) => r.key !== null && only.has(r.key) } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  return { ranges, written };
}
