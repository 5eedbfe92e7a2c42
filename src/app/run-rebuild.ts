import { SinkUnavailableError } from '../core/errors.js';
import type { EventSource, PartitionRange } from '../core/ports/event-source.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import type { ProgressBus } from '../core/progress/progress-events.js';
import { aliasName } from '../core/read-model.js';
import { planRanges, totalEvents, type EndSpec, type StartSpec } from '../core/rebuild/offset-plan.js';
import type { RunManifest } from '../core/rebuild/run-manifest.js';
import { throwIfAborted } from '../core/retry.js';
import { createBatchProjector, type OnInvalid } from './batch-projector.js';
import { createDocStateCache } from './doc-state-cache.js';
import { indexChecksum } from './index-checksum.js';
import type { ModelAssets } from './model-assets.js';
import { writeManifest } from './read-manifest.js';
import type { LeaseOptions } from './lease-store.js';
import { prepareTarget } from './prepare-target.js';
import { guardHistory } from './run-preflight.js';
import { replayRanges } from './replay-ranges.js';
import { runAliasSwap, type SwapGate, type SwapResult } from './run-alias.js';
import type { BatchProjector } from './batch-projector.js';

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
  /** Replicas after the load (during it: 0). Default: the mapping's, else 1. */
  replicas?: number;
  toolVersion: string;
  signal?: AbortSignal;
  /** Expose the new index with the zero-loss cutover (catch-up rounds, swap, final round). */
  swap?: CutoverOptions;
  /** Build even though Kafka lost history the model needs; the manifest records the gaps. */
  allowTruncatedHistory?: boolean;
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
  outcome: 'built' | 'already-built';
  manifest: RunManifest;
  swap?: SwapResult;
}

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

  const { manifest, history } = await snapshot(o, deps, topic);

  const mappingSettings = (assets.mapping.settings ?? {}) as Record<string, unknown>;
  const finalReplicas = o.replicas ?? Number(mappingSettings.number_of_replicas ?? 1);
  const finalRefresh = String(mappingSettings.refresh_interval ?? '1s');
  const prepared = await prepareTarget(sink, progress, {
    index,
    alias,
    manifest,
    force: o.force,
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
      manifest,
      finalReplicas,
      finalRefresh,
      confirmOwnership: () => confirmOwnership(sink, index, prepared.uuid, lease),
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

interface LoadContext {
  manifest: RunManifest;
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
}

/** Replay, catch-up, finalize and (optionally) the cutover, on an index this run created and leases. */
async function load(o: RebuildOptions, deps: RebuildDeps, ctx: LoadContext): Promise<RebuildResult> {
  const { source, sink, progress } = deps;
  const now = deps.now ?? Date.now;
  const { manifest, history } = ctx;

  progress.emit({ type: 'phase', phase: 'replay' });
  const projector = createBatchProjector({
    projection: o.assets.model.projection,
    validator: o.assets.validator,
    sink,
    target: o.assets.indexName,
    cache: createDocStateCache(o.cacheSize ?? 10_000),
    onInvalid: o.onInvalid,
    exclusiveFreshTarget: true,
    maxInFlight: o.maxInFlight ?? 2,
    progress,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const replay = (r: readonly PartitionRange[]) =>
    replayRanges({
      source,
      projector,
      progress,
      topic: manifest.topic,
      ranges: r,
      batchSize: o.batchSize ?? 2000,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(history.onGap ? { onHistoryGap: history.onGap } : {}),
      now,
    });
  const run: LoadRun = { o, deps, ctx, projector, replay, ends: new Map(manifest.ranges.map((r) => [r.partition, r.end])), now };
  await replay(manifest.ranges);
  throwIfAborted(o.signal);

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

/** Final settings, checksum, self-check, and the manifest that marks the index complete. */
async function finalize(run: LoadRun): Promise<RunManifest> {
  const { o, ctx, projector } = run;
  const { sink, progress } = run.deps;
  const index = o.assets.indexName;
  progress.emit({ type: 'phase', phase: 'finalize' });
  await ctx.confirmOwnership();
  await sink.putSettings(index, { index: { number_of_replicas: ctx.finalReplicas, refresh_interval: ctx.finalRefresh } });
  const { checksum, documents } = await indexChecksum(sink, index, o.assets.model.projection.idField, o.signal);
  // Self-check: the index must hold exactly the documents the fold says exist, or nothing is marked complete.
  const counted = await sink.count(index);
  if (documents !== projector.documentCount || counted !== documents) {
    throw new SinkUnavailableError(
      `index ${index} does not hold what the build folded: ${documents} documents scanned, ${counted} counted, ${projector.documentCount} expected`,
      {
        code: 'SELF_CHECK_FAILED',
        context: { index, scanned: documents, counted, expected: projector.documentCount },
        suggestion:
          'nothing was marked complete and the alias is untouched. Something else wrote this index during the build, or writes were lost; re-run the rebuild with --force',
      },
    );
  }
  const finished = run.now();
  const { history } = ctx;
  const complete: RunManifest = {
    ...ctx.manifest,
    ranges: covered(run),
    status: 'complete',
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - Date.parse(ctx.manifest.startedAt),
    counts: { ...finalCounts(projector), documents },
    checksum,
    ...(history.gaps.length ? { historyGaps: [...history.gaps] } : {}),
    ...(projector.skipped.length ? { skipped: projector.skipped } : {}),
    ...(projector.skippedNotListed ? { skippedNotListed: projector.skippedNotListed } : {}),
  };
  await ctx.confirmOwnership();
  await writeManifest(sink, index, complete);
  return complete;
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
  const after = finalCounts(projector);
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

function finalCounts(p: BatchProjector) {
  const c = p.counters;
  return {
    eventsRead: c.eventsRead,
    eventsApplied: c.eventsApplied,
    eventsStale: c.eventsStale,
    eventsIgnored: c.eventsIgnored,
    eventsSkipped: c.eventsInvalid,
    docsWritten: c.docsWritten,
    docsDeleted: c.docsDeleted,
    ...(c.docsRejected ? { docsRejected: c.docsRejected } : {}),
    // The trail of faults the run rode out (writes re-sent, throttled writes, 413 splits).
    faults: { retries: c.retries, throttled: c.throttled, splits: c.splits },
  };
}

/** From where each partition stopped to its current high watermark (new partitions from their start). */
async function nextRanges(source: EventSource, topic: string, ends: Map<number, number>): Promise<PartitionRange[]> {
  const marks = await source.watermarks(topic);
  return marks.map((w) => ({ partition: w.partition, start: ends.get(w.partition) ?? w.low, end: w.high }));
}
