import { isReadmodelError } from '../../core/errors.js';
import { sleep, startRetryClock, throwIfAborted, type BackoffPolicy, type RetryClock } from '../../core/retry.js';
import { classifyError, classifyStatus, type FailureKind } from './classify-failure.js';
import { authError, gaveUpError, noAnswerError, shortMessage, type RequestLine, type SinkIdentity } from './sink-errors.js';
import type { SearchRequest, SearchResponse, SearchTransport } from './search-transport.js';

export interface RetryInfo {
  reason: string;
  /** Attempts of this request (or bulk) so far. */
  attempt: number;
  delayMs: number;
  kind: 'throttled' | 'unavailable' | 'too-large';
  /** How long this request has been failing, and how long it may. */
  elapsedMs: number;
  budgetMs: number;
  /** Bulk writes re-sent (bulk requests only). */
  writes?: number;
}

/** Until a node has answered once, a connection failure is more likely a wrong URL than an outage. */
export const FIRST_CONTACT_BUDGET_MS = 10_000;

export interface Attempt {
  res?: SearchResponse;
  failure?: unknown;
  kind: FailureKind | undefined;
}

export interface SinkRequests {
  readonly identity: SinkIdentity;
  readonly transport: SearchTransport;
  readonly policy: BackoffPolicy;
  /**
   * Sends one request, retrying throttling (429) and unavailability (502/503/504, resets, refused
   * connections, timeouts) within the time budget; failures no retry can fix are thrown at once.
   * Any other status is returned as data.
   */
  send(req: SearchRequest, what: string): Promise<SearchResponse>;
  /** Waits before the next attempt (reporting it), or throws SINK_UNAVAILABLE once the budget is spent. */
  pause(
    clock: RetryClock,
    kind: 'throttled' | 'unavailable',
    reason: string,
    what: string,
    req: RequestLine,
    signal?: AbortSignal,
    writes?: number,
  ): Promise<void>;
  /**
   * Sends one request once and classifies the outcome: an HTTP answer (its status class in `kind`) or
   * a failure with none. Our own verdicts thrown by the transport (an engine mismatch) and an abort
   * are thrown as they are. The first answer lifts the short first-contact budget.
   */
  attempt(req: SearchRequest): Promise<Attempt>;
  budgetMs(): number;
  onRetry(info: RetryInfo): void;
}

export function createSinkRequests(o: {
  identity: SinkIdentity;
  transport: SearchTransport;
  policy: BackoffPolicy;
  onRetry?: (info: RetryInfo) => void;
}): SinkRequests {
  let reached = false;
  const budgetMs = () => (reached ? o.policy.budgetMs : Math.min(o.policy.budgetMs, FIRST_CONTACT_BUDGET_MS));

  const self: SinkRequests = {
    identity: o.identity,
    transport: o.transport,
    policy: o.policy,
    budgetMs,
    async attempt(req) {
      try {
        const res = await o.transport.request(req);
        reached = true;
        return { res, kind: classifyStatus(res.status) };
      } catch (failure) {
        if (req.signal?.aborted) throwIfAborted(req.signal);
        // Our own verdicts (an engine mismatch found by the transport) are final, not transient.
        if (isReadmodelError(failure)) throw failure;
        return { failure, kind: classifyError(failure) };
      }
    },
    onRetry: (info) => o.onRetry?.(info),

    async pause(clock, kind, reason, what, req, signal, writes) {
      const budget = budgetMs();
      const delayMs = clock.next(budget);
      if (delayMs === undefined) {
        throw gaveUpError(o.identity, {
          reached,
          kind,
          reason,
          what,
          req,
          attempts: clock.attempts,
          elapsedMs: clock.elapsedMs(),
          budgetMs: budget,
        });
      }
      o.onRetry?.({
        reason,
        attempt: clock.attempts,
        delayMs,
        kind,
        elapsedMs: clock.elapsedMs(),
        budgetMs: budget,
        ...(writes !== undefined ? { writes } : {}),
      });
      await sleep(delayMs, signal);
    },

    async send(req, what) {
      const clock = startRetryClock(o.policy);
      for (;;) {
        throwIfAborted(req.signal);
        const { res, failure, kind } = await self.attempt(req);
        if (res && kind === 'auth') throw authError(o.identity, res.status, res.body, what, req);
        if (res && kind !== 'throttled' && kind !== 'unavailable') return res;
        if (!res && kind !== 'unavailable') throw noAnswerError(o.identity, kind!, failure, what, req);
        await self.pause(
          clock,
          kind as 'throttled' | 'unavailable',
          res ? `HTTP ${res.status}` : shortMessage(failure),
          what,
          req,
          req.signal,
        );
      }
    },
  };
  return self;
}
