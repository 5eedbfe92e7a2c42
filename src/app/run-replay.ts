import type { EventEnvelope } from '../core/envelope.js';
import { UsageError } from '../core/errors.js';
import { partitionForKey } from '../core/partitioning/murmur2-partition.js';
import type { EventSource, PartitionRange } from '../core/ports/event-source.js';
import type { BulkWrite, SearchSink } from '../core/ports/search-sink.js';
import type { ProgressBus } from '../core/progress/progress-events.js';
import { foldAll, type DocState } from '../core/projections/projection.js';
import { aliasName } from '../core/read-model.js';
import { ConflictError, ContractViolationError, SinkRejectedError } from '../core/errors.js';
import { verifyReplayed, type ReplayCheck } from './verify-replayed.js';
import { emptyOutcome, screenWrites } from './rejected-writes.js';
import { decodeRecord } from './decode-record.js';
import { checkReplayTarget } from './replay-target.js';
import type { ModelAssets } from './model-assets.js';

export interface ReplayOptions {
  assets: ModelAssets;
  aggregateIds: readonly string[];
  since?: Date;
  /** Write here instead of the index behind the alias. */
  toIndex?: string;
  dryRun?: boolean;
  topic?: string;
  signal?: AbortSignal;
}

export interface ReplayReport {
  model: string;
  topic: string;
  target: string;
  partitions: PartitionRange[];
  eventsScanned: number;
  eventsMatched: number;
  eventsInvalid: number;
  documents: Array<{ id: string; version: number; action: 'index' | 'delete' | 'none'; doc?: Record<string, unknown> }>;
  written: number;
  deleted: number;
  /** Writes refused because the target already holds a newer version (the live consumer got there first). */
  keptNewer: number;
  dryRun: boolean;
}

/**
 * Rebuilds a handful of documents from their events alone. It reads only the partitions their keys
 * hash to (Java-compatible murmur2), keeps only their events, folds them from scratch, and writes the
 * result guarded by aggregate version: newer state written meanwhile by the live consumer is kept,
 * while a document corrupted at its current version is overwritten (external_gte).
 */
export async function runReplay(
  o: ReplayOptions,
  deps: { source: EventSource; sink: SearchSink; progress: ProgressBus },
): Promise<ReplayReport> {
  const { model } = o.assets;
  if (o.aggregateIds.length === 0) throw new UsageError('name at least one --aggregate-id');
  if (o.toIndex) await checkReplayTarget(o.toIndex, model, deps.sink);
  const topic = o.topic ?? model.topic;
  const wanted = new Set(o.aggregateIds);

  deps.progress.emit({ type: 'phase', phase: 'snapshot' });
  const marks = await deps.source.watermarks(topic);
  const partitions = [...new Set(o.aggregateIds.map((id) => partitionForKey(id, marks.length)))].sort((a, b) => a - b);
  const starts = o.since ? await deps.source.offsetsForTime(topic, o.since) : undefined;
  const ranges: PartitionRange[] = partitions.map((p) => {
    const w = marks.find((m) => m.partition === p)!;
    return { partition: p, start: starts?.get(p) ?? w.low, end: w.high };
  });

  let target = o.toIndex;
  if (!target) {
    const live = await deps.sink.aliasTargets(aliasName(model));
    if (live.length !== 1) {
      throw new UsageError(`${aliasName(model)} does not point at exactly one index`, {
        code: 'NO_TARGET',
        context: { alias: aliasName(model), targets: live },
        suggestion: 'pass --to-index, or swap the alias first',
      });
    }
    target = live[0]!;
  }

  deps.progress.emit({ type: 'phase', phase: 'replay', detail: `partitions ${partitions.join(',')}` });
  const events: EventEnvelope[] = [];
  const docIdOf = new Map<string, string>();
  let scanned = 0;
  let invalid = 0;
  for await (const records of deps.source.readRanges({ topic, ranges, ...(o.signal ? { signal: o.signal } : {}) })) {
    for (const r of records) {
      scanned++;
      // The key is the aggregate id: filter on it before paying for JSON parsing and validation.
      if (r.key !== null && !wanted.has(r.key)) continue;
      const d = decodeRecord(r, o.assets.validator);
      if (!d.ok) {
        if (r.key === null) {
          // Invalid like a mismatched key (rule `key`), exactly as rebuild and consume treat it: never
          // applied. It is reported when it claims to belong to an aggregate being replayed.
          if (d.aggregateId !== undefined && wanted.has(d.aggregateId)) {
            invalid++;
            deps.progress.emit({ type: 'invalid', position: d.position, violation: d.violation, action: 'skip' });
          }
          continue;
        }
        throw new ContractViolationError(
          `invalid event of ${r.key} at ${topic}/${r.partition}@${r.offset}: ${d.violation.pointer} ${d.violation.message}`,
          {
            context: {
              topic,
              partition: r.partition,
              offset: r.offset,
              eventId: d.violation.eventId,
              pointer: d.violation.pointer,
              rule: d.violation.rule,
            },
            suggestion: 'fix the event contract or producer; a partial replay never skips events of the aggregates it repairs',
          },
        );
      }
      if (wanted.has(d.envelope.aggregateId) && model.projection.handles.includes(d.envelope.eventType)) {
        events.push(d.envelope);
        docIdOf.set(d.envelope.aggregateId, model.projection.documentId(d.envelope));
      }
    }
  }

  const states = foldAll(model.projection, events);
  const documents: ReplayReport['documents'] = [];
  const writes: BulkWrite[] = [];
  for (const id of o.aggregateIds) {
    const docId = docIdOf.get(id);
    const s: DocState | undefined = docId === undefined ? undefined : states.get(docId);
    if (!s) {
      documents.push({ id, version: 0, action: 'none' });
      continue;
    }
    if (s.doc) {
      documents.push({ id: s.id, version: s.version, action: 'index', doc: s.doc as Record<string, unknown> });
      writes.push({ action: 'index', id: s.id, version: s.version, doc: s.doc as Record<string, unknown> });
    } else {
      documents.push({ id: s.id, version: s.version, action: 'delete' });
      writes.push({ action: 'delete', id: s.id, version: s.version });
    }
  }
  const report: ReplayReport = {
    model: model.name,
    topic,
    target,
    partitions: ranges,
    eventsScanned: scanned,
    eventsMatched: events.length,
    eventsInvalid: invalid,
    documents,
    written: 0,
    deleted: 0,
    keptNewer: 0,
    dryRun: Boolean(o.dryRun),
  };
  if (o.dryRun || writes.length === 0) return report;
  deps.progress.emit({ type: 'phase', phase: 'finalize' });
  // A refresh first lets the engine prune delete tombstones whose index.gc_deletes has expired.
  await deps.sink.refresh(target);
  const { sendable, refused } = screenWrites(writes);
  const sent = sendable.length
    ? await deps.sink.bulk(target, sendable, { versionType: 'external_gte', ...(o.signal ? { signal: o.signal } : {}) })
    : emptyOutcome();
  const out = { ...sent, rejected: [...refused, ...sent.rejected] };
  await deps.sink.refresh(target);
  if (out.rejected.length > 0) {
    const first = out.rejected[0]!;
    throw new SinkRejectedError(
      `${deps.sink.engine} rejected replayed document ${first.id} (version ${first.version}) in ${target}: ${first.reason}`,
      {
        context: {
          node: deps.sink.node,
          index: target,
          id: first.id,
          version: first.version,
          status: first.status,
          rejected: out.rejected.map((r) => r.id),
        },
        suggestion: 'the document does not fit the index mapping: fix the projection or mapping (readmodel validate-contracts) and rebuild',
      },
    );
  }

  // Trust what the index holds, not the write counts: a "kept newer" may hide a missing document.
  const checks = verifyReplayed(
    writes,
    await deps.sink.getMany(
      target,
      writes.map((w) => w.id),
    ),
  );
  const absent = checks.filter((c): c is Extract<ReplayCheck, { status: 'absent' }> => c.status === 'absent');
  // A delete event newer than the snapshot (the live consumer applied it) explains an absent document.
  const explained = absent.length ? await newerEventsOf(absent, ranges, topic, docIdOf, o, deps) : new Set<string>();
  const failed = checks.filter((c) => c.status === 'different' || (c.status === 'absent' && !explained.has(c.id)));
  if (failed.length > 0) {
    const settings = await deps.sink.getSettings(target).catch(() => ({}));
    const gc = gcDeletesOf(settings) ?? "60s (the engines' default)";
    const first = failed[0]!;
    throw new ConflictError(
      `replay could not restore ${failed.length} document(s) in ${target}: ` +
        failed
          .map((c) =>
            c.status === 'absent'
              ? `${c.id} is missing, and a delete above version ${c.expectedVersion} that no event in ${topic} explains is in the way (a delete made outside readmodel?)`
              : `${c.id} holds version ${(c as { storedVersion: number }).storedVersion}, not the replayed version ${(c as { expectedVersion: number }).expectedVersion}`,
          )
          .join('; '),
      {
        code: 'NOT_RESTORED',
        context: { index: target, topic, documents: failed, written: out.written, deleted: out.deleted, gcDeletes: gc },
        suggestion:
          first.status === 'absent'
            ? `the engine keeps the version of a delete for index.gc_deletes (${gc} on ${target}) and refuses older versions until then; ` +
              `re-run this replay after that (it then restores the document at its aggregate version), or rebuild: readmodel rebuild ${model.name} --swap. ` +
              'Never delete documents of a read model by hand: replay or rebuild them'
            : `rebuild the model (readmodel rebuild ${model.name} --swap) and compare with readmodel diff`,
      },
    );
  }
  const keptNewer = checks.filter((c) => c.status === 'newer').length + explained.size;
  return { ...report, written: out.written, deleted: out.deleted, keptNewer };
}

function gcDeletesOf(settings: Record<string, unknown>): string | undefined {
  const gc = settings['index.gc_deletes'];
  return typeof gc === 'string' ? gc : undefined;
}

/** Ids (of `absent`) whose aggregate has an event after the snapshot with a version above the replayed one. */
async function newerEventsOf(
  absent: readonly { id: string; expectedVersion: number }[],
  ranges: readonly PartitionRange[],
  topic: string,
  docIdOf: ReadonlyMap<string, string>,
  o: ReplayOptions,
  deps: { source: EventSource },
): Promise<Set<string>> {
  const aggregateOf = new Map([...docIdOf].map(([agg, doc]) => [doc, agg]));
  const expected = new Map(absent.map((a) => [aggregateOf.get(a.id) ?? a.id, a]));
  const marks = await deps.source.watermarks(topic);
  const later = ranges.map((r) => ({
    partition: r.partition,
    start: r.end,
    end: marks.find((m) => m.partition === r.partition)?.high ?? r.end,
  }));
  const out = new Set<string>();
  for await (const records of deps.source.readRanges({ topic, ranges: later, ...(o.signal ? { signal: o.signal } : {}) })) {
    for (const r of records) {
      const a = r.key === null ? undefined : expected.get(r.key);
      if (!a) continue;
      const d = decodeRecord(r, o.assets.validator);
      if (d.ok && d.envelope.aggregateVersion > a.expectedVersion) out.add(a.id);
    }
  }
  return out;
}
