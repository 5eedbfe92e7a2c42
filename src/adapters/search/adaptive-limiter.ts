import { AbortedError } from '../../core/errors.js';

/** What the limiter currently allows; reported to progress whenever it changes. */
export interface LimiterState {
  /** True from the first throttling until every limit has grown back. */
  throttled: boolean;
  /** Bulk requests allowed in flight at once. */
  maxInFlight: number;
  /** Largest bulk request body now sent, in bytes. */
  maxBulkBytes: number;
  /** Most writes now sent in one bulk request (undefined: only bytes limit it). */
  maxBulkWrites?: number;
  /** Whether this change lowered the limits (the engine pushed back) or raised them (it recovers). */
  trend: 'down' | 'up';
}

export interface AdaptiveLimiterOptions {
  /** Never more requests in flight than this, whatever callers ask. */
  maxInFlight: number;
  /** The byte size bulks are cut to when nothing pushes back (kept below the engine's limit). */
  maxBulkBytes: number;
  /** Throttling never shrinks bulks below these (a 413 can still lower the byte size further). */
  minBulkBytes?: number;
  minBulkWrites?: number;
  onChange?: (state: LimiterState) => void;
}

export interface Permit {
  /** The limiter's epoch when the request started: a decrease reacts once per congestion event. */
  readonly epoch: number;
  release(): void;
}

export interface AdaptiveLimiter {
  acquire(signal?: AbortSignal): Promise<Permit>;
  /** The engine throttled a request (429, whole or per item): halve concurrency and bulk size. */
  throttled(permit: Permit, writes: number, bytes: number): void;
  /** A request went through untouched: grow back (one more permit per window, sizes doubling). */
  succeeded(permit: Permit): void;
  /** The engine refused a body of this size (413): never send one this large again. */
  tooLarge(bytes: number): void;
  /** The engine's http.max_content_length, once known: bulks stay below it. */
  capBytes(maxContentLength: number): void;
  readonly state: LimiterState;
  /** Current per-request caps: how the next bulk request is cut. */
  readonly bulkBytes: number;
  readonly bulkWrites: number;
}

/**
 * Additive-increase, multiplicative-decrease, as TCP does for congestion: one instance per sink, so
 * every bulk call of a run shares it and callers' own in-flight limits are only upper bounds. On
 * throttling the permits and the bulk size halve (once per congestion event: requests already in
 * flight when it happened do not halve again); each success under the new limits adds back 1/limit
 * of a permit (one permit per window) and doubles the bulk size, until the original limits are back.
 */
export function createAdaptiveLimiter(o: AdaptiveLimiterOptions): AdaptiveLimiter {
  const minBytes = o.minBulkBytes ?? 64 * 1024;
  const minWrites = o.minBulkWrites ?? 16;
  let ceilingBytes = o.maxBulkBytes;
  let limit = Math.max(1, o.maxInFlight);
  let bytesCap = ceilingBytes;
  let writesCap = Number.POSITIVE_INFINITY;
  let largestRequestWrites = 0;
  let inFlight = 0;
  let peakDemand = 1;
  let epoch = 0;
  let throttled = false;
  const waiters: Array<{ wake: () => void }> = [];

  const permits = () => Math.max(1, Math.floor(limit));
  let trend: LimiterState['trend'] = 'up';
  let last = '';
  const state = (): LimiterState => ({
    throttled,
    trend,
    maxInFlight: permits(),
    maxBulkBytes: bytesCap,
    ...(Number.isFinite(writesCap) ? { maxBulkWrites: writesCap } : {}),
  });
  /** Reports a change of the limits; a repeated throttle at the floor changes nothing and says nothing. */
  const changed = (t: LimiterState['trend']) => {
    trend = t;
    const now = state();
    const key = JSON.stringify({ ...now, trend: undefined });
    if (key === last) return;
    last = key;
    o.onChange?.(now);
  };

  function wake() {
    while (waiters.length > 0 && inFlight < permits()) {
      inFlight++;
      waiters.shift()!.wake();
    }
  }

  function permit(): Permit {
    let released = false;
    return {
      epoch,
      release() {
        if (released) return;
        released = true;
        inFlight--;
        wake();
      },
    };
  }

  return {
    acquire(signal) {
      peakDemand = Math.max(peakDemand, inFlight + waiters.length + 1);
      if (inFlight < permits() && waiters.length === 0) {
        inFlight++;
        return Promise.resolve(permit());
      }
      return new Promise<Permit>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason ?? new AbortedError());
        const entry = {
          wake: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve(permit());
          },
        };
        const onAbort = () => {
          const i = waiters.indexOf(entry);
          if (i >= 0) waiters.splice(i, 1);
          reject(signal!.reason ?? new AbortedError());
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(entry);
      });
    },

    throttled(p, writes, bytes) {
      largestRequestWrites = Math.max(largestRequestWrites, writes);
      if (p.epoch < epoch) return;
      epoch++;
      limit = Math.max(1, Math.floor(Math.min(limit, inFlight) / 2));
      writesCap = Math.max(minWrites, Math.floor(Math.min(writesCap, writes) / 2));
      bytesCap = Math.min(ceilingBytes, Math.max(minBytes, Math.floor(Math.min(bytesCap, bytes) / 2)));
      throttled = true;
      changed('down');
    },

    succeeded(p) {
      if (!throttled || p.epoch < epoch) return;
      const before = permits();
      limit = Math.min(Math.max(1, o.maxInFlight), limit + 1 / limit);
      writesCap = writesCap * 2 >= largestRequestWrites ? Number.POSITIVE_INFINITY : writesCap * 2;
      bytesCap = Math.min(ceilingBytes, bytesCap * 2);
      const recovered = permits() >= Math.min(o.maxInFlight, peakDemand) && !Number.isFinite(writesCap) && bytesCap >= ceilingBytes;
      if (recovered) {
        throttled = false;
        limit = Math.max(1, o.maxInFlight);
      }
      if (recovered || permits() !== before) changed('up');
      wake();
    },

    tooLarge(bytes) {
      ceilingBytes = Math.max(1, Math.min(ceilingBytes, bytes - 1));
      bytesCap = Math.min(bytesCap, ceilingBytes);
    },

    capBytes(maxContentLength) {
      ceilingBytes = Math.max(1, Math.min(ceilingBytes, maxContentLength));
      bytesCap = Math.min(bytesCap, ceilingBytes);
    },

    get state() {
      return state();
    },
    get bulkBytes() {
      return bytesCap;
    },
    get bulkWrites() {
      return writesCap;
    },
  };
}
