import { hostname } from 'node:os';
import { ConflictError, NotOwnedError, SinkUnavailableError } from '../core/errors.js';
import type { HistoryGap, PartitionRange } from '../core/ports/event-source.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import type { Counters, ProgressBus } from '../core/progress/progress-events.js';
import { aliasName } from '../core/read-model.js';
import { sealCheckpoints, type SealedTotals, type ShardCheckpoint } from '../core/rebuild/checkpoint.js';
import type { RunManifest, ShardSummary } from '../core/rebuild/run-manifest.js';
import { deleteCheckpoints, listCheckpoints } from './checkpoint-store.js';
import { indexChecksum } from './index-checksum.js';
import { acquireLease, type LeaseOptions } from './lease-store.js';
import type { ModelAssets } from './model-assets.js';
import { readManifest, writeManifest } from './read-manifest.js';

export interface FinishBuildOptions {
  index: string;
  /** The build's manifest while building (its plan). */
  manifest: RunManifest;
  /** The ranges the checksum covers (the plan, or further after catch-up rounds). */
  ranges: PartitionRange[];
  sealed: SealedTotals;
  shards?: ShardSummary[];
  /** The fold's own document count (single run): must agree with the checksum's and the index's. */
  foldDocuments?: number;
  finalReplicas: number;
  finalRefresh: string;
  /** Also re-read the whole index and compare its checksum with the one computed while writing. */
  verify: boolean;
  sortField: string;
  confirmOwnership: () => Promise<void>;
  now: () => number;
  progress: ProgressBus;
  signal?: AbortSignal;
}

/**
 * Marks a build complete: final settings, the self-check (the index holds exactly the documents the
 * fold wrote: _count = the checksum's count; with `verify`, a full scan must give the same checksum),
 * then the complete manifest. Shared by a single run's finalize and the seal of a sharded build.
 */
export async function finishBuild(sink: SearchSink, o: FinishBuildOptions): Promise<RunManifest> {
  const { index, sealed } = o;
  await o.confirmOwnership();
  await sink.putSettings(index, { index: { number_of_replicas: o.finalReplicas, refresh_interval: o.finalRefresh } });
  await sink.refresh(index);
  const counted = await sink.count(index);
  const expected = sealed.sum.count;
  if (counted !== expected || (o.foldDocuments !== undefined && o.foldDocuments !== expected)) {
    throw new SinkUnavailableError(
      `index ${index} does not hold what the build folded: ${counted} documents counted, ${expected} written${o.foldDocuments !== undefined ? `, ${o.foldDocuments} expected by the fold` : ''}`,
      {
        code: 'SELF_CHECK_FAILED',
        context: { index, counted, written: expected, ...(o.foldDocuments !== undefined ? { expected: o.foldDocuments } : {}) },
        suggestion: o.shards
          ? 'nothing was marked complete and the alias is untouched. Two shards wrote the same documents (the topic is not partitioned by document id) or something else wrote this index; rebuild it with a single run (--force)'
          : 'nothing was marked complete and the alias is untouched. Something else wrote this index during the build, or writes were lost; re-run the rebuild with --force',
      },
    );
  }
  if (o.verify) {
    o.progress.emit({ type: 'log', level: 'info', message: `verifying: reading ${index} back to compare its checksum` });
    const read = await indexChecksum(sink, index, o.sortField, o.signal);
    if (read.checksum !== sealed.checksum) {
      throw new SinkUnavailableError(`index ${index} reads back as checksum ${read.checksum}, but the build wrote ${sealed.checksum}`, {
        code: 'SELF_CHECK_FAILED',
        context: { index, read: read.checksum, written: sealed.checksum },
        suggestion: 'nothing was marked complete and the alias is untouched. Something else wrote this index; rebuild it with --force',
      });
    }
  }
  const finished = o.now();
  const complete: RunManifest = {
    ...o.manifest,
    ranges: o.ranges,
    status: 'complete',
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - Date.parse(o.manifest.startedAt),
    counts: { ...countsOf(sealed.counters), documents: expected },
    checksum: sealed.checksum,
    ...(sealed.historyGaps.length ? { historyGaps: sealed.historyGaps } : {}),
    ...(sealed.skipped.length ? { skipped: sealed.skipped } : {}),
    ...(sealed.skippedNotListed ? { skippedNotListed: sealed.skippedNotListed } : {}),
    ...(o.shards ? { shards: o.shards } : {}),
    ...(sealed.resumptions.length ? { resumptions: sealed.resumptions } : {}),
  };
  await o.confirmOwnership();
  await writeManifest(sink, index, complete);
  // The checkpoints served their purpose; a leftover one is harmless (the next build of this name replaces it).
  await deleteCheckpoints(sink, index).catch(() => undefined);
  return complete;
}

export function countsOf(c: Counters) {
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

export function shardSummary(cp: ShardCheckpoint): ShardSummary {
  return {
    shard: cp.shard,
    partitions: cp.partitions,
    eventsRead: cp.counters.eventsRead,
    documents: Number(cp.checksum.split(':')[0]),
    checksum: cp.checksum,
    ...(cp.finishedAt ? { finishedAt: cp.finishedAt } : {}),
  };
}

export function mergeGaps(...lists: readonly (readonly HistoryGap[])[]): HistoryGap[] {
  const seen = new Map<string, HistoryGap>();
  for (const g of lists.flat()) seen.set(`${g.partition}:${g.from}:${g.to}`, g);
  return [...seen.values()].sort((a, b) => a.partition - b.partition || a.from - b.from);
}

export interface SealOptions {
  assets: ModelAssets;
  replicas?: number;
  verify?: boolean;
  signal?: AbortSignal;
}

export type SealResult = { outcome: 'built' | 'already-built'; manifest: RunManifest };

/**
 * `rebuild --seal`: makes a sharded build complete once every shard finished its planned partitions.
 * Refuses (exit 8, index unsealed, alias untouched) while any shard is missing or unfinished.
 */
export async function runSeal(
  o: SealOptions,
  deps: { sink: SearchSink; progress: ProgressBus; now?: () => number; lease?: Pick<LeaseOptions, 'ttlMs' | 'heartbeatMs' | 'isAlive'> },
): Promise<SealResult> {
  const { sink, progress } = deps;
  const index = o.assets.indexName;
  const { model } = o.assets;
  progress.emit({ type: 'phase', phase: 'connect' });
  await sink.info();
  progress.emit({ type: 'target', index, alias: aliasName(model) });
  if (!(await sink.indexExists(index))) {
    throw new ConflictError(`there is no build ${index} to seal`, {
      code: 'NOTHING_TO_SEAL',
      context: { index },
      suggestion: 'run the shards first (readmodel rebuild <model> --shard i/N for every i), with the same configuration',
    });
  }
  const lease = await acquireLease(sink, { target: index, model: model.name, purpose: 'rebuild', ...deps.lease });
  try {
    const m = await readManifest(sink, index);
    if (!m || m.model !== model.name) {
      throw new NotOwnedError(`index ${index} is not a readmodel build of ${model.name}`, { context: { index, builtFor: m?.model } });
    }
    if (m.status === 'complete') return { outcome: 'already-built', manifest: m };
    if (!m.sharded) {
      throw new ConflictError(`index ${index} is a single-run build; it is completed by that run, not sealed`, {
        code: 'NOT_SHARDED',
        context: { index, startedAt: m.startedAt },
        suggestion: 're-run the same rebuild command: it continues the build from its checkpoint and completes it',
      });
    }
    progress.emit({ type: 'phase', phase: 'finalize', detail: 'seal' });
    const uuid = String((await sink.getSettings(index))['index.uuid'] ?? '');
    // Checkpoints left by an earlier index of this name (deleted by hand) are not this build's.
    const records = (await listCheckpoints(sink, index)).filter((r) => r.indexUuid === uuid);
    const sealed = sealCheckpoints(index, m.ranges, records);
    const settings = (o.assets.mapping.settings ?? {}) as Record<string, unknown>;
    const manifest = await finishBuild(sink, {
      index,
      manifest: m,
      ranges: m.ranges,
      sealed,
      shards: records.map(shardSummary).sort((a, b) => a.shard.localeCompare(b.shard)),
      finalReplicas: o.replicas ?? Number(settings.number_of_replicas ?? 1),
      finalRefresh: String(settings.refresh_interval ?? '1s'),
      verify: Boolean(o.verify),
      sortField: model.projection.idField,
      confirmOwnership: async () => {
        await lease.confirm();
        const found = String((await sink.getSettings(index))['index.uuid'] ?? '');
        if (found !== uuid) throw new ConflictError(`index ${index} was replaced while sealing it`, { code: 'TARGET_REPLACED' });
      },
      now: deps.now ?? Date.now,
      progress,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    progress.emit({ type: 'log', level: 'info', message: `sealed ${index} from ${records.length} shard(s) on ${hostname()}` });
    return { outcome: 'built', manifest };
  } finally {
    await lease.release().catch(() => undefined);
  }
}
