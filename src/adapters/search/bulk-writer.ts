import { SinkRejectedError } from '../../core/errors.js';
import type { BulkOutcome, BulkWrite } from '../../core/ports/search-sink.js';
import { startRetryClock, throwIfAborted, type RetryClock } from '../../core/retry.js';
import type { AdaptiveLimiter } from './adaptive-limiter.js';
import { chunkBytes, encodeWrites, parseByteSize, takeChunk, type EncodedWrite } from './bulk-chunks.js';
import { tallyBulkItems, type BulkItem } from './bulk-items.js';
import { reasonOf, type FailureKind } from './classify-failure.js';
import { authError, noAnswerError, shortMessage } from './sink-errors.js';
import type { Attempt, SinkRequests } from './sink-requests.js';
import type { SearchResponse } from './search-transport.js';

const BULK = { method: 'POST', path: '/_bulk' } as const;
/**
 * Only what the tally reads: each item's status and, for a failed one, its error. Every item keeps
 * its entry (so results still pair with writes by position), but not the 150-odd bytes of _index,
 * _id, _version, _shards, _seq_no... each, which made parsing the answers a visible share of a rebuild.
 */
const BULK_QUERY = { filter_path: 'errors,items.*.status,items.*.error' } as const;

/** One call's state: what is left to send, what happened so far, and its retry clock. */
interface BulkRun {
  index: string;
  pending: EncodedWrite[];
  outcome: BulkOutcome;
  signal: AbortSignal | undefined;
  clock: RetryClock;
  what: string;
}

type Permit = Awaited<ReturnType<AdaptiveLimiter['acquire']>>;

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
    const run: BulkRun = { index, pending, outcome, signal, clock: startRetryClock(r.policy), what: `a bulk write to ${index}` };
    while (pending.length > 0) {
      throwIfAborted(signal);
      const chunk = takeChunk(pending, limiter.bulkWrites, limiter.bulkBytes);
      const bytes = chunkBytes(chunk);
      const permit = await limiter.acquire(signal);
      let attempt: Attempt;
      try {
        attempt = await r.attempt({
          ...BULK,
          query: BULK_QUERY,
          ndjson: chunk.map((c) => c.ndjson).join(''),
          ...(signal ? { signal } : {}),
        });
      } catch (err) {
        permit.release();
        throw err;
      }
      const { res, failure, kind } = attempt;
      if (res && res.status >= 200 && res.status < 300) await answered(run, res, chunk, bytes, permit);
      else if (kind === 'too-large') tooLarge(run, chunk, bytes, permit);
      else if (kind === 'throttled' || kind === 'unavailable') await retryLater(run, kind, res, failure, chunk, bytes, permit);
      else {
        permit.release();
        throw refused(run, kind, res, failure, chunk.length);
      }
    }
  }

  /** A 2xx bulk answer: tally its items; throttled or unavailable items go back to the front. */
  async function answered(run: BulkRun, res: SearchResponse, chunk: EncodedWrite[], bytes: number, permit: Permit) {
    const items = (res.body?.items ?? []) as BulkItem[];
    if (items.length !== chunk.length) {
      permit.release();
      throw new SinkRejectedError(
        `${r.identity.engine} answered a bulk write to ${run.index} with ${items.length} results for ${chunk.length} writes`,
        { context: { node: r.identity.node, index: run.index, status: res.status } },
      );
    }
    const { retry, throttled } = tallyBulkItems(items, chunk, run.outcome);
    if (throttled > 0) limiter.throttled(permit, chunk.length, bytes);
    else if (retry.length === 0) limiter.succeeded(permit);
    permit.release();
    if (retry.length === 0) return run.clock.progress(true);
    if (retry.length < chunk.length) run.clock.progress();
    run.outcome.retries += retry.length;
    run.outcome.throttled += throttled;
    run.pending.unshift(...retry);
    const reason = `${retry.length} of ${chunk.length} bulk items ${throttled > 0 ? 'throttled (429)' : 'unavailable'}`;
    await r.pause(run.clock, throttled > 0 ? 'throttled' : 'unavailable', reason, run.what, BULK, run.signal, retry.length);
  }

  /** 413: halve and go again at once (the engine is healthy); a single write that still does not fit is rejected. */
  function tooLarge(run: BulkRun, chunk: EncodedWrite[], bytes: number, permit: Permit) {
    permit.release();
    if (chunk.length === 1) {
      const w = chunk[0]!.write;
      run.outcome.rejected.push({
        id: w.id,
        action: w.action,
        version: w.version,
        status: 413,
        reason: `the document is too large for ${r.identity.engine}: its ${bytes}-byte bulk request exceeds the engine's http.max_content_length (HTTP 413)`,
      });
      return;
    }
    // The limiter keeps the lower size for every later bulk of this sink.
    limiter.tooLarge(Math.ceil(bytes / 2) + 1);
    run.outcome.splits++;
    run.pending.unshift(...chunk);
    r.onRetry({
      reason: `HTTP 413: a ${chunk.length}-write bulk of ${bytes} bytes is too large; split in two`,
      attempt: run.clock.attempts,
      delayMs: 0,
      kind: 'too-large',
      elapsedMs: run.clock.elapsedMs(),
      budgetMs: r.budgetMs(),
      writes: chunk.length,
    });
  }

  /** A throttled or unavailable request (or a lost answer): back off within the budget, then resend it whole. */
  async function retryLater(
    run: BulkRun,
    kind: 'throttled' | 'unavailable',
    res: SearchResponse | undefined,
    failure: unknown,
    chunk: EncodedWrite[],
    bytes: number,
    permit: Permit,
  ) {
    if (kind === 'throttled') {
      limiter.throttled(permit, chunk.length, bytes);
      run.outcome.throttled += chunk.length;
    }
    permit.release();
    // Resending is safe even when the lost answer hid a bulk the engine did apply (a reset or a
    // timeout after the write): every write carries the aggregate version as an external version, so
    // a write applied twice comes back the second time as a version conflict (counted as stale), and
    // can never put an older state over a newer one.
    run.outcome.retries += chunk.length;
    run.pending.unshift(...chunk);
    await r.pause(run.clock, kind, res ? `HTTP ${res.status}` : shortMessage(failure), run.what, BULK, run.signal, chunk.length);
  }

  /** Anything else is final: refused credentials, no answer at all, or a request the engine refused. */
  function refused(run: BulkRun, kind: FailureKind | undefined, res: SearchResponse | undefined, failure: unknown, writes: number) {
    if (res && kind === 'auth') return authError(r.identity, res.status, res.body, run.what, BULK);
    if (!res) return noAnswerError(r.identity, kind!, failure, run.what, BULK);
    return new SinkRejectedError(`${r.identity.engine} refused ${run.what}: ${reasonOf(res.body)}`, {
      context: { node: r.identity.node, index: run.index, request: `${BULK.method} ${BULK.path}`, status: res.status, writes },
    });
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
