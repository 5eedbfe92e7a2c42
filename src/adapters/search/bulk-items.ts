import type { BulkOutcome } from '../../core/ports/search-sink.js';
import type { EncodedWrite } from './bulk-chunks.js';
import { classifyStatus, reasonOf } from './classify-failure.js';

export type BulkItem = Record<string, { status: number; error?: unknown }>;

/**
 * Tallies one bulk answer item by item into `outcome` and returns the writes to send again: a 409 is a
 * stale write by design, a 404 on a delete is already gone, 429 and 5xx items are retried, anything
 * else is a rejected write the caller's policy decides on.
 */
export function tallyBulkItems(items: readonly BulkItem[], chunk: readonly EncodedWrite[], outcome: BulkOutcome) {
  const retry: EncodedWrite[] = [];
  let throttled = 0;
  items.forEach((item, i) => {
    const e = chunk[i]!;
    const w = e.write;
    const r = item.index ?? item.delete ?? Object.values(item)[0]!;
    const kind = classifyStatus(r.status);
    if (r.status >= 200 && r.status < 300) {
      if (w.action === 'index') outcome.written++;
      else outcome.deleted++;
    } else if (r.status === 409) {
      outcome.stale++; // the stored version is newer or equal: by design, nothing to do
    } else if (r.status === 404 && w.action === 'delete') {
      outcome.deleted++; // already gone; the external-version tombstone is still recorded
    } else if (kind === 'throttled' || kind === 'unavailable') {
      if (kind === 'throttled') throttled++;
      retry.push(e);
    } else {
      outcome.rejected.push({ id: w.id, action: w.action, version: w.version, status: r.status, reason: reasonOf(r.error) });
    }
  });
  return { retry, throttled };
}
