import { SinkRejectedError } from '../../core/errors.js';
import type { BulkOutcome, BulkWrite } from '../../core/ports/search-sink.js';
import { startRetryClock, throwIfAborted } from '../../core/retry.js';
import type { AdaptiveLimiter } from './adaptive-limiter.js';
import { chunkBytes, encodeWrites, parseByteSize, takeChunk, type EncodedWrite } from './bulk-chunks.js';
import { classifyError, classifyStatus, reasonOf } from './classify-failure.js';
import { authError, noAnswerError, shortMessage } from './sink-errors.js';
import type { SinkRequests } from './sink-requests.js';
import type { SearchResponse } from './search-transport.js';

/** Both engines' default http.max_content_length. */
const DEFAULT_MAX_CONTENT_LENGTH = 100 * 1024 * 1024;

export interface BulkWriter {
  bulk(
    index: string,
    writes: readonly BulkWrite[],
    opts?: { signal?: AbortSignal; versionType?: 'external' | 'external_gte' },
  ): Promise<BulkOutcome>;
}

/**
 * Bulk writes under back-pressure. Writes are serialized once and cut into requests by bytes and
 * count, as the shared adaptive limiter currently allows; items the engine throttles (or the whole
 * request) are re-sent after a backoff within the retry budget, a 413 halves the request at once, and
 * a single write the engine still refuses is returned as rejected, never thrown.
 */
export function createBulkWriter(r: SinkRequests, limiter: AdaptiveLimiter): BulkWriter {
  let limitsLearned: Promise<void> | undefined;

  /**
   * Bulks are cut below the engine's http.max_content_length, read once per sink. A node that does not
   * say (no permission, an older version) is assumed to have the default; a 413 still lowers the size.
   */
  function learnLimits(): Promise<void> {
    return (limitsLearned ??= (async () => {
      try {
        const res = await r.transport.request({
          method: 'GET',
          path: '/_cluster/settings',
          query: { include_defaults: true, filter_path: '*.http.max_content_length' },
        });
        const found = ['transient', 'persistent', 'defaults']
          .map((k) => parseByteSize(res.body?.[k]?.http?.max_content_length))
          .filter((n): n is number => n !== undefined && n > 0);
        limiter.capBytes(Math.floor((found.length ? Math.min(...found) : DEFAULT_MAX_CONTENT_LENGTH) * 0.9));
      } catch {
        limiter.capBytes(Math.floor(DEFAULT_MAX_CONTENT_LENGTH * 0.9));
      }
    })());
  }

  /** Sends every write of `pending`, cut by the adaptive limits, until each is written, stale or rejected. */
  async function bulkWrites(index: string, pending: EncodedWrite[], outcome: BulkOutcome, signal: AbortSignal | undefined) {
    const what = `a bulk write to ${index}`;
    const req = { method: 'POST', path: '/_bulk' } as const;
    const clock = startRetryClock(r.policy);
    while (pending.length > 0) {
      throwIfAborted(signal);
      const chunk = takeChunk(pending, limiter.bulkWrites, limiter.bulkBytes);
      const bytes = chunkBytes(chunk);
      const permit = await limiter.acquire(signal);
      let res: SearchResponse | undefined;
      let failure: unknown;
      try {
        res = await r.transport.request({ ...req, ndjson: chunk.map((c) => c.ndjson).join(''), ...(signal ? { signal } : {}) });
      } catch (err) {
        failure = err;
      }
      if (signal?.aborted) {
        permit.release();
        throwIfAborted(signal);
      }
      if (res) r.answered();
      const kind = res ? classifyStatus(res.status) : classifyError(failure);

      if (res && res.status >= 200 && res.status < 300) {
        const items = (res.body?.items ?? []) as Array<Record<string, { status: number; error?: unknown }>>;
        if (items.length !== chunk.length) {
          permit.release();
          throw new SinkRejectedError(
            `${r.identity.engine} answered a bulk write to ${index} with ${items.length} results for ${chunk.length} writes`,
            {
              context: { node: r.identity.node, index, status: res.status },
            },
          );
        }
        const retry: EncodedWrite[] = [];
        let throttledItems = 0;
        items.forEach((item, i) => {
          const e = chunk[i]!;
          const w = e.write;
          const r = item.index ?? item.delete ?? Object.values(item)[0]!;
          const itemKind = classifyStatus(r.status);
          if (r.status >= 200 && r.status < 300) {
            if (w.action === 'index') outcome.written++;
            else outcome.deleted++;
          } else if (r.status === 409) {
            outcome.stale++; // the stored version is newer or equal: by design, nothing to do
          } else if (r.status === 404 && w.action === 'delete') {
            outcome.deleted++; // already gone; the external-version tombstone is still recorded
          } else if (itemKind === 'throttled' || itemKind === 'unavailable') {
            if (itemKind === 'throttled') throttledItems++;
            retry.push(e);
          } else {
            outcome.rejected.push({ id: w.id, action: w.action, version: w.version, status: r.status, reason: reasonOf(r.error) });
          }
        });
        if (throttledItems > 0) limiter.throttled(permit, chunk.length, bytes);
        else if (retry.length === 0) limiter.succeeded(permit);
        permit.release();
        if (retry.length === 0) {
          clock.progress(true);
          continue;
        }
        if (retry.length < chunk.length) clock.progress();
        outcome.retries += retry.length;
        outcome.throttled += throttledItems;
        pending.unshift(...retry);
        const reason = `${retry.length} of ${chunk.length} bulk items ${throttledItems > 0 ? 'throttled (429)' : 'unavailable'}`;
        await r.pause(clock, throttledItems > 0 ? 'throttled' : 'unavailable', reason, what, req, signal, retry.length);
        continue;
      }

      if (kind === 'too-large') {
        permit.release();
        if (chunk.length === 1) {
          const w = chunk[0]!.write;
          outcome.rejected.push({
            id: w.id,
            action: w.action,
            version: w.version,
            status: 413,
            reason: `the document is too large for ${r.identity.engine}: its ${bytes}-byte bulk request exceeds the engine's http.max_content_length (HTTP 413)`,
          });
          continue;
        }
        // Halve and go again at once: the engine is healthy, the request was too big. The limiter
        // keeps the lower size for every later bulk of this sink.
        limiter.tooLarge(Math.ceil(bytes / 2) + 1);
        outcome.splits++;
        pending.unshift(...chunk);
        r.onRetry({
          reason: `HTTP 413: a ${chunk.length}-write bulk of ${bytes} bytes is too large; split in two`,
          attempt: clock.attempts,
          delayMs: 0,
          kind: 'too-large',
          elapsedMs: clock.elapsedMs(),
          budgetMs: r.budgetMs(),
          writes: chunk.length,
        });
        continue;
      }

      if (kind === 'throttled' || kind === 'unavailable') {
        if (kind === 'throttled') {
          limiter.throttled(permit, chunk.length, bytes);
          outcome.throttled += chunk.length;
        }
        permit.release();
        // Resending is safe even when the lost answer hid a bulk the engine did apply (a reset or a
        // timeout after the write): every write carries the aggregate version as an external
        // version, so a write applied twice comes back the second time as a version conflict
        // (counted as stale), and can never put an older state over a newer one.
        outcome.retries += chunk.length;
        pending.unshift(...chunk);
        await r.pause(clock, kind, res ? `HTTP ${res.status}` : shortMessage(failure), what, req, signal, chunk.length);
        continue;
      }

      permit.release();
      if (res && kind === 'auth') throw authError(r.identity, res.status, res.body, what, req);
      if (!res) throw noAnswerError(r.identity, kind!, failure, what, req);
      throw new SinkRejectedError(`${r.identity.engine} refused ${what}: ${reasonOf(res.body)}`, {
        context: { node: r.identity.node, index, request: `${req.method} ${req.path}`, status: res.status, writes: chunk.length },
      });
    }
  }

  return {
    async bulk(index, writes, opts = {}) {
      const started = Date.now();
      const outcome: BulkOutcome = { written: 0, deleted: 0, stale: 0, retries: 0, throttled: 0, splits: 0, rejected: [], tookMs: 0 };
      if (writes.length > 0) {
        await learnLimits();
        await bulkWrites(index, encodeWrites(index, writes, opts.versionType ?? 'external'), outcome, opts.signal);
      }
      outcome.tookMs = Date.now() - started;
      return outcome;
    },
  };
}
