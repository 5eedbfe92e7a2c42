import { canonicalJson } from '../core/canonical-json.js';
import type { BulkWrite, StoredDoc } from '../core/ports/search-sink.js';

export type ReplayCheck =
  | { id: string; status: 'ok' }
  /** The index holds a newer version of the document: the live consumer got there first. */
  | { id: string; status: 'newer'; storedVersion: number }
  /** The document is absent although the replay wrote it: a delete with a higher version is in the way. */
  | { id: string; status: 'absent'; expectedVersion: number }
  /** Present, but not at the replayed version and content. */
  | { id: string; status: 'different'; expectedVersion: number; storedVersion: number };

/**
 * What the target really holds after a replay's writes. A version-guarded write that "lost" only
 * proves the engine had a higher version for that id, not that the document is there: after a plain
 * `DELETE /<index>/_doc/<id>` the engine keeps a tombstone at the next internal version (until
 * `index.gc_deletes` expires it) and refuses the replayed state as older, leaving the document missing.
 */
export function verifyReplayed(writes: readonly BulkWrite[], stored: ReadonlyMap<string, StoredDoc>): ReplayCheck[] {
  return writes.map((w): ReplayCheck => {
    const s = stored.get(w.id);
    if (w.action === 'delete') {
      if (!s) return { id: w.id, status: 'ok' };
      return s.version > w.version
        ? { id: w.id, status: 'newer', storedVersion: s.version }
        : { id: w.id, status: 'different', expectedVersion: w.version, storedVersion: s.version };
    }
    if (!s) return { id: w.id, status: 'absent', expectedVersion: w.version };
    if (s.version > w.version) return { id: w.id, status: 'newer', storedVersion: s.version };
    if (s.version === w.version && canonicalJson(s.doc) === canonicalJson(w.doc)) return { id: w.id, status: 'ok' };
    return { id: w.id, status: 'different', expectedVersion: w.version, storedVersion: s.version };
  });
}
