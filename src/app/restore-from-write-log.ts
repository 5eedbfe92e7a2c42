import { SinkUnavailableError } from '../core/errors.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import { emptyCounters } from '../core/progress/progress-events.js';
import type { ShardCheckpoint, WriteLogMark } from '../core/rebuild/checkpoint.js';
import { addHash, documentHash, parseChecksum } from '../core/rebuild/content-checksum.js';
import type { ProjectorResume } from './batch-projector.js';
import type { WriteLogRecord } from './write-log.js';

/** Ids per real-time read while restoring. */
const MGET_CHUNK = 1000;

export interface WriteLogRestoreOptions {
  index: string;
  checkpoint: ShardCheckpoint & { writeLog: WriteLogMark };
  /** The worker's log, oldest first (readWriteLog). */
  records: readonly WriteLogRecord[];
  /** Whether a partition was read to its planned end at the checkpoint. */
  finished: (partition: number) => boolean;
  keyPartition: (id: string) => number;
}

/**
 * The fold state to continue an interrupted build from its checkpoint, reading back only the
 * documents the write log names, not the whole index (restoreFold's scan).
 *
 * Why this is exact: every write of the build was recorded in the log before it was sent, with the
 * hash of the body it replaced, and records are kept until their partitions are finished.
 * - The checksum: the checkpoint's sum is the index's at the checkpoint (all writes up to its mark
 *   acknowledged). A document written after the mark holds its state at the checkpoint (the first
 *   later record's `replaces`) or a later one of the same fold: out with the first, in with what the
 *   index holds now.
 * - The ledger of unfinished partitions: a document of theirs the index holds was written, so the
 *   log names it; one it does not name was never written (absent). Its deleted documents are the
 *   checkpoint's tombstones, as in restoreFold. Finished partitions' documents are read back when
 *   touched, as after partitionDone.
 */
export async function restoreFromWriteLog(sink: SearchSink, o: WriteLogRestoreOptions): Promise<ProjectorResume> {
  const cp = o.checkpoint;
  const { upTo, live } = cp.writeLog;
  const found = new Set(o.records.map((r) => r.seq));
  const missing = live.filter((s) => !found.has(s));
  if (missing.length > 0) {
    throw new SinkUnavailableError(`the write log of ${cp.shard} on ${o.index} lacks records its checkpoint names`, {
      code: 'UNREADABLE_STATE',
      context: { index: o.index, shard: cp.shard, missing: missing.slice(0, 20) },
      suggestion: 'something deleted readmodel_write_log records; start the build over with rebuild --force',
    });
  }
  let sum = parseChecksum(cp.checksum);
  if (!sum) {
    throw new SinkUnavailableError(`the checkpoint of ${cp.shard} on ${o.index} has an unreadable checksum`, {
      code: 'UNREADABLE_STATE',
      context: { index: o.index, shard: cp.shard, checksum: cp.checksum },
      suggestion: 'start the build over with rebuild --force',
    });
  }
  // Per document written after the checkpoint: the hash the index held at it (first later record).
  const atCheckpoint = new Map<string, bigint | undefined>();
  const wanted = new Set<string>();
  for (const r of o.records) {
    for (let i = 0; i < r.ids.length; i++) {
      const id = r.ids[i]!;
      if (r.seq > upTo) {
        if (!atCheckpoint.has(id)) atCheckpoint.set(id, r.replaces[i] ? BigInt(`0x${r.replaces[i]}`) : undefined);
        wanted.add(id);
      } else if (!o.finished(o.keyPartition(id))) wanted.add(id);
    }
  }
  const ids = [...wanted];
  const ledger = new Map<string, number>();
  for (let i = 0; i < ids.length; i += MGET_CHUNK) {
    const chunk = ids.slice(i, i + MGET_CHUNK);
    const stored = await sink.getMany(o.index, chunk);
    for (const id of chunk) {
      const now = stored.get(id);
      if (atCheckpoint.has(id)) {
        const was = atCheckpoint.get(id);
        if (was !== undefined) sum = addHash(sum, was, -1);
        if (now) sum = addHash(sum, documentHash(id, now.doc));
      }
      if (now && !o.finished(o.keyPartition(id))) ledger.set(id, now.version * 2 + 1);
    }
  }
  for (const [id, version] of cp.tombstones) {
    const held = ledger.get(id);
    if (held === undefined || held < version * 2) ledger.set(id, version * 2);
  }
  return {
    ledger,
    sum,
    counters: { ...emptyCounters(), ...cp.counters },
    skipped: cp.skipped,
    skippedNotListed: cp.skippedNotListed,
  };
}
