import { AbortedError } from './errors.js';
import { parseDuration } from './lag/duration.js';

/**
 * How long a failing request keeps being retried. The limit is time, not a number of attempts: an
 * overloaded cluster (429) or a restarting node (resets, 503) recovers on its own schedule, and a
 * fixed handful of attempts gives up seconds into a storm that would have cleared a minute later.
 */
export interface BackoffPolicy {
  /** Give up once a request has failed, without any progress, for this long. */
  budgetMs: number;
  /** First delay cap; each further attempt doubles it... */
  baseMs: number;
  /** ...up to this cap. */
  maxMs: number;
}

/** Five minutes, as Elastic advises for bulk indexing under back-pressure. */
export const DEFAULT_RETRY_BUDGET_MS = 5 * 60_000;

export const DEFAULT_BACKOFF: BackoffPolicy = { budgetMs: DEFAULT_RETRY_BUDGET_MS, baseMs: 200, maxMs: 10_000 };

/** "Full jitter": a random delay up to the exponential cap, so many retrying writers spread out. */
export function backoffDelay(attempt: number, policy: Pick<BackoffPolicy, 'baseMs' | 'maxMs'>, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}

/**
 * The retry state of one operation: attempts so far and the time it has been failing. `next()` gives
 * the delay before the next attempt, or undefined once the budget is spent. `progress()` restarts the
 * clock, because a bulk whose items partly succeed is not stuck; it steps the delay back by one
 * doubling only (the engine is still pushing back), and `progress(true)`, for a full success, resets it.
 */
export interface RetryClock {
  readonly attempts: number;
  /** Milliseconds since the operation started failing (since the last progress). */
  elapsedMs(): number;
  /** The delay before the next attempt; undefined once `budgetMs` (default: the policy's) is spent. */
  next(budgetMs?: number): number | undefined;
  progress(full?: boolean): void;
}

export function startRetryClock(policy: BackoffPolicy, now: () => number = Date.now, random: () => number = Math.random): RetryClock {
  let since = now();
  let attempts = 0;
  let failing = 0;
  return {
    get attempts() {
      return attempts;
    },
    elapsedMs: () => now() - since,
    next(budgetMs = policy.budgetMs) {
      attempts++;
      const remaining = budgetMs - (now() - since);
      if (remaining <= 0) return undefined;
      // Never sleep past the budget: the last attempt happens when the budget ends, not after.
      return Math.min(remaining, backoffDelay(failing++, policy, random));
    },
    progress(full = false) {
      since = now();
      failing = full ? 0 : Math.max(0, failing - 1);
    },
  };
}

/**
 * A retry budget as written in config or flags: a duration ("90s", "10m", "1h", plain ms) or
 * "unbounded" (wait for as long as it takes, for a live consumer). Undefined when it is neither.
 */
export function parseRetryBudget(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text : undefined;
  if (/^\s*unbounded\s*$/i.test(text)) return Number.POSITIVE_INFINITY;
  return parseDuration(text);
}

/** "4 min 12 s", "850 ms": how long something was tried, for messages. */
export function describeDuration(ms: number): string {
  if (ms === Number.POSITIVE_INFINITY) return 'unbounded';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new AbortedError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason ?? new AbortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new AbortedError();
}
