import type { SearchSink, StoredDoc } from '../core/ports/search-sink.js';

/** Ids per real-time read request, so a huge batch with a tiny cache never sends one giant _mget. */
const MGET_CHUNK = 1000;

/**
 * Real-time reads of many documents, MGET_CHUNK ids per request and at most `lanes` requests at once.
 * Each chunk's answer goes to `found` as it arrives (a missing id is absent from it); the first
 * failure, of a read or of `found`, stops every lane and is thrown.
 */
export async function readInChunks(
  sink: SearchSink,
  index: string,
  ids: readonly string[],
  found: (chunk: readonly string[], docs: Map<string, StoredDoc>) => void,
  lanes = 1,
): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < ids.length) {
      const chunk = ids.slice(next, (next += MGET_CHUNK));
      try {
        found(chunk, await sink.getMany(index, chunk));
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
}
