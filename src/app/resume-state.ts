import type { PartitionRange } from '../core/ports/event-source.js';
import type { SearchSink, StoredDoc } from '../core/ports/search-sink.js';
import type { ShardCheckpoint, WriteLogMark } from '../core/rebuild/checkpoint.js';
import type { ProjectorResume } from './batch-projector.js';
import { restoreFold } from './restore-fold.js';
import { restoreFromWriteLog, type UnlandedCut } from './restore-from-write-log.js';
import { createWriteLog, readWriteLog, type WriteLog, type WriteLogRecord } from './write-log.js';

export interface ResumeStateOptions {
  index: string;
  indexUuid: string;
  /** The worker's key (`all`, `shard-2-of-8`, ...), its planned ranges and the topic's key partitioner. */
  shard: string;
  planned: readonly PartitionRange[];
  keyPartition: (id: string) => number;
  /** Sharded workers: whether a document is this worker's. */
  owns?: (id: string) => boolean;
  /** The worker's checkpoint, when it has one for this index. */
  checkpoint: ShardCheckpoint | undefined;
  /** Nothing was written for this worker yet (the run created the index, or a shard without a checkpoint). */
  fresh: boolean;
  /** This run holds its writes (the only writes the log can record before they are sent). */
  holding: boolean;
  sortField: string;
  signal?: AbortSignal;
  /**
   * Writes the documents of a cut whose writes only partly landed (repairCut), so the run can
   * continue from the cut rather than from the checkpoint before it.
   */
  repair?: (unlanded: UnlandedCut, checkpoint: ShardCheckpoint) => Promise<ReadonlyMap<string, StoredDoc | undefined> | undefined>;
}

export interface ResumeState {
  /** The fold state to continue from; undefined when nothing was written. */
  resume: ProjectorResume | undefined;
  /** Where to continue: the recorded checkpoint, or a later cut of the write log whose writes all landed. */
  checkpoint: ShardCheckpoint | undefined;
  /** The write log to record this run's writes in, while every write of the build is in it. */
  log: WriteLog | undefined;
  /** The mark a checkpoint carries: undefined once a write of the build went unlogged. */
  mark: (upTo: number | undefined, positions: Readonly<Record<string, number>>) => WriteLogMark | undefined;
  /** A cut was repaired (repair wrote it): whether the run continues from it (every document then as logged). */
  repaired?: boolean;
  /** A cut whose writes had mostly not landed, left alone: the run reads its partition again from the checkpoint. */
  unrepaired?: { missing: number; logged: number };
  /** After this checkpoint was recorded: forget the log records it made unnecessary (by its own positions). */
  prune: (checkpoint: Pick<ShardCheckpoint, 'writeLog' | 'positions'>) => Promise<void>;
}

/**
 * How a worker continues: from nothing, from its write log (reading back only the logged documents),
 * or, when a write of the build was not logged (an index of an older readmodel, a run with
 * --hold 0), from a scan of the whole index.
 */
export async function resumeState(sink: SearchSink, o: ResumeStateOptions): Promise<ResumeState> {
  const ends = new Map(o.planned.map((r) => [r.partition, r.end]));
  /** Whether partition `p` was read to its planned end at a checkpoint's positions. */
  const finishedIn =
    (positions: Readonly<Record<string, number>>) =>
    (p: number): boolean => {
      const end = ends.get(p);
      return end !== undefined && (positions[String(p)] ?? -1) >= end;
    };
  let cp = o.checkpoint;
  let resume: ProjectorResume | undefined;
  let earlier: WriteLogRecord[] = [];
  let repaired: boolean | undefined;
  let unrepaired: ResumeState['unrepaired'];
  if (o.fresh) resume = undefined;
  else if (cp?.writeLog) {
    earlier = await readWriteLog(sink, { index: o.index, indexUuid: o.indexUuid, shard: o.shard, mark: cp.writeLog });
    const stored = new Map<string, StoredDoc | undefined>();
    const restore = (from: ShardCheckpoint & { writeLog: WriteLogMark }) =>
      restoreFromWriteLog(sink, {
        index: o.index,
        checkpoint: from,
        records: earlier,
        finished: (p, positions) => finishedIn(positions)(p),
        keyPartition: o.keyPartition,
        stored,
      });
    const recorded = { ...cp, writeLog: cp.writeLog };
    let restored = await restore(recorded);
    // Folding again most of what a cut names costs more than reading its partition again (the
    // replay's reading, folding and writing overlap; a repair's writes wait for its fold): measured at
    // 1M events, 3.4-4.1 s to repair 14-16k of a partition's 16k documents against ~3.3 s to replay it.
    const { unlanded } = restored;
    if (unlanded && unlanded.documents.size > unlanded.logged / 2)
      unrepaired = { missing: unlanded.documents.size, logged: unlanded.logged };
    else if (unlanded && o.repair) {
      const written = await o.repair(unlanded, recorded);
      if (written) {
        // The cut is used only if every document is now as logged: what the engine acknowledged
        // writing is what it holds (under this run's lease), anything else is read back.
        for (const id of unlanded.documents.keys()) {
          if (written.has(id)) stored.set(id, written.get(id));
          else stored.delete(id);
        }
        restored = await restore(recorded);
        repaired = restored.checkpoint !== recorded;
      }
    }
    resume = restored.resume;
    cp = restored.checkpoint;
  } else {
    resume = await restoreFold(sink, {
      index: o.index,
      sortField: o.sortField,
      checkpoint: cp,
      ...(o.owns ? { owns: o.owns } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  }
  const logged = o.holding && (o.fresh || Boolean(cp?.writeLog));
  const log = logged
    ? createWriteLog({
        sink,
        index: o.index,
        indexUuid: o.indexUuid,
        shard: o.shard,
        keyPartition: o.keyPartition,
        earlier,
        ...(cp?.writeLog ? { after: cp.writeLog.upTo } : {}),
      })
    : undefined;
  const from = log?.seq ?? 0;
  return {
    resume,
    checkpoint: cp,
    ...(repaired === undefined ? {} : { repaired }),
    ...(unrepaired ? { unrepaired } : {}),
    log,
    mark: (upTo, positions) => log?.mark(upTo ?? from, finishedIn(positions)),
    prune: async (c) => {
      if (log && c.writeLog) await log.prune(c.writeLog.upTo, finishedIn(c.positions));
    },
  };
}
