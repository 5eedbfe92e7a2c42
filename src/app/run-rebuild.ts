import { ConflictError } from '../core/errors.js';
import type { EventSource, PartitionRange } from '../core/ports/event-source.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import type { ProgressBus } from '../core/progress/progress-events.js';
import { aliasName } from '../core/read-model.js';
import { planRanges, type EndSpec, type StartSpec } from '../core/rebuild/offset-plan.js';
import { sameBuildInputs, type RunManifest } from '../core/rebuild/run-manifest.js';
import { throwIfAborted } from '../core/retry.js';
import { createBatchProjector, type OnInvalid } from './batch-projector.js';
import { createDocStateCache } from './doc-state-cache.js';
import { indexChecksum } from './index-checksum.js';
import type { ModelAssets } from './model-assets.js';
import { readManifest, writeManifest } from './read-manifest.js';
import { replayRanges } from './replay-ranges.js';

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
}

export interface RebuildDeps {
  source: EventSource;
  sink: SearchSink;
  progress: ProgressBus;
  now?: () => number;
}

export interface RebuildResult {
  outcome: 'built' | 'already-built';
  manifest: RunManifest;
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
  const { source, sink, progress } = deps;
  const now = deps.now ?? Date.now;
  const topic = o.topic ?? model.topic;
  const index = assets.indexName;
  const alias = aliasName(model);

  progress.emit({ type: 'phase', phase: 'connect' });
  await sink.info();
  const live = await sink.aliasTargets(alias);
  progress.emit({ type: 'target', index, alias, aliasTargets: live });

  progress.emit({ type: 'phase', phase: 'snapshot' });
  const watermarks = await source.watermarks(topic);
  const timeOffsets = o.start.kind === 'time' ? await source.offsetsForTime(topic, o.start.time) : undefined;
  const ranges: PartitionRange[] = planRanges(topic, watermarks, o.start, o.end, timeOffsets);

  const startedAt = new Date(now()).toISOString();
  const manifest: RunManifest = {
    status: 'building',
    model: model.name,
    index,
    toolVersion: o.toolVersion,
    projection: { name: model.projection.name, version: model.projection.version },
    mappingFile: model.mappingFile,
    buildHash: assets.buildHash,
    topic,
    ranges,
  startedAt,
  };

  if (await sink.indexExists(index)) {
    const existing = await readManifest(sink, index);
    const isLive = live.includes(index);
    if (existing?.status === 'complete' && sameBuildInputs(existing, manifest) && !o.force) {
      return { outcome: 'already-built', manifest: existing };
    }
    if (isLive) {
      throw new ConflictError(`index ${index} is live behind ${alias}; a rebuild never writes to it`, {
        context: { index, alias, existingRanges: existing?.ranges, requestedRanges: ranges },
        suggestion:
          'nothing in the mapping, projection or contracts changed, so this build would replace the live index itself; ' +
          'the live consumer keeps it current. To rebuild anyway, change the build (e.g. bump the projection version) or swap the alias away first.',
      });
    }
    if (existing?.status === 'complete' && !o.force) {
      throw new ConflictError(`index ${index} already holds a complete build of other offsets`, {
        context: { index, existingRanges: existing.ranges, requestedRanges: ranges },
        suggestion: 're-run with --force to rebuild it from scratch',
      });
    }
    // Incomplete (a crashed or aborted run) or forced: start over from an empty index.
    progress.emit({ type: 'log', level: 'info', message: `deleting ${existing?.status === 'complete' ? 'previous' : 'incomplete'} index ${index}` });
    await sink.deleteIndex(index);
  }

  const mappingSettings = (assets.mapping.settings ?? {}) as Record<string, unknown>;
  const finalReplicas = o.replicas ?? Number(mappingSettings.number_of_replicas ?? 1);
  const finalRefresh = String(mappingSettings.refresh_interval ?? '1s');
  await sink.createIndex(index, {
    settings: { ...mappingSettings, number_of_replicas: 0, refresh_interval: '-1', 'index.gc_deletes': '1h' },
    mappings: { ...(assets.mapping.mappings ?? {}), _meta: { readmodel: manifest } },
  });

  progress.emit({ type: 'phase', phase: 'replay' });
  const projector = createBatchProjector({
    projection: model.projection,
    validator: assets.validator,
    sink,
    target: index,
    cache: createDocStateCache(o.cacheSize ?? 50_000),
    onInvalid: o.onInvalid,
    exclusiveFreshTarget: true,
    maxInFlight: o.maxInFlight ?? 2,
    progress,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  await replayRanges({
    source,
    projector,
    progress,
    topic,
    ranges,
    batchSize: o.batchSize ?? 2000,
    ...(o.signal ? { signal: o.signal } : {}),
    now,
  });
  throwIfAborted(o.signal);

  progress.emit({ type: 'phase', phase: 'finalize' });
  await sink.putSettings(index, { index: { number_of_replicas: finalReplicas, refresh_interval: finalRefresh } });
  const { checksum, documents } = await indexChecksum(sink, index, model.projection.idField, o.signal);
  const c = projector.counters;
  const finished = now();
  const complete: RunManifest = {
    ...manifest,
    status: 'complete',
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - Date.parse(startedAt),
    counts: {
      eventsRead: c.eventsRead,
      eventsApplied: c.eventsApplied,
      eventsStale: c.eventsStale,
      eventsIgnored: c.eventsIgnored,
      eventsSkipped: c.eventsInvalid,
      docsWritten: c.docsWritten,
      docsDeleted: c.docsDeleted,
      documents,
    },
    checksum,
    ...(projector.skipped.length ? { skipped: projector.skipped } : {}),
    ...(projector.skippedNotListed ? { skippedNotListed: projector.skippedNotListed } : {}),
  };
  await writeManifest(sink, index, complete);
  return { outcome: 'built', manifest: complete };
}
