import { describe, expect, it } from 'vitest';
import { createAdaptiveLimiter, type LimiterState } from '../../src/adapters/search/adaptive-limiter.js';
import { encodeWrites, parseByteSize, takeChunk } from '../../src/adapters/search/bulk-chunks.js';
import { classifyError, classifyStatus, reasonOf } from '../../src/adapters/search/classify-failure.js';
import { backoffDelay, DEFAULT_BACKOFF, describeDuration, parseRetryBudget, startRetryClock } from '../../src/core/retry.js';

describe('retry clock (time budget, full jitter)', () => {
  it('defaults to a budget of at least five minutes', () => {
    expect(DEFAULT_BACKOFF.budgetMs).toBeGreaterThanOrEqual(5 * 60_000);
  });

  it('draws delays up to an exponential cap that stops at maxMs', () => {
    const policy = { baseMs: 100, maxMs: 1_000 };
    expect(backoffDelay(0, policy, () => 0.999)).toBe(99);
    expect(backoffDelay(3, policy, () => 0.999)).toBe(799);
    expect(backoffDelay(10, policy, () => 0.999)).toBe(999);
    expect(backoffDelay(1000, policy, () => 0.5)).toBe(500);
    expect(backoffDelay(5, policy, () => 0)).toBe(0);
  });

  it('keeps retrying until the budget is spent, never sleeping past it, however many attempts that takes', () => {
    let now = 0;
    const clock = startRetryClock(
      { budgetMs: 10_000, baseMs: 100, maxMs: 1_000 },
      () => now,
      () => 0.999,
    );
    const delays: number[] = [];
    for (;;) {
      const d = clock.next();
      if (d === undefined) break;
      delays.push(d);
      now += d;
    }
    expect(delays.length).toBeGreaterThan(8);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1_000);
    expect(clock.attempts).toBe(delays.length + 1);
    expect(clock.elapsedMs()).toBe(10_000);
  });

  it('restarts the clock on progress: partial progress steps the delay back once, a full success resets it', () => {
    let now = 0;
    const clock = startRetryClock(
      { budgetMs: 1_000, baseMs: 100, maxMs: 100_000 },
      () => now,
      () => 0.999,
    );
    expect([clock.next(), clock.next(), clock.next()]).toEqual([99, 199, 399]);
    now = 900;
    clock.progress();
    expect(clock.elapsedMs()).toBe(0);
    expect(clock.next()).toBe(399); // stepped back from 799
    clock.progress(true);
    expect(clock.next()).toBe(99);
    now = 1_900;
    expect(clock.next()).toBeUndefined();
    expect(clock.next(5_000)).toBe(199); // a larger budget passed in
  });

  it('reads a retry budget from config or flags: a duration, milliseconds or "unbounded"', () => {
    expect(parseRetryBudget('5m')).toBe(300_000);
    expect(parseRetryBudget('90s')).toBe(90_000);
    expect(parseRetryBudget('1.5h')).toBe(5_400_000);
    expect(parseRetryBudget('2500')).toBe(2_500);
    expect(parseRetryBudget(60_000)).toBe(60_000);
    expect(parseRetryBudget('unbounded')).toBe(Number.POSITIVE_INFINITY);
    for (const bad of ['soon', '-5s', '5 minutes', '', -1]) expect(parseRetryBudget(bad)).toBeUndefined();
    let now = 0;
    const clock = startRetryClock(
      { budgetMs: Number.POSITIVE_INFINITY, baseMs: 100, maxMs: 1_000 },
      () => now,
      () => 0.5,
    );
    now = 10 * 24 * 3_600_000;
    expect(clock.next()).toBe(50);
  });

  it('describes how long something was tried', () => {
    expect(describeDuration(850)).toBe('850 ms');
    expect(describeDuration(12_300)).toBe('12 s');
    expect(describeDuration(300_000)).toBe('5 min');
    expect(describeDuration(252_000)).toBe('4 min 12 s');
    expect(describeDuration(Number.POSITIVE_INFINITY)).toBe('unbounded');
  });
});

describe('adaptive limiter (AIMD)', () => {
  const make = (changes: LimiterState[] = []) =>
    createAdaptiveLimiter({
      maxInFlight: 4,
      maxBulkBytes: 8_000_000,
      minBulkBytes: 1_000,
      minBulkWrites: 10,
      onChange: (s) => changes.push(s),
    });

  it('halves in-flight permits and bulk size on throttling, once per congestion event', async () => {
    const changes: LimiterState[] = [];
    const l = make(changes);
    const a = await l.acquire();
    const b = await l.acquire();
    const c = await l.acquire();
    const d = await l.acquire();
    l.throttled(a, 1000, 2_000_000);
    // b, c and d were already in flight when the engine pushed back: they do not halve again.
    l.throttled(b, 1000, 2_000_000);
    l.throttled(c, 1000, 2_000_000);
    expect(l.state).toEqual({ throttled: true, trend: 'down', maxInFlight: 2, maxBulkBytes: 1_000_000, maxBulkWrites: 500 });
    expect(changes).toHaveLength(1);
    for (const p of [a, b, c, d]) p.release();
    const e = await l.acquire();
    l.throttled(e, 500, 1_000_000);
    expect(l.state).toEqual({ throttled: true, trend: 'down', maxInFlight: 1, maxBulkBytes: 500_000, maxBulkWrites: 250 });
    e.release();
    // Throttled again at the floor: nothing changes, nothing is reported.
    const f = await l.acquire();
    l.throttled(f, 16, 1_000);
    f.release();
    expect(l.state).toMatchObject({ maxInFlight: 1, maxBulkBytes: 1_000, maxBulkWrites: 10 });
    const reported = changes.length;
    const h = await l.acquire();
    l.throttled(h, 16, 1_000);
    h.release();
    expect(changes).toHaveLength(reported);
  });

  it('queues callers beyond the permits and lets them through as permits free up', async () => {
    const l = make();
    const held = await Promise.all([l.acquire(), l.acquire()]);
    l.throttled(held[0]!, 100, 10_000); // 2 in flight -> 1 permit
    held.forEach((p) => p.release());
    const first = await l.acquire();
    let second = false;
    const waiting = l.acquire().then((p) => {
      second = true;
      return p;
    });
    await Promise.resolve();
    expect(second).toBe(false);
    first.release();
    (await waiting).release();
    expect(second).toBe(true);
  });

  it('grows back on success until the original limits return, then reports throttling cleared', async () => {
    const changes: LimiterState[] = [];
    const l = make(changes);
    const [a, b] = await Promise.all([l.acquire(), l.acquire()]);
    l.throttled(a, 800, 400_000);
    a.release();
    b.release();
    expect(l.bulkWrites).toBe(400);
    for (let i = 0; i < 30 && l.state.throttled; i++) {
      const p = await l.acquire();
      l.succeeded(p);
      p.release();
    }
    expect(l.state).toEqual({ throttled: false, trend: 'up', maxInFlight: 4, maxBulkBytes: 8_000_000 });
    expect(l.bulkWrites).toBe(Number.POSITIVE_INFINITY);
    expect(changes.map((c) => [c.trend, c.maxInFlight])).toEqual([
      ['down', 1],
      ['up', 2],
      ['up', 3],
      ['up', 4],
    ]);
    expect(changes.at(-1)).toMatchObject({ throttled: false });
  });

  it('never goes back above a size the engine refused (413) or its http.max_content_length', async () => {
    const l = make();
    l.capBytes(5_000_000);
    expect(l.bulkBytes).toBe(5_000_000);
    l.tooLarge(30_001);
    expect(l.bulkBytes).toBe(30_000);
    const p = await l.acquire();
    l.throttled(p, 100, 30_000);
    p.release();
    for (let i = 0; i < 30; i++) {
      const q = await l.acquire();
      l.succeeded(q);
      q.release();
    }
    expect(l.bulkBytes).toBe(30_000);
  });

  it('stops waiting when the run is aborted', async () => {
    const l = createAdaptiveLimiter({ maxInFlight: 1, maxBulkBytes: 1_000 });
    const held = await l.acquire();
    const ac = new AbortController();
    const waiting = l.acquire(ac.signal);
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    held.release();
    (await l.acquire()).release();
  });
});

describe('bulk chunks', () => {
  const writes = encodeWrites(
    'idx',
    [
      { action: 'index', id: 'a', version: 2, doc: { n: 'é'.repeat(10) } },
      { action: 'delete', id: 'b', version: 3 },
      { action: 'index', id: 'c', version: 1, doc: { n: 'x'.repeat(100) } },
    ],
    'external',
  );

  it('serializes each write once as NDJSON with its byte size', () => {
    expect(writes[0]!.ndjson).toBe(
      `{"index":{"_index":"idx","_id":"a","version":2,"version_type":"external"}}\n{"n":"${'é'.repeat(10)}"}\n`,
    );
    expect(writes[0]!.bytes).toBe(Buffer.byteLength(writes[0]!.ndjson));
    expect(writes[0]!.bytes).toBeGreaterThan(writes[0]!.ndjson.length);
    expect(writes[1]!.ndjson).toBe('{"delete":{"_index":"idx","_id":"b","version":3,"version_type":"external"}}\n');
  });

  it('cuts the longest prefix within both limits, and at least one write', () => {
    const pending = [...writes];
    expect(takeChunk(pending, 10, writes[0]!.bytes + writes[1]!.bytes).map((e) => e.write.id)).toEqual(['a', 'b']);
    expect(takeChunk(pending, 10, 10).map((e) => e.write.id)).toEqual(['c']);
    expect(pending).toEqual([]);
    const again = [...writes];
    expect(takeChunk(again, 1, 1e9).map((e) => e.write.id)).toEqual(['a']);
  });

  it('parses the engines byte sizes', () => {
    expect(parseByteSize('100mb')).toBe(100 * 1024 * 1024);
    expect(parseByteSize('512kb')).toBe(512 * 1024);
    expect(parseByteSize('2gb')).toBe(2 * 1024 ** 3);
    expect(parseByteSize('1000')).toBe(1000);
    expect(parseByteSize('lots')).toBeUndefined();
    expect(parseByteSize(undefined)).toBeUndefined();
  });
});

describe('failure classification', () => {
  it('classifies statuses', () => {
    expect([429, 502, 503, 504, 413, 401, 403, 400, 404, 500].map(classifyStatus)).toEqual([
      'throttled',
      'unavailable',
      'unavailable',
      'unavailable',
      'too-large',
      'auth',
      'auth',
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('classifies failures without an answer: certificates at once, connection trouble as transient', () => {
    const named = (name: string, message: string) => Object.assign(new Error(message), { name });
    expect(classifyError(named('ConnectionError', 'self-signed certificate; if the root CA is installed locally, ...'))).toBe('tls');
    expect(classifyError(named('ConnectionError', 'unable to verify the first certificate'))).toBe('tls');
    expect(classifyError(named('ConnectionError', "Hostname/IP does not match certificate's altnames: IP: 10.0.0.1"))).toBe('tls');
    expect(classifyError(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' }))).toBe('tls');
    expect(
      classifyError(
        named('ConnectionError', 'write EPROTO 40DD:error:0A00010B:SSL routines:tls_validate_record_header:wrong version number'),
      ),
    ).toBe('tls');
    expect(classifyError(named('ConnectionError', 'connect ECONNREFUSED 127.0.0.1:1'))).toBe('unavailable');
    expect(classifyError(named('ConnectionError', 'socket hang up'))).toBe('unavailable');
    expect(classifyError(named('TimeoutError', 'Request timed out'))).toBe('unavailable');
    expect(classifyError(Object.assign(new Error('read'), { code: 'ECONNRESET' }))).toBe('unavailable');
    expect(classifyError(named('ProductNotSupportedError', 'not Elasticsearch'))).toBe('fatal');
  });

  it('turns error answers into one short line, HTML pages into their title', () => {
    expect(reasonOf(undefined)).toBe('no details');
    expect(reasonOf('')).toBe('no details');
    expect(reasonOf({ error: { type: 'mapper_parsing_exception', reason: 'failed to parse', caused_by: { reason: 'bad date' } } })).toBe(
      'failed to parse (bad date)',
    );
    expect(reasonOf('<html><head><title>401 Authorization Required</title></head><body><h1>nope</h1></body></html>')).toBe(
      '401 Authorization Required',
    );
    expect(reasonOf('<html><body><h1>Forbidden</h1><p>go away</p></body></html>')).toBe('Forbidden go away');
    expect(reasonOf(`<html><body>${'x'.repeat(500)}</body></html>`).length).toBeLessThanOrEqual(160);
  });
});
