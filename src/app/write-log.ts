import { SinkUnavailableError } from '../core/errors.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import type { ShardCheckpoint, WriteLogMark } from '../core/rebuild/checkpoint.js';
import { ensureIndex } from './ensure-index.js';

/**
 * readmodel's own index of write intents: before a rebuild sends held documents, it records which
 * ids it is about to write and the hash of the body each one replaces. A resume then reads back only
 * the documents a checkpoint may not describe (see restore-from-write-log), never the whole index.
 */
export const WRITE_LOG_INDEX = 'readmodel_write_log';

const WRITE_LOG_MAPPING = {
  settings: { number_of_shards: 1 },
  // The id lists are kept in _source alone; only what lookups need is indexed.
  mappings: { dynamic: false, properties: { index: { type: 'keyword' }, shard: { type: 'keyword' }, seq: { type: 'long' } } },
};

/**
 * Ids per record: a default hold (20,000 documents) is one record of ~1.4 MB. Each record is one
 * durable write (a translog sync) the send waits for: on a busy engine one record took 65-250 ms where
 * eight of 2,000 ids took 620-760 ms, and the documents waiting meanwhile raised the peak RSS.
 */
const IDS_PER_RECORD = 25_000;
/** Records per search page while reading a log back (each up to ~1.7 MB). */
const READ_PAGE = 4;
const DELETE_PAGE = 1000;

/** One write about to be sent: the document, the hash of the body the index holds for it now (none: absent), and what it writes. */
export interface IntendedWrite {
  id: string;
  replaces: bigint | undefined;
  /** The hash of the body written; undefined for a delete. */
  hash: bigint | undefined;
  version: number;
}

/** One record of the log, as stored. `replaces[i]` is the hex hash `ids[i]` replaces, '' for none. */
export interface WriteLogRecord {
  index: string;
  indexUuid: string;
  shard: string;
  seq: number;
  /** The key partitions of its ids: the record is needed until every one of them is read to its end. */
  partitions: number[];
  ids: string[];
  replaces: string[];
  /** What each write puts in the index: its body's hash ('' for a delete) and version. */
  hashes: string[];
  versions: number[];
  /**
   * The checkpoint this send completes (a partition's end), recorded with it: it holds once every
   * write of the records since the last recorded checkpoint has landed, so a resume can start from it
   * even when the checkpoint itself was never recorded.
   */
  cut?: ShardCheckpoint;
}

export interface WriteLog {
  /** Records the writes durably under the next sequence number(s); send them once `recorded` resolves. */
  record(writes: readonly IntendedWrite[], cut?: (seq: number) => ShardCheckpoint): { seq: number; recorded: Promise<void> };
  /** The last sequence number handed out. */
  readonly seq: number;
  /** The mark a checkpoint covering every record up to `upTo` carries. */
  mark(upTo: number, finished: (partition: number) => boolean): WriteLogMark;
  /** Once a checkpoint at `upTo` is recorded: deletes the records it covers whose partitions are all finished. */
  prune(upTo: number, finished: (partition: number) => boolean): Promise<void>;
}

export interface WriteLogOptions {
  sink: SearchSink;
  index: string;
  indexUuid: string;
  shard: string;
  keyPartition: (id: string) => number;
  /** Records an earlier run left (a resume): kept until pruned, numbered after. */
  earlier?: readonly WriteLogRecord[];
  /** The highest sequence number an earlier run used (the checkpoint's mark). */
  after?: number;
}

/** A replaced body's hash as recorded: hex digits of a 128-bit value, empty for none. */
const HASH = /^[0-9a-f]{0,32}$/;

const hex = (h: bigint | undefined) => (h === undefined ? '' : h.toString(16));

const recordId = (index: string, shard: string, seq: number) => `${index}|${shard}|${seq}`;

export function createWriteLog(o: WriteLogOptions): WriteLog {
  const kept = new Map<number, number[]>((o.earlier ?? []).map((r) => [r.seq, r.partitions]));
  let seq = Math.max(o.after ?? 0, ...kept.keys());
  let ready: Promise<void> | undefined;
  // Records are stored in sequence order, across sends: a stored cut implies every record before it is.
  let stored: Promise<void> = Promise.resolve();
  const put = async (r: WriteLogRecord) => {
    ready ??= ensureIndex(o.sink, WRITE_LOG_INDEX, WRITE_LOG_MAPPING);
    await ready;
    // Durable once acknowledged; the reader refreshes before it searches, so no refresh per record.
    const stored = await o.sink.putDoc(WRITE_LOG_INDEX, recordId(o.index, o.shard, r.seq), r as unknown as Record<string, unknown>, {
      refresh: false,
    });
    if (!stored.ok)
      throw new SinkUnavailableError(`could not record the writes of ${o.shard} on ${o.index}`, { code: 'CHECKPOINT_FAILED' });
  };
  return {
    record(writes, cut) {
      const records: WriteLogRecord[] = [];
      for (let i = 0; i < writes.length; i += IDS_PER_RECORD) {
        const part = writes.slice(i, i + IDS_PER_RECORD);
        const partitions = [...new Set(part.map((w) => o.keyPartition(w.id)))].sort((a, b) => a - b);
        records.push({
          index: o.index,
          indexUuid: o.indexUuid,
          shard: o.shard,
          seq: ++seq,
          partitions,
          ids: part.map((w) => w.id),
          replaces: part.map((w) => hex(w.replaces)),
          hashes: part.map((w) => hex(w.hash)),
          versions: part.map((w) => w.version),
        });
        kept.set(seq, partitions);
      }
      if (cut && records.length === 0) {
        records.push({
          index: o.index,
          indexUuid: o.indexUuid,
          shard: o.shard,
          seq: ++seq,
          partitions: [],
          ids: [],
          replaces: [],
          hashes: [],
          versions: [],
        });
        kept.set(seq, []);
      }
      const last = records.at(-1);
      if (last && cut) last.cut = cut(seq);
      // One after another, after the previous send's: each request body is garbage before the next is built.
      const recorded = records.reduce<Promise<void>>((before, r) => before.then(() => put(r)), stored);
      // A failed record fails every later one: nothing after a lost record is stored (or sent).
      stored = recorded;
      return { seq, recorded };
    },
    get seq() {
      return seq;
    },
    mark(upTo, finished) {
      const live = [...kept].filter(([s, parts]) => s <= upTo && !parts.every(finished)).map(([s]) => s);
      return { upTo, live: live.sort((a, b) => a - b) };
    },
    async prune(upTo, finished) {
      for (const [s, parts] of [...kept]) {
        if (s > upTo || !parts.every(finished)) continue;
        // A record left behind only costs a read on resume: a failed delete is tried again at the next checkpoint.
        const gone = await o.sink.deleteDoc(WRITE_LOG_INDEX, recordId(o.index, o.shard, s), { refresh: false }).catch(() => false);
        if (gone) kept.delete(s);
      }
    },
  };
}

/**
 * Every record of one worker's log for this index (by uuid: a record left by an earlier index of the
 * same name is not ours), oldest first. An answer that does not add up is an error, never "no records".
 */
export async function readWriteLog(
  sink: SearchSink,
  o: { index: string; indexUuid: string; shard: string; mark: WriteLogMark },
): Promise<WriteLogRecord[]> {
  if (!(await sink.indexExists(WRITE_LOG_INDEX))) {
    // Nothing was ever recorded only if the checkpoint covers no record; otherwise the log was deleted.
    if (o.mark.upTo === 0) return [];
    throw unreadable(o, `${WRITE_LOG_INDEX} does not exist, yet the checkpoint covers records up to ${o.mark.upTo}`);
  }
  await sink.refresh(WRITE_LOG_INDEX);
  const filter = [{ term: { index: o.index } }, { term: { shard: o.shard } }];
  const all: WriteLogRecord[] = [];
  let total: number | undefined;
  let last = -1;
  for (;;) {
    const page = await sink.search(WRITE_LOG_INDEX, {
      query: { bool: { filter: [...filter, { range: { seq: { gt: last } } }] } },
      sort: [{ seq: 'asc' }],
      size: READ_PAGE,
      track_total_hits: true,
    });
    total ??= page.total;
    for (const h of page.hits) {
      const r = readable(h.doc, o);
      if (r.seq <= last) throw unreadable(o, `records out of order at seq ${r.seq}`);
      last = r.seq;
      all.push(r);
    }
    if (page.hits.length < READ_PAGE) break;
  }
  if (all.length !== total) throw unreadable(o, `the engine counted ${total} records, ${all.length} were returned`);
  return all.filter((r) => r.indexUuid === o.indexUuid);
}

/** Forgets every worker's log of one index (with its checkpoints). */
export async function deleteWriteLog(sink: SearchSink, index: string): Promise<void> {
  if (!(await sink.indexExists(WRITE_LOG_INDEX))) return;
  // Bounded: a delete that does not take effect must not keep this looping (10M records at most).
  for (let round = 0; round < 10_000; round++) {
    await sink.refresh(WRITE_LOG_INDEX);
    const page = await sink.search(WRITE_LOG_INDEX, { query: { term: { index } }, _source: false, size: DELETE_PAGE });
    for (const h of page.hits) await sink.deleteDoc(WRITE_LOG_INDEX, h.id, { refresh: false });
    if (page.hits.length < DELETE_PAGE) return;
  }
}

function readable(doc: Record<string, unknown>, o: { index: string; shard: string }): WriteLogRecord {
  const r = doc as Partial<WriteLogRecord>;
  if (
    r.index !== o.index ||
    r.shard !== o.shard ||
    typeof r.indexUuid !== 'string' ||
    !Number.isSafeInteger(r.seq) ||
    !Array.isArray(r.partitions) ||
    !r.partitions.every((p) => Number.isSafeInteger(p)) ||
    !Array.isArray(r.ids) ||
    !r.ids.every((id) => typeof id === 'string') ||
    !Array.isArray(r.replaces) ||
    !r.replaces.every((h) => typeof h === 'string' && HASH.test(h)) ||
    !Array.isArray(r.hashes) ||
    !r.hashes.every((h) => typeof h === 'string' && HASH.test(h)) ||
    !Array.isArray(r.versions) ||
    !r.versions.every((v) => Number.isSafeInteger(v)) ||
    r.ids.length !== r.replaces.length ||
    r.ids.length !== r.hashes.length ||
    r.ids.length !== r.versions.length ||
    (r.cut !== undefined && (typeof r.cut !== 'object' || r.cut === null))
  ) {
    throw unreadable(o, `a record is not readable: ${JSON.stringify(doc).slice(0, 200)}`);
  }
  return r as WriteLogRecord;
}

function unreadable(o: { index: string; shard: string }, what: string): SinkUnavailableError {
  return new SinkUnavailableError(`the write log of ${o.shard} on ${o.index} is not readable: ${what}`, {
    code: 'UNREADABLE_STATE',
    context: { index: o.index, shard: o.shard, log: WRITE_LOG_INDEX },
    suggestion: `nothing was changed. Inspect ${WRITE_LOG_INDEX} (documents with index: ${o.index}); start the build over with rebuild --force`,
  });
}
