import type { EventSource, HistoryGap, PartitionRange, RawRecord } from '../core/ports/event-source.js';
import type { PartitionProgress, ProgressBus } from '../core/progress/progress-events.js';
import { totalEvents } from '../core/rebuild/offset-plan.js';
import type { BatchProjector, ProjectorSnapshot } from './batch-projector.js';

export interface ReplayRangesOptions {
  source: EventSource;
  projector: BatchProjector;
  progress: ProgressBus;
  topic: string;
  ranges: readonly PartitionRange[];
  /** Events folded together; one write per document per batch. */
  batchSize: number;
  signal?: AbortSignal;
  /** Only records passing this filter are projected (partial replay); all count as read. */
  filter?: (r: RawRecord) => boolean;
  now?: () => number;
  progressIntervalMs?: number;
  /** Given only when the operator acknowledged truncated history: vanished records are reported, not fatal. */
  onHistoryGap?: (gap: HistoryGap) => void;
  /**
   * Resumable replays: about every `everyMs`, once a batch was folded, waits for every write in
   * flight and hands over where each partition's reading can continue (all of it acknowledged).
   */
  checkpoint?: { everyMs: number; save: (positions: Map<number, number>, snapshot?: ProjectorSnapshot) => Promise<void> };
  /**
   * Read the partitions one after another, flushing the projector (and recording a checkpoint) as
   * each one ends. With a topic keyed by document id a partition's documents are final once it is
   * read, so a projector that holds its writes holds one partition's documents, not the topic's.
   */
  onePartitionAtATime?: boolean;
}

/**
 * Kafka fetch size per partition while replaying: a fetch (and the one asked for ahead) is held whole
 * while it is decoded, so with 6 partitions the source's 1 MiB default kept 20-40 MB of buffers alive;
 * half of it took a 1M-event rebuild's peak RSS from ~270 to ~225 MB at the same CPU time.
 */
const REPLAY_FETCH_BYTES_PER_PARTITION = 512 * 1024;

/**
 * Reads exactly [start, end) of every partition, projects it in batches and reports progress. Stops
 * at the given end offsets whatever producers do meanwhile: the replay is finite by construction.
 */
export async function replayRanges(o: ReplayRangesOptions): Promise<{ scanned: number }> {
  const now = o.now ?? Date.now;
  const parts = new Map<number, PartitionProgress>(
    o.ranges.map((r) => [r.partition, { partition: r.partition, start: r.start, end: r.end, position: r.start }]),
  );
  const total = totalEvents(o.ranges);
  const started = now();
  // The projector's counters run over the whole build (catch-up rounds, the final round): rates are
  // this call's share of them over this call's time, or a short round divides the build's total
  // documents by milliseconds.
  const docsBefore = o.projector.counters.docsWritten + o.projector.counters.docsDeleted;
  let lastReport = 0;
  let scanned = 0;
  const report = (force = false) => {
    const t = now();
    if (!force && t - lastReport < (o.progressIntervalMs ?? 250)) return;
    lastReport = t;
    const secs = Math.max(0.001, (t - started) / 1000);
    const done = [...parts.values()].reduce((n, p) => n + (p.position - p.start), 0);
    const rate = done / secs;
    o.progress.emit({
      type: 'progress',
      partitions: [...parts.values()].map((p) => ({ ...p })),
      counters: { ...o.projector.counters },
      eventsPerSec: Math.round(rate),
      docsPerSec: Math.round((o.projector.counters.docsWritten + o.projector.counters.docsDeleted - docsBefore) / secs),
      bulkLatencyMs: o.projector.lastBulkLatencyMs,
      ...(rate > 0 ? { etaSeconds: Math.round((total - done) / rate) } : {}),
    });
  };

  const positions = () => new Map([...parts.values()].map((p) => [p.partition, p.position]));
  // Checkpoints recorded behind the fold (at the end of each partition), one after another.
  let behind: Promise<void> = Promise.resolve();
  let behindFailure: unknown;
  const checkBehind = () => {
    if (behindFailure !== undefined) throw behindFailure;
  };
  let lastCheckpoint = now();
  /**
   * The end of a partition: its writes go out and its checkpoint is recorded once they are
   * acknowledged, while the next one is read. One set of writes is out at a time (the previous
   * partition's, or a part of this one sent at --hold): an engine slower than the fold (cold,
   * merging) makes the fold wait instead of holding a second set of documents in memory.
   */
  const checkpointBehind = async () => {
    await o.projector.settled();
    const at = positions();
    // Recorded with its writes: should the process die before the checkpoint is, a resume can still start here.
    const cut = o.projector.cut(o.checkpoint ? at : undefined);
    const save = o.checkpoint?.save;
    lastCheckpoint = now();
    behind = behind
      .then(async () => {
        if ((await cut.acknowledged) && save) await save(at, cut.snapshot);
      })
      .catch((err: unknown) => {
        behindFailure ??= err;
      });
  };

  // Mid-partition, a checkpoint waits for every write: a cut logged there could be followed by writes
  // of the same partition's documents, which a resume from the cut cannot tell apart.
  const maybeCheckpoint = async () => {
    checkBehind();
    if (!o.checkpoint || now() - lastCheckpoint < o.checkpoint.everyMs) return;
    await behind;
    checkBehind();
    await o.projector.flush();
    await o.checkpoint.save(positions());
    lastCheckpoint = now();
  };

  let batch: RawRecord[] = [];
  const flushBatch = async () => {
    if (batch.length === 0) return;
    const b = batch;
    batch = [];
    await o.projector.process(b);
  };
  const read = async (ranges: readonly PartitionRange[], fetchBytes: number) => {
    for await (const records of o.source.readRanges({
      topic: o.topic,
      ranges,
      maxBytesPerPartition: fetchBytes,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onHistoryGap ? { onHistoryGap: o.onHistoryGap } : {}),
    })) {
      for (const r of records) {
        scanned++;
        const p = parts.get(r.partition);
        if (p) p.position = r.offset + 1;
        if (o.filter && !o.filter(r)) continue;
        batch.push(r);
        if (batch.length >= o.batchSize) {
          await flushBatch();
          // Every record read so far is folded: the positions are a consistent cut.
          await maybeCheckpoint();
        }
      }
      report();
    }
    await flushBatch();
  };
  try {
    if (o.onePartitionAtATime) {
      for (const range of [...o.ranges].sort((a, b) => a.partition - b.partition)) {
        // One partition's fetch may be as large as all of them together would have been.
        await read([range], REPLAY_FETCH_BYTES_PER_PARTITION * Math.min(4, o.ranges.length));
        const p = parts.get(range.partition)!;
        p.position = p.end;
        o.projector.partitionDone(range.partition);
        await checkpointBehind();
      }
    } else await read(o.ranges, REPLAY_FETCH_BYTES_PER_PARTITION);
    await behind;
    checkBehind();
    await o.projector.flush();
  } catch (err) {
    // Nothing of this run lands after it failed: writes still out (and the checkpoints they complete)
    // finish or fail first, so a retry started at once never races them.
    await o.projector.settled().catch(() => undefined);
    await behind;
    throw err;
  }
  for (const p of parts.values()) p.position = p.end;
  report(true);
  return { scanned };
}
