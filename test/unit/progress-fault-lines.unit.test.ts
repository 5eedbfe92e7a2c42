import { describe, expect, it } from 'vitest';
import { plainLine } from '../../src/cli/output/plain-line.js';
import { emptyCounters } from '../../src/core/progress/progress-events.js';

// The plain (CI log) view of retries, splits and throttling; NDJSON carries the same events verbatim.
describe('plain progress lines for faults', () => {
  it('says why a request is retried and how much of the retry budget it has used', () => {
    expect(
      plainLine({ type: 'retry', reason: 'HTTP 503', attempt: 4, delayMs: 1200, kind: 'unavailable', elapsedMs: 3_400, budgetMs: 300_000 }),
    ).toBe('retry #4 in 1200 ms: HTTP 503 (failing for 3.4 s of a 5 min retry budget)');
    expect(plainLine({ type: 'retry', reason: 'ECONNRESET', attempt: 1, delayMs: 10 })).toBe('retry #1 in 10 ms: ECONNRESET');
    expect(
      plainLine({ type: 'retry', reason: 'HTTP 429', attempt: 1, delayMs: 10, kind: 'throttled', elapsedMs: 40, budgetMs: 300_000 }),
    ).toBe('retry #1 in 10 ms: HTTP 429');
  });

  it('reports a 413 split as a split, not as a wait', () => {
    expect(
      plainLine({
        type: 'retry',
        reason: 'HTTP 413: a 500-write bulk of 90000 bytes is too large; split in two',
        attempt: 0,
        delayMs: 0,
        kind: 'too-large',
      }),
    ).toBe('split: HTTP 413: a 500-write bulk of 90000 bytes is too large; split in two');
  });

  it('announces throttling with the limits in force, and when it has cleared', () => {
    expect(plainLine({ type: 'throttle', throttled: true, maxInFlight: 1, maxBulkBytes: 1024 * 1024, maxBulkWrites: 125 })).toBe(
      'throttled by the search engine: now 1 bulk request in flight, bulks of at most 1 MiB / 125 writes',
    );
    expect(plainLine({ type: 'throttle', throttled: true, trend: 'up', maxInFlight: 2, maxBulkBytes: 2 << 20 })).toBe(
      'throttling easing: now 2 bulk requests in flight, bulks of at most 2 MiB',
    );
    expect(plainLine({ type: 'throttle', throttled: false, maxInFlight: 8, maxBulkBytes: 8 << 20 })).toBe(
      'throttling cleared: full concurrency and bulk size again',
    );
  });

  it('counts throttled writes and splits in the progress line', () => {
    const line = plainLine(
      {
        type: 'progress',
        partitions: [{ partition: 0, start: 0, end: 10, position: 5 }],
        counters: { ...emptyCounters(), retries: 40, throttled: 30, splits: 2 },
        eventsPerSec: 1,
        docsPerSec: 1,
        bulkLatencyMs: 1,
      },
      { last: 0 },
      10_000,
    );
    expect(line).toContain('40 retries (30 throttled), 2 splits');
  });
});
