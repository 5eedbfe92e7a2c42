import { afterAll, describe, expect, it } from 'vitest';
import { LEASE_INDEX, acquireLease, readLease } from '../../src/app/lease-store.js';
import type { SearchSink } from '../../src/core/ports/search-sink.js';
import { ENGINES, sinkFor, uniqueName } from '../support/services.js';

/** The sink with its lease renewals (conditional putDoc) replaced by `renewal`. */
function withRenewal(
  sink: SearchSink,
  renewal: (...args: Parameters<SearchSink['putDoc']>) => ReturnType<SearchSink['putDoc']>,
): SearchSink {
  return new Proxy(sink, {
    get(target, prop) {
      if (prop === 'putDoc') {
        return (...args: Parameters<SearchSink['putDoc']>) =>
          args[0] === LEASE_INDEX && args[3]?.ifMatch ? renewal(...args) : target.putDoc(...args);
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * A slow engine (OpenSearch 3 / Elasticsearch 9 under load) must not make a run lose its own lease:
 * renewals slower than the heartbeat interval, and a renewal resent after its answer was lost, are
 * still this run's, not a takeover.
 */
describe.each(ENGINES)('lease renewal on a slow %s (real engine)', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  it('renewals that take longer than the heartbeat interval never overlap into a false takeover', async () => {
    const target = uniqueName('lease');
    let inFlight = 0;
    let maxInFlight = 0;
    let renewals = 0;
    const slow = withRenewal(sink, async (...args) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise((r) => setTimeout(r, 300));
        return await sink.putDoc(...args);
      } finally {
        inFlight--;
        renewals++;
      }
    });
    const lease = await acquireLease(slow, { target, model: 'test', purpose: 'rebuild', heartbeatMs: 50 });
    while (renewals < 4) await new Promise((r) => setTimeout(r, 100));
    await lease.confirm();
    expect(lease.signal.aborted).toBe(false);
    expect(maxInFlight).toBe(1);
    await lease.release();
    expect(await readLease(sink, target)).toBeUndefined();
  });

  it('a renewal resent after its first answer was lost keeps the lease', async () => {
    const target = uniqueName('lease');
    let resent = false;
    const lossy = withRenewal(sink, async (...args) => {
      if (resent) return sink.putDoc(...args);
      resent = true;
      // The first attempt lands, its answer is lost, the resend then conflicts with that write.
      await sink.putDoc(...args);
      return sink.putDoc(...args);
    });
    const lease = await acquireLease(lossy, { target, model: 'test', purpose: 'rebuild', heartbeatMs: 600_000 });
    await lease.confirm();
    expect(lease.signal.aborted).toBe(false);
    await lease.confirm();
    const held = await readLease(sink, target);
    expect(held?.owner.runId).toBe(lease.record.owner.runId);
    await lease.release();
    expect(await readLease(sink, target)).toBeUndefined();
  });
});
