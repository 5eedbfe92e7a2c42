import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, nodeFor, uniqueName } from '../support/services.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';

// The proxy itself, against the real engines: what it forwards arrives, what it throttles does not.
describe.each(ENGINES)('fault proxy in front of %s', (engine) => {
  let proxy: FaultProxy;
  const index = uniqueName('fp');
  const ndjson = (ids: string[]) =>
    ids.map((id) => `${JSON.stringify({ index: { _index: index, _id: id } })}\n${JSON.stringify({ n: id })}\n`).join('');
  const bulk = (body: string) =>
    fetch(`${proxy.url}/_bulk?refresh=true`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });

  beforeAll(async () => {
    proxy = await startFaultProxy(nodeFor(engine));
  });
  afterAll(async () => {
    await fetch(`${nodeFor(engine)}/${index}`, { method: 'DELETE' });
    await proxy.close();
  });

  it('forwards requests unchanged when no fault is on', async () => {
    const res = await fetch(`${proxy.url}/_cluster/health`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toMatch(/green|yellow/);
    const put = await bulk(ndjson(['a', 'b']));
    const body = (await put.json()) as { errors: boolean; items: unknown[] };
    expect(body.errors).toBe(false);
    expect(body.items).toHaveLength(2);
  });

  it('answers some bulk items 429 inside an errors:true answer and does not write them', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `t${i}`);
    proxy.set({ itemThrottle: 0.5 });
    const res = await bulk(ndjson(ids));
    proxy.clear();
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      errors: boolean;
      items: Array<{ index: { _id: string; status: number; error?: { type: string } } }>;
    };
    expect(body.errors).toBe(true);
    expect(body.items.map((i) => i.index._id)).toEqual(ids);
    const throttled = body.items.filter((i) => i.index.status === 429).map((i) => i.index._id);
    expect(throttled.length).toBeGreaterThan(5);
    expect(throttled.length).toBeLessThan(35);
    expect(body.items.find((i) => i.index.status === 429)!.index.error!.type).toBe('es_rejected_execution_exception');
    const mget = await fetch(`${nodeFor(engine)}/${index}/_mget`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids }),
    });
    const docs = ((await mget.json()) as { docs: Array<{ _id: string; found: boolean }> }).docs;
    expect(docs.filter((d) => !d.found).map((d) => d._id)).toEqual(throttled);
  });

  it('injects whole-request 429, 503, 413 above a size, resets and latency, and counts them', async () => {
    proxy.set({ requestThrottle: 1 });
    expect((await bulk(ndjson(['x']))).status).toBe(429);
    expect((await fetch(`${proxy.url}/_cluster/health`)).status).toBe(200); // only bulk requests by default
    proxy.set({ unavailable: 1, match: 'all' });
    expect((await fetch(`${proxy.url}/_cluster/health`)).status).toBe(503);
    proxy.set({ maxContentLength: 100 });
    expect((await bulk(ndjson(['x']))).status).toBe(200);
    expect((await bulk(ndjson(['x', 'y', 'z']))).status).toBe(413);
    proxy.set({ reset: 1 });
    await expect(bulk(ndjson(['x']))).rejects.toThrow();
    proxy.set({ latencyMs: 200 });
    const t0 = Date.now();
    expect((await bulk(ndjson(['x']))).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    proxy.clear();
    expect(proxy.stats).toMatchObject({ requestsThrottled: 1, unavailable: 1, tooLarge: 1, resets: 1 });
  });

  it('forwards a bulk and then loses its answer with resetWhen: after', async () => {
    proxy.set({ reset: 1, resetWhen: 'after' });
    await expect(bulk(ndjson(['lost']))).rejects.toThrow();
    proxy.clear();
    const got = await fetch(`${nodeFor(engine)}/${index}/_doc/lost`);
    expect(got.status).toBe(200);
  });

  it('switches a timed fault window off by itself', async () => {
    proxy.set({ requestThrottle: 1 }, { forMs: 300 });
    expect((await bulk(ndjson(['w']))).status).toBe(429);
    await proxy.whenCleared();
    expect((await bulk(ndjson(['w']))).status).toBe(200);
  });
});
