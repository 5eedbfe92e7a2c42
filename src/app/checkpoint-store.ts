import { SinkUnavailableError } from '../core/errors.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import type { ShardCheckpoint, WriteLogMark } from '../core/rebuild/checkpoint.js';
import { ensureIndex } from './ensure-index.js';
import { deleteWriteLog } from './write-log.js';

/** readmodel's own index of rebuild checkpoints: one document per (target index, worker). */
export const CHECKPOINT_INDEX = 'readmodel_checkpoints';

const CHECKPOINT_MAPPING = {
  settings: { number_of_shards: 1 },
  // Only what lookups need is indexed; the fold state (tombstones, counters) is kept in _source alone.
  mappings: {
    dynamic: false,
    properties: {
      index: { type: 'keyword' },
      model: { type: 'keyword' },
      shard: { type: 'keyword' },
      status: { type: 'keyword' },
      updatedAt: { type: 'date' },
    },
  },
};

/** The most workers (checkpoint documents) one build may have. */
const MAX_WORKERS = 1000;

export const checkpointId = (index: string, shard: string) => `${index}|${shard}`;

export async function readCheckpoint(sink: SearchSink, index: string, shard: string): Promise<ShardCheckpoint | undefined> {
  // A checkpoint index not created yet answers like a missing document.
  const got = await sink.getDoc(CHECKPOINT_INDEX, checkpointId(index, shard));
  return got ? readableCheckpoint(got.doc, index, shard) : undefined;
}

export async function writeCheckpoint(sink: SearchSink, cp: ShardCheckpoint): Promise<void> {
  await ensureIndex(sink, CHECKPOINT_INDEX, CHECKPOINT_MAPPING);
  const r = await sink.putDoc(CHECKPOINT_INDEX, checkpointId(cp.index, cp.shard), cp as unknown as Record<string, unknown>);
  if (!r.ok) throw new SinkUnavailableError(`could not record the checkpoint of ${cp.shard} on ${cp.index}`, { code: 'CHECKPOINT_FAILED' });
}

/** Every worker's checkpoint of one target index. */
export async function listCheckpoints(sink: SearchSink, index: string): Promise<ShardCheckpoint[]> {
  if (!(await sink.indexExists(CHECKPOINT_INDEX))) return [];
  const found = await sink.search(CHECKPOINT_INDEX, { query: { term: { index } }, size: MAX_WORKERS, track_total_hits: true });
  if (found.total > MAX_WORKERS) {
    throw new SinkUnavailableError(`${index} has ${found.total} worker checkpoints, more than the ${MAX_WORKERS} one build may have`, {
      code: 'UNREADABLE_STATE',
      context: { index, checkpoints: found.total },
      suggestion: `inspect ${CHECKPOINT_INDEX} (documents with index: ${index})`,
    });
  }
  return found.hits.map((h) => readableCheckpoint(h.doc, index, String(h.doc.shard)));
}

/** Forgets a build's checkpoints and their write logs (after it was sealed, or before it starts over). */
export async function deleteCheckpoints(sink: SearchSink, index: string): Promise<void> {
  for (const cp of await listCheckpoints(sink, index)) await sink.deleteDoc(CHECKPOINT_INDEX, checkpointId(index, cp.shard));
  await deleteWriteLog(sink, index);
}

/** A stored checkpoint, checked: anything else is unreadable state. */
export function readableCheckpoint(doc: Record<string, unknown>, index: string, shard: string): ShardCheckpoint {
  const cp = doc as Partial<ShardCheckpoint>;
  if (
    cp.index !== index ||
    (cp.status !== 'running' && cp.status !== 'done') ||
    !Array.isArray(cp.planned) ||
    !Array.isArray(cp.tombstones) ||
    typeof cp.positions !== 'object' ||
    typeof cp.checksum !== 'string' ||
    (cp.writeLog !== undefined && !readableMark(cp.writeLog))
  ) {
    throw new SinkUnavailableError(`the checkpoint of ${shard} on ${index} is not readable`, {
      code: 'UNREADABLE_STATE',
      context: { index, shard, checkpoint: JSON.stringify(doc).slice(0, 300) },
      suggestion: `nothing was changed. Inspect ${CHECKPOINT_INDEX}/_doc/${encodeURIComponent(checkpointId(index, shard))}; start the build over with rebuild --force`,
    });
  }
  return cp as ShardCheckpoint;
}

const readableMark = (m: unknown): boolean => {
  const mark = m as Partial<WriteLogMark> | null;
  return (
    typeof mark === 'object' &&
    mark !== null &&
    Number.isSafeInteger(mark.upTo) &&
    Array.isArray(mark.live) &&
    mark.live.every((s) => Number.isSafeInteger(s))
  );
};
