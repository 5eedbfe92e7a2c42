import type { GroupConsumer } from '../core/ports/group-consumer.js';
import type { EventSource } from '../core/ports/event-source.js';
import { createHistoryRepair } from './history-repair.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import type { ProgressBus } from '../core/progress/progress-events.js';
import { aliasName } from '../core/read-model.js';
import { UsageError } from '../core/errors.js';
import { createBatchProjector, type OnInvalid } from './batch-projector.js';
import { createDocStateCache } from './doc-state-cache.js';
import type { ModelAssets } from './model-assets.js';

export interface ConsumeOptions {
  assets: ModelAssets;
  onInvalid: OnInvalid;
  /** Write through this alias or index; default `<model>_current`. */
  target?: string;
  signal: AbortSignal;
}

export interface ConsumeDeps {
  consumer: GroupConsumer;
  /** Reads an aggregate's history when the target lacks it (see BatchProjectorOptions.repairGaps). */
  source?: EventSource;
  sink: SearchSink;
  progress: ProgressBus;
}

/**
 * The live projection: the same validation and projection module as a rebuild, writing through the
 * alias with version-guarded bulk writes, committing each partition's offset only after the bulk
 * writes covering it were acknowledged.
 */
export async function runConsume(o: ConsumeOptions, deps: ConsumeDeps) {
  const { model } = o.assets;
  const target = o.target ?? aliasName(model);
  if (!(await deps.sink.indexExists(target))) {
    throw new UsageError(`${target} does not exist yet`, {
      code: 'NO_TARGET',
      context: { target },
      suggestion: `build and expose an index first: readmodel rebuild ${model.name} --swap`,
    });
  }
  // Document states are read fresh every batch: the alias can move under a long-running consumer.
  const cache = createDocStateCache(100_000);
  const projector = createBatchProjector({
    projection: model.projection,
    validator: o.assets.validator,
    sink: deps.sink,
    target,
    cache,
    onInvalid: o.onInvalid,
    maxInFlight: 1,
    progress: deps.progress,
    signal: o.signal,
    ...(deps.source
      ? { repairGaps: createHistoryRepair({ source: deps.source, topic: model.topic, validator: o.assets.validator, projection: model.projection }) }
      : {}),
  });
  deps.progress.emit({ type: 'phase', phase: 'consume', detail: `${model.topic} -> ${target}` });
  const positions = new Map<number, { position: number; end: number }>();
  await deps.consumer.run(
    async (batch) => {
      cache.clear();
      await projector.process(batch.records);
      await projector.flush();
      positions.set(batch.partition, { position: batch.records[batch.records.length - 1]!.offset + 1, end: batch.highWatermark });
      deps.progress.emit({
        type: 'progress',
        partitions: [...positions].map(([partition, p]) => ({ partition, start: 0, end: p.end, position: p.position })),
        counters: { ...projector.counters },
        eventsPerSec: 0,
        docsPerSec: 0,
        bulkLatencyMs: projector.lastBulkLatencyMs,
      });
    },
    { signal: o.signal },
  );
  return { target, counters: { ...projector.counters }, skipped: projector.skipped };
}
