import { ConflictError } from '../core/errors.js';
import type { SearchSink, StoredDoc } from '../core/ports/search-sink.js';
import type { DocState } from '../core/projections/projection.js';
import type { DocStateCache } from './doc-state-cache.js';
import { readInChunks } from './read-in-chunks.js';

export interface BatchStatesOptions {
  sink: SearchSink;
  target: string;
  cache: DocStateCache;
  /** The batch projector's ledger (`version * 2 + (exists ? 1 : 0)` per id), for an exclusive fresh target. */
  ledger: ReadonlyMap<string, number> | undefined;
  /** False once others write the target too (after a cutover swap). */
  exclusive: boolean;
  /**
   * The state of every document whose write is queued or in flight and not yet acknowledged (the
   * latest one per id). Read-your-writes without waiting: such a document is taken from here, and
   * any other is settled in the index, so a read never waits for the bulks in flight.
   */
  unacknowledged: ReadonlyMap<string, DocState>;
  /** Ids the ledger forgot (a finished partition's live documents): read from the index, never assumed absent. */
  forgotten?: (id: string) => boolean;
}

/**
 * The batch's working set: every state it touches, in `ids` order, from our unacknowledged writes,
 * the ledger, the LRU or else the index (read-your-writes). Undefined: the document is absent and was never written.
 */
export async function loadBatchStates(ids: readonly string[], o: BatchStatesOptions): Promise<Map<string, DocState | undefined>> {
  const prior = new Map<string, DocState | undefined>(ids.map((id) => [id, undefined]));
  const toRead: string[] = [];
  for (const id of ids) {
    const writing = o.unacknowledged.get(id);
    if (writing) {
      prior.set(id, writing);
      continue;
    }
    const known = o.ledger?.get(id);
    const cached = known === undefined || known % 2 === 1 ? o.cache.get(id) : undefined;
    if (cached) prior.set(id, cached);
    else if (o.ledger && known === undefined && !o.forgotten?.(id))
      prior.set(id, undefined); // never folded: absent from our own index
    else if (known !== undefined && known % 2 === 0) prior.set(id, { id, version: known / 2, doc: null });
    else toRead.push(id);
  }
  await readInChunks(o.sink, o.target, toRead, (chunk, stored) => {
    for (const id of chunk) prior.set(id, storedState(id, stored.get(id), o));
  });
  return prior;
}

/** The state a read found, checked against the ledger when we have one. */
export function storedState(
  id: string,
  s: StoredDoc | undefined,
  o: Pick<BatchStatesOptions, 'ledger' | 'exclusive' | 'target'>,
): DocState | undefined {
  const known = o.ledger?.get(id);
  if (known === undefined) return s ? { id, version: s.version, doc: s.doc } : undefined;
  const version = Math.floor(known / 2);
  if (s && s.version === version) return { id, version, doc: s.doc };
  if (!o.exclusive) {
    // Since the swap others write the target: newer state there is theirs and correct; a document
    // gone from it was deleted by a newer event that our own stream will bring too.
    if (s && s.version > version) return { id, version: s.version, doc: s.doc };
    return { id, version, doc: null };
  }
  throw new ConflictError(
    `${o.target} does not hold what this run wrote: document ${id} should be at version ${version}, found ${s ? `version ${s.version}` : 'nothing'}`,
    {
      code: 'TARGET_CHANGED',
      context: { index: o.target, id, expectedVersion: version, ...(s ? { foundVersion: s.version } : {}) },
      suggestion:
        'something else wrote or deleted documents in this index during the build (another rebuild, a replay, a manual request); make sure nothing else writes it and rebuild',
    },
  );
}
