import type { IndexBody, SearchSink } from '../core/ports/search-sink.js';

/** Creates one of readmodel's own bookkeeping indices unless it exists; a concurrent creator is fine. */
export async function ensureIndex(sink: SearchSink, index: string, body: IndexBody): Promise<void> {
  if (await sink.indexExists(index)) return;
  try {
    await sink.createIndex(index, body);
  } catch (err) {
    // Another run may have created it between our check and our create.
    if (!(await sink.indexExists(index))) throw err;
  }
}
