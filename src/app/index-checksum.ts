import type { SearchSink } from '../core/ports/search-sink.js';
import { createContentChecksum } from '../core/rebuild/content-checksum.js';

/** Reads an index end to end (after a refresh) and returns its order-independent checksum and size. */
export async function indexChecksum(sink: SearchSink, index: string, sortField: string, signal?: AbortSignal) {
  await sink.refresh(index);
  const sum = createContentChecksum();
  for await (const page of sink.scan(index, { sortField, pageSize: 2000, ...(signal ? { signal } : {}) })) {
    for (const d of page) sum.add(d.id, d.doc);
  }
  return { checksum: sum.digest(), documents: sum.count };
}
