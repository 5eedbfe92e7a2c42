import type { GroupBatch, GroupConsumer } from '../core/ports/group-consumer.js';
import type { EventSource } from '../core/ports/event-source.js';
import type { DeadLetterSink } from '../core/ports/dead-letter-sink.js';
import { createHistoryRepair } from './history-repair.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import { emptyCounters, type Counters, type ProgressBus } from '../core/progress/progress-events.js';
import { aliasName } from '../core/read-model.js';
import { SinkUnavailableError, UsageError } from '../core/errors.js';
import { backoffDelay, sleep } from '../core/retry.js';
import { createBatchProjector, type BatchProjector, type OnInvalid } from './batch-projector.js';
import { createDocStateCache } from './doc-state-cache.js';
import type { ModelAssets } from './model-assets.js';

export interface ConsumeOptions {
  assets: ModelAssets;
  onInvalid: OnInvalid;
  /** Write through this alias or index; default `<model>_current`. */
  target?: string;
  signal: AbortSignal;
  /**
   * How long to wait for an unavailable search engine before giving up (exit 6); undefined waits for
   * as long as it takes, which is what a live consumer should do: the engine coming back is the fix.
   */
  maxSinkWaitMs?: number;
  /** Backoff between attempts while the engine is unavailable. */
  sinkBackoff?: { baseMs: number; maxMs: number };
}

export interface ConsumeDeps {
  consumer: GroupConsumer;
  /** Reads an aggregate's history when the target lacks it (see BatchProjectorOptions.repairGaps). */
  source?: EventSource;
  sink: SearchSink;
  progress: ProgressBus;
  /** Where invalid events and refused documents are parked (`--dead-letter-topic`); needs onInvalid `skip`. */
  deadLetters?: DeadLetterSink;
}

export interface ConsumeReport {
  target: string;
  counters: Counters;
  skipped: BatchProjector['skipped'];
  /** Times the consumer waited for the search engine, and for how long in all. */
  sinkWaits: number;
  sinkWaitMs: number;
  deadLetterTopic?: string;
  deadLettered: number;
}

const DEFAULT_SINK_BACKOFF = { baseMs: 500, maxMs: 30_000 };

/**
 * The live projection: the same validation and projection module as a rebuild, writing through the
 * alias with version-guarded bulk writes, committing each partition's offset only after the bulk
 * writes covering it were acknowledged. When the search engine is unavailable it pauses its
 * partitions, keeps its group membership and retries the batch with backoff; a batch is only ever
 * committed once written, and retrying one is safe because every write is version-guarded.
 */
export async function runConsume(o: ConsumeOptions, deps: ConsumeDeps): Promise<ConsumeReport> {
  const { model } = o.assets;
  const target = o.target ?? aliasName(model);
  if (deps.deadLetters && o.onInvalid !== 'skip') {
    throw new UsageError('--dead-letter-topic parks what would be skipped: it needs --on-invalid skip', {
      context: { onInvalid: o.onInvalid, deadLetterTopic: deps.deadLetters.topic },
      suggestion: 'drop --on-invalid stop, or drop --dead-letter-topic to stop on the first invalid event',
    });
  }
  if (!(await deps.sink.indexExists(target))) {
    throw new UsageError(`${target} does not exist yet`, {
      code: 'NO_TARGET',
      context: { target },
      suggestion: `build and expose an index first: readmodel rebuild ${model.name} --swap`,
    });
  }
  // Document states are read fresh every batch: the alias can move under a long-running consumer.
  const cache = createDocStateCache(100_000);
  let deadLettered = 0;
  const makeProjector = () =>
    createBatchProjector({
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
        ? {
            repairGaps: createHistoryRepair({
              source: deps.source,
              topic: model.topic,
              validator: o.assets.validator,
              projection: model.projection,
            }),
          }
        : {}),
      ...(deps.deadLetters
        ? {
            deadLetter: async (letters) => {
              await deps.deadLetters!.park(letters);
              deadLettered += letters.length;
              deps.progress.emit({
                type: 'log',
                level: 'warn',
                message: `parked ${letters.length} record(s) in ${deps.deadLetters!.topic}: ${letters[0]!.reason}`,
              });
            },
          }
        : {}),
    });
  // A projector that failed keeps its failure; a retried batch gets a fresh one, counters carried over.
  let projector = makeProjector();
  const carried = emptyCounters();
  const skipped: BatchProjector['skipped'] = [];
  const totals = (): Counters => {
    const c = { ...carried };
    for (const [k, v] of Object.entries(projector.counters) as [keyof Counters, number][]) c[k] += v;
    return c;
  };
  const FAULT_COUNTERS = new Set<keyof Counters>(['retries', 'throttled', 'splits']);
  /** Keeps what the failed projector did before the batch (the batch is redone) and every fault it met. */
  const retire = (before: { counters: Counters; skipped: number }) => {
    for (const [k, v] of Object.entries(projector.counters) as [keyof Counters, number][])
      carried[k] += FAULT_COUNTERS.has(k) ? v : before.counters[k];
    skipped.push(...projector.skipped.slice(0, before.skipped));
    projector = makeProjector();
  };

  let sinkWaits = 0;
  let sinkWaitMs = 0;
  const backoff = { ...DEFAULT_SINK_BACKOFF, ...o.sinkBackoff };

  async function writeBatch(batch: GroupBatch) {
    let resume: (() => void) | undefined;
    let waitedSince: number | undefined;
    for (let attempt = 0; ; attempt++) {
      const before = { counters: { ...projector.counters }, skipped: projector.skipped.length };
      try {
        cache.clear();
        await projector.process(batch.records);
        await projector.flush();
        break;
      } catch (err) {
        if (!(err instanceof SinkUnavailableError) || o.signal.aborted) throw err;
        retire(before);
        waitedSince ??= Date.now();
        const waited = Date.now() - waitedSince;
        if (o.maxSinkWaitMs !== undefined && waited >= o.maxSinkWaitMs) {
          throw new SinkUnavailableError(
            `gave up waiting for ${deps.sink.engine} at ${deps.sink.node} after ${Math.round(waited / 1000)} s: ${err.message}`,
            {
              code: err.code,
              context: {
                ...err.context,
                target,
                partition: batch.partition,
                fromOffset: batch.records[0]!.offset,
                waitedMs: waited,
                attempts: attempt + 1,
              },
              suggestion:
                'the search engine is down or refusing writes: check its health; nothing past the last written batch was committed, so restarting the consumer resumes there ' +
                '(--max-sink-wait sets how long it waits; by default it waits until the engine is back)',
              cause: err,
            },
          );
        }
        resume ??= batch.pause();
        const delay = Math.max(100, backoffDelay(attempt, backoff));
        const wait = o.maxSinkWaitMs === undefined ? delay : Math.min(delay, Math.max(0, o.maxSinkWaitMs - waited));
        sinkWaits++;
        deps.progress.emit({
          type: 'log',
          level: 'warn',
          message: `${deps.sink.engine} unavailable (${err.message}); partition ${batch.partition} paused, retrying its batch in ${(wait / 1000).toFixed(1)} s (waiting ${Math.round(waited / 1000)} s so far, attempt ${attempt + 1})`,
        });
        deps.progress.emit({ type: 'retry', reason: `search engine unavailable: ${err.message}`, attempt: attempt + 1, delayMs: wait });
        // Heartbeat explicitly: a lost membership must abandon this batch, not write it for someone else's partition.
        await batch.heartbeat();
        await sleep(wait, o.signal);
        await batch.heartbeat();
      }
    }
    if (waitedSince !== undefined) {
      const waited = Date.now() - waitedSince;
      sinkWaitMs += waited;
      deps.progress.emit({
        type: 'log',
        level: 'info',
        message: `${deps.sink.engine} is back after ${Math.round(waited / 1000)} s; resuming`,
      });
    }
    resume?.();
  }

  deps.progress.emit({ type: 'phase', phase: 'consume', detail: `${model.topic} -> ${target}` });
  const positions = new Map<number, { position: number; end: number }>();
  await deps.consumer.run(
    async (batch) => {
      await writeBatch(batch);
      positions.set(batch.partition, { position: batch.records[batch.records.length - 1]!.offset + 1, end: batch.highWatermark });
      deps.progress.emit({
        type: 'progress',
        partitions: [...positions].map(([partition, p]) => ({ partition, start: 0, end: p.end, position: p.position })),
        counters: totals(),
        eventsPerSec: 0,
        docsPerSec: 0,
        bulkLatencyMs: projector.lastBulkLatencyMs,
      });
    },
    { signal: o.signal },
  );
  return {
    target,
    counters: totals(),
    skipped: [...skipped, ...projector.skipped],
    sinkWaits,
    sinkWaitMs,
    ...(deps.deadLetters ? { deadLetterTopic: deps.deadLetters.topic } : {}),
    deadLettered,
  };
}
