import { SinkUnavailableError } from '../core/errors.js';
import type { SearchSink, StoredDoc } from '../core/ports/search-sink.js';
import type { ShardCheckpoint, WriteLogMark } from '../core/rebuild/checkpoint.js';
import { addHash, documentHash, parseChecksum } from '../core/rebuild/content-checksum.js';
import type { ProjectorResume } from './batch-projector.js';
import { readableCheckpoint } from './checkpoint-store.js';
import { readInChunks } from './read-in-chunks.js';
import { resumeFrom } from './restore-fold.js';
import type { WriteLogRecord } from './write-log.js';

/** Reads at once while restoring (the engine answers them in parallel). */
const MGET_LANES = 3;

type LoggedCheckpoint = ShardCheckpoint & { writeLog: WriteLogMark };

export interface WriteLogRestoreOptions {
  index: string;
  checkpoint: LoggedCheckpoint;
  /** The worker's log, oldest first (readWriteLog). */
  records: readonly WriteLogRecord[];
  /** Whether a partition was read to its planned end at a checkpoint's positions. */
  finished: (partition: number, positions: Readonly<Record<string, number>>) => boolean;
  keyPartition: (id: string) => number;
}

export interface WriteLogRestore {
  resume: ProjectorResume;
  /** What the run continues from: the recorded checkpoint, or a later cut of the log whose writes all landed. */
  checkpoint: LoggedCheckpoint;
}

/**
 * The fold state to continue an interrupted build from its checkpoint, reading back only the
 * documents the write log names, not the whole index (restoreFold's scan).
 *
 * Why this is exact: every write of the build was recorded in the log before it was sent, with the
 * hash of the body it replaced, and records are kept until their partitions are finished.
 * - Where to continue: the recorded checkpoint, or the last cut recorded in the log after it (a
 *   partition's end whose checkpoint was not recorded yet) when every write logged up to that cut
 *   is in the index as logged (same version and body hash, or gone for a delete) and none of those
 *   documents was logged again after it: the index then holds exactly that cut's state.
 * - The checksum: the checkpoint's sum is the index's at the checkpoint (all writes up to its mark
 *   acknowledged). A document written after the mark holds its state at the checkpoint (the first
 *   later record's `replaces`) or a later one of the same fold: out with the first, in with what the
 *   index holds now.
 * - The ledger of unfinished partitions: a document of theirs the index holds was written, so the
 *   log names it; one it does not name was never written (absent). Its deleted documents are the
 *   checkpoint's tombstones, as in restoreFold. Finished partitions' documents are read back when
 *   touched, as after partitionDone.
 */
export async function restoreFromWriteLog(sink: SearchSink, o: WriteLogRestoreOptions): Promise<WriteLogRestore> {
  const stored = new Map<string, StoredDoc | undefined>();
  const read = (ids: Iterable<string>) =>
    readInChunks(
      sink,
      o.index,
      [...new Set(ids)].filter((id) => !stored.has(id)),
      (chunk, got) => {
        for (const id of chunk) stored.set(id, got.get(id));
      },
      MGET_LANES,
    );
  const later = o.records.filter((r) => r.seq > o.checkpoint.writeLog.upTo);
  await read(later.flatMap((r) => r.ids));
  const cp = landedCut(o, later, stored) ?? o.checkpoint;
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
  const unfinished = (id: string) => !o.finished(o.keyPartition(id), cp.positions);
  // Per document written after the checkpoint: the hash the index held at it (first later record).
  const atCheckpoint = new Map<string, bigint | undefined>();
  const wanted = new Set<string>();
  for (const r of o.records) {
    for (let i = 0; i < r.ids.length; i++) {
      const id = r.ids[i]!;
      if (r.seq > upTo) {
        if (!atCheckpoint.has(id)) atCheckpoint.set(id, r.replaces[i] ? BigInt(`0x${r.replaces[i]}`) : undefined);
        wanted.add(id);
      } else if (unfinished(id)) wanted.add(id);
    }
  }
  await read(wanted);
  const ledger = new Map<string, number>();
  for (const id of wanted) {
    const now = stored.get(id);
    if (atCheckpoint.has(id)) {
      const was = atCheckpoint.get(id);
      if (was !== undefined) sum = addHash(sum, was, -1);
      if (now) sum = addHash(sum, hashOfStored(id, now));
    }
    if (now && unfinished(id)) ledger.set(id, now.version * 2 + 1);
  }
  return { checkpoint: cp, resume: resumeFrom(ledger, sum, cp) };
}

/**
 * The last cut logged after the checkpoint whose writes, and every write logged before it since the
 * checkpoint, are in the index exactly as logged; undefined when there is none (then the recorded
 * checkpoint is where to continue). A later cut whose writes did not all land (the process died while
 * sending them) does not hide an earlier one that did.
 */
function landedCut(
  o: WriteLogRestoreOptions,
  later: readonly WriteLogRecord[],
  stored: ReadonlyMap<string, StoredDoc | undefined>,
): LoggedCheckpoint | undefined {
  for (let at = later.length - 1; at >= 0; at--) {
    const cut = later[at]!;
    if (cut.cut === undefined || !complete(o.checkpoint.writeLog.upTo, later.slice(0, at + 1)) || !landed(later, at, stored)) continue;
    const cp = readableCheckpoint(cut.cut as unknown as Record<string, unknown>, o.index, o.checkpoint.shard);
    if (cp.indexUuid !== o.checkpoint.indexUuid || !cp.writeLog || cp.writeLog.upTo !== cut.seq) continue;
    return { ...cp, writeLog: cp.writeLog };
  }
  return undefined;
}

/** Whether every record from the checkpoint's mark up to the cut is there (they are stored in order; a gap is a lost record). */
function complete(upTo: number, upToCut: readonly WriteLogRecord[]): boolean {
  return upToCut.every((r, i) => r.seq === upTo + 1 + i);
}

/** Whether the index holds every document logged in `later[0..at]` as last logged there, and none of them was logged after. */
function landed(later: readonly WriteLogRecord[], at: number, stored: ReadonlyMap<string, StoredDoc | undefined>): boolean {
  const after = new Set(later.slice(at + 1).flatMap((r) => r.ids));
  const expected = new Map<string, { hash: string; version: number }>();
  for (const r of later.slice(0, at + 1)) r.ids.forEach((id, i) => expected.set(id, { hash: r.hashes[i]!, version: r.versions[i]! }));
  for (const [id, want] of expected) {
    // Written again after the cut: the index may hold that later state, which proves nothing about the cut.
    if (after.has(id)) return false;
    const now = stored.get(id);
    const ok = want.hash === '' ? now === undefined : now !== undefined && now.version === want.version && hashOf(id, now) === want.hash;
    if (!ok) return false;
  }
  return true;
}

/** Hashes by stored body: a document checked for the cut is hashed once, not again for the checksum. */
const hashes = new WeakMap<StoredDoc, bigint>();

function hashOfStored(id: string, d: StoredDoc): bigint {
  let h = hashes.get(d);
  if (h === undefined) {
    h = documentHash(id, d.doc);
    hashes.set(d, h);
  }
  return h;
}

const hashOf = (id: string, d: StoredDoc) => hashOfStored(id, d).toString(16);
