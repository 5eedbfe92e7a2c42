import { hostname } from 'node:os';
import { SinkUnavailableError, UsageError } from '../core/errors.js';
import { partitionForKey } from '../core/partitioning/murmur2-partition.js';
import type { EventSource, PartitionRange } from '../core/ports/event-source.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import type { ProgressBus } from '../core/progress/progress-events.js';
import { aliasName } from '../core/read-model.js';
import { planRanges, totalEvents, type EndSpec, type StartSpec } from '../core/rebuild/offset-plan.js';
import { remainingRanges, sealCheckpoints, type Resumption, type ShardCheckpoint } from '../core/rebuild/checkpoint.js';
import { formatChecksum } from '../core/rebuild/content-checksum.js';
import { DEFAULT_CHECKPOINT_MS, DEFAULT_HOLD_WRITES } from '../core/rebuild/rebuild-defaults.js';
import type { RunManifest } from '../core/rebuild/run-manifest.js';
import { ALL_PARTITIONS, selectPartitions, shardKey, type ShardSpec } from '../core/rebuild/shard-spec.js';
import { throwIfAborted } from '../core/retry.js';
import { createBatchProjector, type OnInvalid } from './batch-projector.js';
import { createDocStateCache } from './doc-state-cache.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint-store.js';
import type { ModelAssets } from './model-assets.js';
import { writeManifest } from './read-manifest.js';
import type { Lease, LeaseOptions } from './lease-store.js';
import { prepareTarget } from './prepare-target.js';
import { guardHistory } from './run-preflight.js';
import { replayRanges } from './replay-ranges.js';
import { runAliasSwap, type SwapGate, type SwapResult } from './run-alias.js';
import type { BatchProjector, LoggedCut, ProjectorSnapshot } from './batch-projector.js';
import { repairOrFallBack, reportCutOutcome } from './repair-cut.js';
import { resumeState } from './resume-state.js';
import type { IntendedWrite } from './write-log.js';
import { countsOf, finishBuild, mergeGaps } from './seal-build.js';

export interface RebuildOptions {
  assets: ModelAssets;
  topic?: string;
  start: StartSpec;
  end: EndSpec;
  onInvalid: OnInvalid;
  force: boolean;
  batchSize?: number;
  cacheSize?: number;
  maxInFlight?: number;
  /** Changed documents held before writing (default DEFAULT_HOLD_WRITES); 0 writes every batch's at once. */
  holdWrites?: number;
  /** Replicas after the load (during it: 0). Default: the mapping's, else 1. */
  replicas?: number;
  toolVersion: string;
  signal?: AbortSignal;
  /** Expose the new index with the zero-loss cutover (catch-up rounds, swap, final round). */
  swap?: CutoverOptions;
  /** Build even though Kafka lost history the model needs; the manifest records the gaps. */
  allowTruncatedHistory?: boolean;
  /**
   * Fold only some partitions (`--shard i/N`, `--partitions`): one worker of a sharded build, which
   * records its part in its checkpoint and leaves the index to `rebuild --seal`. Default: all.
   */
  shard?: ShardSpec;
  /** How often to record a checkpoint (ms); default DEFAULT_CHECKPOINT_MS. */
  checkpointEveryMs?: number;
  /** Before marking complete, also read the whole index back and compare its checksum. */
  verify?: boolean;
}

export interface CutoverOptions {
  gates: readonly SwapGate[];
  /** Swap even if gates fail (each overridden verdict is recorded); distinct from rebuilding with --force. */
  overrideGates?: boolean;
  /** Catch up in rounds until fewer events than this remain, then swap. */
  maxLag?: number;
  maxRounds?: number;
}

export interface RebuildDeps {
  source: EventSource;
  sink: SearchSink;
  progress: ProgressBus;
  now?: () => number;
  /** Lease timing and liveness check (tests shorten the TTL). */
  lease?: Pick<LeaseOptions, 'ttlMs' | 'heartbeatMs' | 'isAlive'>;
}

export interface RebuildResult {
  /** `shard-done`: this worker finished its partitions; the build is complete once sealed. */
  outcome: 'built' | 'already-built' | 'shard-done';
  manifest: RunManifest;
  swap?: SwapResult;
  /** A shard worker's record (counts, checksum, planned and reached offsets). */
  shard?: ShardCheckpoint;
}

const holdWritesOf = (o: RebuildOptions) => o.holdWrites ?? DEFAULT_HOLD_WRITES;

/**
 * A finite, deterministic replay into a fresh versioned index. It reads explicit offset ranges with
 * no consumer group, writes only to its own new index (never to the alias or the index behind it),
 * and marks the index complete in its `_meta` only at the very end, so a crash leaves an index that
 * every later command recognises as incomplete.
 */
export async function runRebuild(o: RebuildOptions, deps: RebuildDeps): Promise<RebuildResult> {
  const { assets } = o;
  const { model } = assets;
  const { sink, progress } = deps;
  const topic = o.topic ?? model.topic;
  const index = assets.indexName;
  const alias = aliasName(model);
  const spec = o.shard ?? ALL_PARTITIONS;
  const sharded = spec.kind !== 'all';
  if (sharded && (o.swap || o.force)) {
    throw new UsageError(`${o.swap ? '--swap' : '--force'} does not go with --shard/--partitions`, {
      suggestion: o.swap
        ? 'a sharded build is exposed after `readmodel rebuild <model> --seal` (add --swap there), once every shard finished'
        : 'to start a sharded build over, run a single `readmodel rebuild <model> --force` while no shard runs, or delete the index',
    });
  }

  progress.emit({ type: 'phase', phase: 'connect' });
  const engine = await sink.info();
  progress.emit({
    type: 'context',
    model: model.name,
    topic,
    engine: `${engine.engine} ${engine.version}`,
    cluster: engine.clusterName,
    // The order load() runs them in; the second catch-up is the final round after the swap.
    plan: o.swap
      ? ['connect', 'snapshot', 'replay', 'catch-up', 'finalize', 'gates', 'swap', 'catch-up']
      : ['connect', 'snapshot', 'replay', 'finalize'],
  });
  const live = await sink.aliasTargets(alias);
  progress.emit({ type: 'target', index, alias, aliasTargets: live });

  const snap = await snapshot(o, deps, topic);
  const { history } = snap;
  const manifest: RunManifest = sharded ? { ...snap.manifest, sharded: true } : snap.manifest;

  const mappingSettings = (assets.mapping.settings ?? {}) as Record<string, unknown>;
  const finalReplicas = o.replicas ?? Number(mappingSettings.number_of_replicas ?? 1);
  const finalRefresh = String(mappingSettings.refresh_interval ?? '1s');
  const prepared = await prepareTarget(sink, progress, {
    index,
    alias,
    manifest,
    force: o.force,
    explicitEnd: o.end.kind === 'explicit',
    ...(sharded ? { shard: shardKey(spec) } : {}),
    body: {
      settings: { ...mappingSettings, number_of_replicas: 0, refresh_interval: '-1', 'index.gc_deletes': '1h' },
      mappings: { ...(assets.mapping.mappings ?? {}), _meta: { readmodel: manifest } },
    },
    ...(deps.lease ? { lease: deps.lease } : {}),
  });
  if (prepared.outcome === 'already-built') return { outcome: 'already-built', manifest: prepared.manifest };
  const { lease } = prepared;
  try {
    return await load({ ...o, signal: o.signal ? AbortSignal.any([o.signal, lease.signal]) : lease.signal }, deps, {
      manifest: prepared.manifest,
      created: prepared.created,
      uuid: prepared.uuid,
      worker: workerOf(spec, prepared.manifest),
      finalReplicas,
      finalRefresh,
      confirmOwnership: () => confirmOwnership(sink, index, prepared.uuid, lease),
      lease,
      leaseRunId: lease.record.owner.runId,
      history,
    });
  } finally {
    await lease.release().catch(() => undefined);
  }
}

/** The offset ranges to read (after the history pre-flight) and the manifest of the build they start. */
async function snapshot(o: RebuildOptions, deps: RebuildDeps, topic: string) {
  const { model } = o.assets;
  const { source, sink, progress } = deps;
  const now = deps.now ?? Date.now;
  progress.emit({ type: 'phase', phase: 'snapshot' });
  const watermarks = await source.watermarks(topic);
  const timeOffsets = o.start.kind === 'time' ? await source.offsetsForTime(topic, o.start.time) : undefined;
  const ranges: PartitionRange[] = planRanges(topic, watermarks, o.start, o.end, timeOffsets);
  // Pre-flight: refuse (exit 12) before anything is created when Kafka lost history the model needs.
  const history = await guardHistory(
    { model, topic, start: o.start, watermarks, ranges, allowTruncatedHistory: Boolean(o.allowTruncatedHistory) },
    { source, sink, progress },
  );

  const startedAt = new Date(now()).toISOString();
  const manifest: RunManifest = {
    status: 'building',
    model: model.name,
    index: o.assets.indexName,
    toolVersion: o.toolVersion,
    projection: { name: model.projection.name, version: model.projection.version },
    mappingFile: o.assets.mappingFile,
    buildHash: o.assets.buildHash,
    topic,
    ranges,
    startedAt,
    ...(history.gaps.length ? { historyGaps: [...history.gaps] } : {}),
  };
  return { manifest, history };
}

/** Throws unless the lease is still ours and the index is still the one we created. */
async function confirmOwnership(sink: SearchSink, index: string, uuid: string, lease: { confirm(): Promise<void> }): Promise<void> {
  await lease.confirm();
  const found = String((await sink.getSettings(index))['index.uuid'] ?? '');
  if (found !== uuid) {
    throw new SinkUnavailableError(`index ${index} was replaced while this run was loading it`, {
      code: 'TARGET_REPLACED',
      context: { index, expectedUuid: uuid, foundUuid: found },
      suggestion: 'someone deleted and re-created the index during the build; nothing was marked complete. Re-run the rebuild.',
    });
  }
}

/** What one worker folds: its partitions of the build's plan, and how ids map to partitions when sharded. */
interface Worker {
  key: string;
  sharded: boolean;
  partitions: number[];
  planned: PartitionRange[];
  /** Whether a document id falls in this worker's partitions (sharded only: the resume scan keeps those). */
  owns?: (id: string) => boolean;
  /** The partition Java's key partitioner gives a document id, over the plan's partition count. */
  keyPartition: (id: string) => number;
  idBelongs?: (id: string, partition: number) => boolean;
}

/**
 * The worker's slice of the plan. Sharding relies on each document's events sharing one partition,
 * chosen by Java's partitioner from the document id (checked on every event while folding).
 */
function workerOf(spec: ShardSpec, plan: RunManifest): Worker {
  const all = plan.ranges.map((r) => r.partition);
  const partitions = selectPartitions(spec, all);
  const planned = plan.ranges.filter((r) => partitions.includes(r.partition));
  const count = all.length;
  const keyPartition = (id: string) => partitionForKey(id, count);
  if (spec.kind === 'all') return { key: shardKey(spec), sharded: false, partitions, planned, keyPartition };
  const mine = new Set(partitions);
  return {
    key: shardKey(spec),
    sharded: true,
    partitions,
    planned,
    keyPartition,
    owns: (id) => mine.has(partitionForKey(id, count)),
    idBelongs: (id, partition) => partitionForKey(id, count) === partition,
  };
}

interface LoadContext {
  /** The build's manifest while building: its plan (this run's, or the one an earlier run or shard started). */
  manifest: RunManifest;
  /** This run created the index (nothing to restore). */
  created: boolean;
  /** The index's uuid: checkpoints are only ever taken for this one. */
  uuid: string;
  worker: Worker;
  lease: Lease;
  finalReplicas: number;
  finalRefresh: string;
  /** Throws unless the lease is still ours and the index is still the one we created. */
  confirmOwnership: () => Promise<void>;
  leaseRunId: string;
  /** Gaps in Kafka's history acknowledged by the operator (found in pre-flight or while reading). */
  history: Awaited<ReturnType<typeof guardHistory>>;
}

/** One load of the new index: the projector, how to replay ranges into it, and how far each partition was read. */
interface LoadRun {
  o: RebuildOptions;
  deps: RebuildDeps;
  ctx: LoadContext;
  projector: BatchProjector;
  replay: (ranges: readonly PartitionRange[]) => Promise<unknown>;
  /** Where each partition's reading stopped (exclusive). */
  ends: Map<number, number>;
  now: () => number;
  checkpoint: (status: ShardCheckpoint['status'], planned: PartitionRange[]) => ShardCheckpoint;
  save: (reached: Map<number, number>, taken?: ProjectorSnapshot) => Promise<void>;
  stopCheckpoints: () => void;
}

/** Replay, catch-up, finalize and (optionally) the cutover, on an index this run created or resumes, and leases. */
async function load(o: RebuildOptions, deps: RebuildDeps, ctx: LoadContext): Promise<RebuildResult> {
  const { source, sink, progress } = deps;
  const now = deps.now ?? Date.now;
  const { manifest, history, worker } = ctx;
  const index = o.assets.indexName;

  const found = ctx.created ? undefined : await readCheckpoint(sink, index, worker.key);
  const recorded = found?.indexUuid === ctx.uuid ? found : undefined;
  if (recorded?.status === 'done') {
    progress.emit({
      type: 'log',
      level: 'info',
      message: `${worker.key} of ${index} already finished (${recorded.finishedAt ?? recorded.updatedAt})`,
    });
    if (worker.sharded) return { outcome: 'shard-done', manifest, shard: recorded };
  }
  progress.emit({ type: 'phase', phase: 'replay' });
  // A worker writes nothing before its first checkpoint, so a shard without one has nothing to
  // restore; a single run still reads back an index left without checkpoints (an older readmodel's).
  const state = await resumeState(sink, {
    index,
    indexUuid: ctx.uuid,
    shard: worker.key,
    planned: worker.planned,
    keyPartition: worker.keyPartition,
    ...(worker.owns ? { owns: worker.owns } : {}),
    checkpoint: recorded,
    fresh: ctx.created || (worker.sharded && !recorded),
    holding: holdWritesOf(o) > 0,
    sortField: o.assets.model.projection.idField,
    ...(o.signal ? { signal: o.signal } : {}),
    repair: (unlanded, from) =>
      repairOrFallBack(
        {
          sink,
          source,
          topic: manifest.topic,
          index,
          projection: o.assets.model.projection,
          validator: o.assets.validator,
          onInvalid: o.onInvalid,
          planned: worker.planned,
          checkpoint: from,
          unlanded,
          ...(o.signal ? { signal: o.signal } : {}),
        },
        progress,
      ),
  });
  const { resume, log, checkpoint: cp } = state;
  reportCutOutcome(state, progress);
  const projector = createBatchProjector({
    projection: o.assets.model.projection,
    validator: o.assets.validator,
    sink,
    target: index,
    cache: createDocStateCache(o.cacheSize ?? 10_000),
    onInvalid: o.onInvalid,
    exclusiveFreshTarget: true,
    maxInFlight: o.maxInFlight ?? 2,
    holdWrites: holdWritesOf(o),
    keyPartition: worker.keyPartition,
    progress,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(resume ? { resume } : {}),
    ...(worker.idBelongs ? { idBelongs: worker.idBelongs } : {}),
    ...(log
      ? {
          logWrites: (w: readonly IntendedWrite[], cut?: LoggedCut) =>
            log.record(w, cut && ((seq) => checkpoint('running', worker.planned, { ...cut.snapshot, writeLogSeq: seq }, cut.positions))),
        }
      : {}),
  });
  const positions = new Map(worker.planned.map((r) => [r.partition, Math.max(r.start, cp?.positions[r.partition] ?? r.start)]));
  // The restored ledger holds every document of the index: those of partitions already read to their end are forgotten at once.
  if (resume) for (const r of worker.planned) if ((positions.get(r.partition) ?? 0) >= r.end) projector.partitionDone(r.partition);
  const from = remainingRanges(worker.planned, cp?.positions);
  const resumptions: Resumption[] = [...(cp?.resumptions ?? [])];
  if (resume) {
    resumptions.push({ at: new Date(now()).toISOString(), shard: worker.key, runId: ctx.leaseRunId, host: hostname(), from });
    progress.emit({ type: 'log', level: 'info', message: `resuming from the checkpoint: ${totalEvents(from)} events left to read` });
  }
  function checkpoint(
    status: ShardCheckpoint['status'],
    planned: PartitionRange[],
    taken?: ProjectorSnapshot,
    cutAt?: ReadonlyMap<number, number>,
  ): ShardCheckpoint {
    const snap = taken ?? projector.snapshot();
    const at = new Date(now()).toISOString();
    const reached = Object.fromEntries([...positions].map(([p, off]) => [String(p), Math.max(off, cutAt?.get(p) ?? off)]));
    const writeLog = state.mark(snap.writeLogSeq, reached);
    return {
      index,
      indexUuid: ctx.uuid,
      model: manifest.model,
      shard: worker.key,
      partitions: worker.partitions,
      status,
      runId: ctx.leaseRunId,
      planned,
      positions: reached,
      counters: snap.counters,
      checksum: formatChecksum(snap.sum),
      tombstones: snap.tombstones,
      skipped: snap.skipped,
      skippedNotListed: snap.skippedNotListed,
      historyGaps: mergeGaps(cp?.historyGaps ?? [], history.gaps),
      resumptions,
      startedAt: cp?.startedAt ?? at,
      updatedAt: at,
      ...(status === 'done' ? { finishedAt: at } : {}),
      ...(writeLog ? { writeLog } : {}),
    };
  }
  let checkpointing = true;
  const save = async (reached: Map<number, number>, taken?: ProjectorSnapshot) => {
    // Once the build is complete (the final round after a swap), there is nothing left to resume.
    if (!checkpointing) return;
    for (const [p, off] of reached) positions.set(p, Math.max(positions.get(p) ?? off, off));
    await ctx.lease.confirm();
    const recorded = checkpoint('running', worker.planned, taken);
    await writeCheckpoint(sink, recorded);
    await state.prune(recorded);
  };
  // Recorded at once: the seal sees every worker that started, and the manifest every resumption.
  await save(new Map());
  const replay = (r: readonly PartitionRange[]) =>
    replayRanges({
      source,
      projector,
      progress,
      topic: manifest.topic,
      ranges: r.filter((x) => x.end > x.start),
      batchSize: o.batchSize ?? 2000,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(history.onGap ? { onHistoryGap: history.onGap } : {}),
      checkpoint: { everyMs: o.checkpointEveryMs ?? DEFAULT_CHECKPOINT_MS, save },
      // Holding writes is what makes one partition at a time pay: a finished partition's documents are final.
      onePartitionAtATime: holdWritesOf(o) > 0,
      now,
    }).then(async (x) => {
      for (const range of r) positions.set(range.partition, Math.max(positions.get(range.partition) ?? range.end, range.end));
      return x;
    });
  const run: LoadRun = {
    o,
    deps,
    ctx,
    projector,
    replay,
    ends: new Map(positions),
    now,
    checkpoint,
    save,
    stopCheckpoints: () => {
      checkpointing = false;
    },
  };
  if (cp?.status !== 'done') await replay(from);
  throwIfAborted(o.signal);
  run.ends = new Map(positions);

  if (worker.sharded) {
    const done = checkpoint('done', worker.planned);
    await ctx.lease.confirm();
    await writeCheckpoint(sink, done);
    return { outcome: 'shard-done', manifest, shard: done };
  }
  const rounds = o.swap ? await catchUp(run, o.swap) : 0;
  const complete = await finalize(run);
  if (!o.swap) return { outcome: 'built', manifest: complete };
  return cutover(run, o.swap, complete, rounds);
}

/** The ranges read so far: the snapshot's starts up to where each partition stopped. */
function covered(run: LoadRun): PartitionRange[] {
  return run.ctx.manifest.ranges.map((r) => ({ partition: r.partition, start: r.start, end: run.ends.get(r.partition) ?? r.end }));
}

async function replayToEnd(run: LoadRun): Promise<PartitionRange[]> {
  const next = await nextRanges(run.deps.source, run.ctx.manifest.topic, run.ends);
  await run.replay(next);
  run.ends = new Map(next.map((r) => [r.partition, r.end]));
  return next;
}

/** Zero-loss cutover, step 1: catch up from the snapshot towards the moving end of the log. Returns the rounds taken. */
async function catchUp(run: LoadRun, swap: CutoverOptions): Promise<number> {
  const { progress, source } = run.deps;
  progress.emit({ type: 'phase', phase: 'catch-up' });
  let rounds = 0;
  for (; rounds < (swap.maxRounds ?? 10); rounds++) {
    const next = await nextRanges(source, run.ctx.manifest.topic, run.ends);
    const lag = totalEvents(next);
    if (lag <= (swap.maxLag ?? 1000)) break;
    progress.emit({ type: 'log', level: 'info', message: `catch-up round ${rounds + 1}: ${lag} events behind` });
    await run.replay(next);
    run.ends = new Map(next.map((r) => [r.partition, r.end]));
  }
  // Whatever is left (below the threshold) is caught up before the swap too; the final round only
  // has to cover what arrives during the swap itself.
  await replayToEnd(run);
  return rounds;
}

/**
 * Records this run's part as done (the checkpoint then says so: a crash from here on resumes straight
 * into finalize), then the final settings, the self-check and the manifest that marks the index complete.
 * The checksum is the one computed while writing; the index is not read back (unless --verify).
 */
async function finalize(run: LoadRun): Promise<RunManifest> {
  const { o, ctx, projector } = run;
  const { sink, progress } = run.deps;
  const index = o.assets.indexName;
  progress.emit({ type: 'phase', phase: 'finalize' });
  await projector.flush();
  const ranges = covered(run);
  const done = run.checkpoint('done', ranges);
  await ctx.confirmOwnership();
  await writeCheckpoint(sink, done);
  run.stopCheckpoints();
  return finishBuild(sink, {
    index,
    manifest: ctx.manifest,
    ranges,
    sealed: sealCheckpoints(index, ranges, [done]),
    foldDocuments: projector.documentCount,
    finalReplicas: ctx.finalReplicas,
    finalRefresh: ctx.finalRefresh,
    verify: Boolean(o.verify),
    sortField: o.assets.model.projection.idField,
    confirmOwnership: ctx.confirmOwnership,
    now: run.now,
    progress,
    ...(o.signal ? { signal: o.signal } : {}),
  });
}

/**
 * Step 2: swap (gated). Step 3: a final round from where we stopped to the current end of the log,
 * covering what arrived during the swap. Writes are version-guarded, so racing the live consumer,
 * which now writes the same index through the alias, cannot put older state over newer.
 */
async function cutover(run: LoadRun, swapOptions: CutoverOptions, complete: RunManifest, rounds: number): Promise<RebuildResult> {
  const { o, ctx, projector } = run;
  const { sink, progress } = run.deps;
  const index = o.assets.indexName;
  const swap = await runAliasSwap(
    {
      model: o.assets.model,
      to: index,
      gates: swapOptions.gates,
      overrideGates: Boolean(swapOptions.overrideGates),
      ownLeaseRunId: ctx.leaseRunId,
    },
    { sink, progress },
  );
  progress.emit({ type: 'phase', phase: 'catch-up', detail: 'final round after the swap' });
  projector.markShared();
  const last = await replayToEnd(run);
  const after = countsOf(projector.counters);
  const final: RunManifest = {
    ...complete,
    ranges: covered(run),
    counts: { ...complete.counts!, ...after, documents: complete.counts!.documents },
    ...(ctx.history.gaps.length ? { historyGaps: [...ctx.history.gaps] } : {}),
    cutover: { catchUpRounds: rounds, finalRoundEvents: totalEvents(last), swappedAt: swap.record.at, checksumRanges: complete.ranges },
  };
  await writeManifest(sink, index, final);
  return { outcome: 'built', manifest: final, swap };
}

/** From where each partition stopped to its current high watermark (new partitions from their start). */
async function nextRanges(source: EventSource, topic: string, ends: Map<number, number>): Promise<PartitionRange[]> {
  const marks = await source.watermarks(topic);
  return marks.map((w) => ({ partition: w.partition, start: ends.get(w.partition) ?? w.low, end: w.high }));
}
