import { UsageError } from '../core/errors.js';
import type { EventPublisher } from '../core/ports/event-publisher.js';
import type { ProgressBus } from '../core/progress/progress-events.js';
import type { FixtureOptions, ReadModelDefinition } from '../core/read-model.js';
import { throwIfAborted } from '../core/retry.js';

export interface FixturesPublishOptions extends FixtureOptions {
  model: ReadModelDefinition;
  topic?: string;
  partitions: number;
  batchSize?: number;
  /** Publish nothing when the topic already holds events (makes demos safe to re-run). */
  ifEmpty?: boolean;
  signal?: AbortSignal;
}

export interface FixturesPublishResult {
  model: string;
  topic: string;
  partitions: number;
  topicCreated: boolean;
  events: number;
  invalidEvents: number;
  aggregates: number;
  seed: number;
  /** Set when --if-empty found events already there and published nothing. */
  skippedExisting?: number;
}

/** Publishes a seeded, deterministic event stream, keyed by aggregate id, to the real broker. */
export async function runFixturesPublish(
  o: FixturesPublishOptions,
  deps: { publisher: EventPublisher; progress: ProgressBus },
): Promise<FixturesPublishResult> {
  if (!o.model.generateFixtures) {
    throw new UsageError(`read model ${o.model.name} ships no fixture generator`, { context: { model: o.model.name } });
  }
  const catalogues = o.model.fixtureCatalogues ?? ['recent'];
  if (o.catalogue !== undefined && !catalogues.includes(o.catalogue)) {
    throw new UsageError(`read model ${o.model.name} has no "${o.catalogue}" fixture catalogue`, {
      context: { model: o.model.name, catalogue: o.catalogue, supported: catalogues.join(', ') },
      suggestion: `use --catalogue ${catalogues.join(' or ')}`,
    });
  }
  if (o.updates !== undefined && o.catalogue !== 'long-lived') {
    throw new UsageError('--updates applies only to --catalogue long-lived', { context: { updates: o.updates } });
  }
  const topic = o.topic ?? o.model.topic;
  deps.progress.emit({ type: 'phase', phase: 'publish', detail: topic });
  if (o.ifEmpty) {
    const existing = await deps.publisher.count(topic);
    if (existing !== undefined && existing > 0) {
      return {
        model: o.model.name,
        topic,
        partitions: 0,
        topicCreated: false,
        events: 0,
        invalidEvents: 0,
        aggregates: 0,
        seed: o.seed,
        skippedExisting: existing,
      };
    }
  }
  const t = await deps.publisher.ensureTopic(topic, o.partitions);
  if (!t.created && t.partitions !== o.partitions) {
    deps.progress.emit({
      type: 'log',
      level: 'warn',
      message: `topic ${topic} already exists with ${t.partitions} partitions (asked for ${o.partitions}); publishing to it as it is`,
    });
  }
  const size = o.batchSize ?? 2000;
  let batch: Array<{ key: string; value: string }> = [];
  let events = 0;
  let invalid = 0;
  const aggregates = new Set<string>();
  const flush = async () => {
    if (batch.length === 0) return;
    throwIfAborted(o.signal);
    await deps.publisher.publish(topic, batch);
    batch = [];
    deps.progress.emit({ type: 'log', level: 'info', message: `published ${events} events` });
  };
  for (const g of o.model.generateFixtures(o)) {
    const key = g.envelope.aggregateId ?? 'unknown';
    aggregates.add(key);
    batch.push({ key, value: JSON.stringify(g.envelope) });
    events++;
    if (g.invalid) invalid++;
    if (batch.length >= size) await flush();
  }
  await flush();
  return {
    model: o.model.name,
    topic,
    partitions: t.partitions,
    topicCreated: t.created,
    events,
    invalidEvents: invalid,
    aggregates: aggregates.size,
    seed: o.seed,
  };
}
