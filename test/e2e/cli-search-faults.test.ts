import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, workspace } from '../support/cli.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { brokers, nodeFor, sinkFor, uniqueName } from '../support/services.js';

/** The retry budget and the fault reports as an operator meets them: flags, config, exit codes, NDJSON. */
describe('search engine faults through the CLI', () => {
  let proxy: FaultProxy;
  const bases: string[] = [];

  function space(over: Record<string, unknown> = {}, topic?: string) {
    const id = uniqueName('clif');
    bases.push(`ps_${id}`);
    return workspace({
      kafka: { brokers: brokers() },
      search: { engine: 'opensearch', node: proxy.url, ...over },
      models: { 'product-search': { topic: topic ?? `product-events-${id}`, indexBase: `ps_${id}` } },
    });
  }

  const ndjson = (stderr: string) =>
    stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    proxy = await startFaultProxy(nodeFor('opensearch'));
  });
  afterAll(async () => {
    const direct = sinkFor('opensearch');
    for (const b of bases) for (const i of await direct.listIndices(`${b}*`)) await direct.deleteIndex(i.name);
    await direct.close();
    await proxy.close();
  });

  it('--retry-budget bounds the wait: exit 6 saying how long it tried, retries reported as NDJSON', async () => {
    const cwd = space();
    expect((await runCli(['fixtures', 'publish', 'product-search', '--count', '40', '--json'], { cwd })).code).toBe(0);
    proxy.set({ unavailable: 1 });
    try {
      const r = await runCli(['rebuild', 'product-search', '--json', '--replicas', '0', '--retry-budget', '2s'], { cwd });
      expect(r.code, r.stderr).toBe(6);
      const err = JSON.parse(r.stdout);
      expect(err).toMatchObject({ error: 'SINK_UNAVAILABLE', context: { retryBudgetMs: 2000, lastError: 'HTTP 503' } });
      expect(err.message).toMatch(/kept failing for [12] s \(\d+ attempts; last: HTTP 503\)/);
      const retries = ndjson(r.stderr).filter((e) => e.type === 'retry');
      expect(retries.length).toBeGreaterThan(1);
      expect(retries[0]).toMatchObject({ kind: 'unavailable', budgetMs: 2000, reason: 'HTTP 503' });
    } finally {
      proxy.clear();
    }
  });

  it('search.retryBudget from the config outlasts a throttling storm; throttling shows in the NDJSON progress', async () => {
    const topic = `product-events-${uniqueName('clif')}`;
    const cwd = space({ retryBudget: '2m' }, topic);
    expect((await runCli(['fixtures', 'publish', 'product-search', '--count', '60', '--json'], { cwd })).code).toBe(0);
    const reference = await runCli(['rebuild', 'product-search', '--json', '--replicas', '0', '--node', nodeFor('opensearch')], {
      cwd: space({}, topic),
    });
    expect(reference.code, reference.stderr).toBe(0);
    proxy.set({ requestThrottle: 1 }, { forMs: 4_000, fromFirstMatch: true });
    const r = await runCli(['rebuild', 'product-search', '--json', '--replicas', '0', '--batch-size', '50'], { cwd });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const { manifest } = JSON.parse(r.stdout);
    expect(manifest).toMatchObject({ status: 'complete', checksum: JSON.parse(reference.stdout).manifest.checksum });
    expect(manifest.counts.documents).toBe(JSON.parse(reference.stdout).manifest.counts.documents);
    const events = ndjson(r.stderr);
    expect(events.find((e) => e.type === 'throttle')).toMatchObject({ throttled: true, maxInFlight: 1 });
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ kind: 'throttled', budgetMs: 120_000 });
  });

  it('a malformed search.retryBudget is a config error naming the key', async () => {
    const cwd = space({ retryBudget: 'soon' });
    const r = await runCli(['config', 'show', '--json'], { cwd });
    expect(r.code).toBe(3);
    expect(JSON.stringify(JSON.parse(r.stdout))).toMatch(/search\.retryBudget/);
    const bad = await runCli(['rebuild', 'product-search', '--retry-budget', 'forever'], { cwd: space() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--retry-budget must be a duration');
    const unbounded = await runCli(['config', 'show', '--json'], { cwd: space({ retryBudget: 'unbounded' }) });
    expect(unbounded.code, unbounded.stdout).toBe(0);
  });

  it('401 with an HTML page: exit 3, authentication failed for the user, no markup, no password', async () => {
    const server = http.createServer((req, res) => {
      res.writeHead(401, { 'content-type': 'text/html' });
      res.end('<html><head><title>401 Authorization Required</title></head><body><h1>401</h1><center>nginx</center></body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const node = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const env = { READMODEL_SEARCH_USERNAME: 'alice', READMODEL_SEARCH_PASSWORD: 's3cret-pw' };
      const r = await runCli(['alias', 'show', 'product-search', '--engine', 'opensearch', '--node', node], { cwd: space(), env });
      expect(r.code).toBe(3);
      const out = r.stdout + r.stderr;
      expect(out).toContain(`authentication failed at ${node} for user "alice" (HTTP 401: 401 Authorization Required)`);
      expect(out).toMatch(/search\.username and search\.password/);
      expect(out).not.toMatch(/<|nginx|s3cret-pw/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
