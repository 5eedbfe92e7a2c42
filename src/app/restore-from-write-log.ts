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
  /** Documents already read back (by an earlier call), reused: only the others are read. */
  stored?: Map<string, StoredDoc | undefined>;
}

export interface WriteLogRestore {
  resume: ProjectorResume;
  /** What the run continues from: the recorded checkpoint, or a later cut of the log whose writes all landed. */
  checkpoint: LoggedCheckpoint;
  /**
   * When the run continues from the recorded checkpoint although a cut was logged after it: that cut,
   * if its writes only partly landed and every document it names is in the index at an older state of
   * the fold (or absent). Writing those documents (repairCut) makes the cut a place to continue from.
   */
  unlanded?: UnlandedCut;
}

export interface UnlandedCut {
  cut: LoggedCheckpoint;
  /** The documents the index does not hold as logged up to the cut, with what it holds instead. */
  documents: Map<string, StoredDoc | undefined>;
  /** Those documents as last logged (hash '' for a delete). */
  expected: Map<string, { hash: string; version: number }>;
  /** The documents logged since the checkpoint up to the cut, landed or not. */
  logged: number;
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
  const stored = o.stored ?? new Map<string, StoredDoc | undefined>();
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
  const unlanded = cp === o.checkpoint ? unlandedCut(o, later, stored) : undefined;
  return { checkpoint: cp, resume: resumeFrom(ledger, sum, cp), ...(unlanded ? { unlanded } : {}) };
}

/**
 * The last cut logged after the checkpoint, when some of its writes (or of those logged before it
 * since the checkpoint) did not land and each such document is in the index at an older version than
 * logged, or absent: the process died while sending them. Undefined when there is no such cut, when a
 * record is missing, or when the index holds anything else (then only the checkpoint is safe).
 */
function unlandedCut(
  o: WriteLogRestoreOptions,
  later: readonly WriteLogRecord[],
  stored: ReadonlyMap<string, StoredDoc | undefined>,
): UnlandedCut | undefined {
  const at = later.findLastIndex((r) => r.cut !== undefined);
  if (at < 0 || !complete(o.checkpoint.writeLog.upTo, later.slice(0, at + 1))) return undefined;
  const cut = cutCheckpoint(o, later[at]!);
  if (!cut) return undefined;
  const after = new Set(later.slice(at + 1).flatMap((r) => r.ids));
  const earlier = earlierStates(later, at);
  const documents = new Map<string, StoredDoc | undefined>();
  const expected = new Map<string, { hash: string; version: number }>();
  const logged = lastLogged(later, at);
  for (const [id, want] of logged) {
    const now = stored.get(id);
    if (asLogged(id, now, want)) continue;
    // Anything but a state this fold gave the document since the checkpoint: folding onto it proves nothing.
    const was = now === undefined ? '' : hashOf(id, now);
    if (after.has(id) || (now !== undefined && now.version >= want.version) || !earlier.get(id)!.has(was)) return undefined;
    documents.set(id, now);
    expected.set(id, want);
  }
  return documents.size > 0 ? { cut, documents, expected, logged: logged.size } : undefined;
}

/**
 * Per document logged in `later[0..at]`, the states the index may hold for it short of the last one
 * logged: the one it replaced at the checkpoint ('' for absent) and any logged before the last.
 */
function earlierStates(later: readonly WriteLogRecord[], at: number): Map<string, Set<string>> {
  const states = new Map<string, Set<string>>();
  const last = new Map<string, string>();
  for (const r of later.slice(0, at + 1)) {
    r.ids.forEach((id, i) => {
      let s = states.get(id);
      if (!s) states.set(id, (s = new Set([r.replaces[i] ?? ''])));
      const previous = last.get(id);
      if (previous !== undefined) s.add(previous);
      last.set(id, r.hashes[i]!);
    });
  }
  return states;
}

/** Each document logged in `later[0..at]`, as last logged there. */
function lastLogged(later: readonly WriteLogRecord[], at: number): Map<string, { hash: string; version: number }> {
  const expected = new Map<string, { hash: string; version: number }>();
  for (const r of later.slice(0, at + 1)) r.ids.forEach((id, i) => expected.set(id, { hash: r.hashes[i]!, version: r.versions[i]! }));
  return expected;
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
    const cp = cutCheckpoint(o, cut);
    if (cp) return cp;
  }
  return undefined;
}

/** The checkpoint a record's cut carries, if it is one of this build and names that record as its mark. */
function cutCheckpoint(o: WriteLogRestoreOptions, record: WriteLogRecord): LoggedCheckpoint | undefined {
  const cp = readableCheckpoint(record.cut as unknown as Record<string, unknown>, o.index, o.checkpoint.shard);
  if (cp.indexUuid !== o.checkpoint.indexUuid || !cp.writeLog || cp.writeLog.upTo !== record.seq) return undefined;
  return { ...cp, writeLog: cp.writeLog };
}

/** Whether every record from the checkpoint's mark up to the cut is there (they are stored in order; a gap is a lost record). */
function complete(upTo: number, upToCut: readonly WriteLogRecord[]): boolean {
  return upToCut.every((r, i) => r.seq === upTo + 1 + i);
}

/** Whether the index holds every document logged in `later[0..at]` as last logged there, and none of them was logged after. */
function landed(later: readonly WriteLogRecord[], at: number, stored: ReadonlyMap<string, StoredDoc | undefined>): boolean {
  const after = new Set(later.slice(at + 1).flatMap((r) => r.ids));
  for (const [id, want] of lastLogged(later, at)) {
    // Written again after the cut: the index may hold that later state, which proves nothing about the cut.
    if (after.has(id)) return false;
    const now = stored.get(id);
    if (!asLogged(id, now, want)) return false;
  }
  return true;
}

/** Whether the index holds a document as the log last wrote it (absent, for a delete). */
function asLogged(id: string, now: StoredDoc | undefined, want: { hash: string; version: number }): boolean {
  return want.hash === '' ? now === undefined : now !== undefined && now.version === want.version && hashOf(id, now) === want.hash;
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
