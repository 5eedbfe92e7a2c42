import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetOf } from '../../src/core/engines/engine-capabilities.js';
import { runCli } from '../support/cli.js';
import { productWorkspace } from '../support/product-workspace.js';
import { ENGINES, nodeFor, sinkFor } from '../support/services.js';

/** Forwards every request to the engine unchanged and remembers each as "METHOD /path". */
async function recordingProxy(target: string) {
  const upstream = new URL(target);
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`);
    const out = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    take: () => seen.splice(0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(ENGINES)('the engine is asked what it is once per command on %s', (engine) => {
  const sink = sinkFor(engine);
  const bases: string[] = [];
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  beforeAll(async () => {
    proxy = await recordingProxy(nodeFor(engine));
  });
  afterAll(async () => {
    for (const b of bases) for (const i of await sink.listIndices(`${b}*`)) await sink.deleteIndex(i.name);
    await sink.close();
    await proxy.close();
  });

  it('check and rebuild send one GET / and the build gets the mapping variant of the engine found', async () => {
    const w = productWorkspace(engine, 'e2eonce');
    bases.push(w.indexBase);
    const info = await sink.info();
    const target = targetOf(info.engine, info.version);
    const pub = await runCli(['fixtures', 'publish', 'product-search', '--count', '30', '--seed', '3', '--partitions', '2', '--json'], {
      cwd: w.cwd,
    });
    expect(pub.code, pub.stderr).toBe(0);
    // One identification: GET /, then the node info only where GET / is not served (minimal Elasticsearch).
    const identifications = (requests: string[]) => {
      const asks = requests.filter((r) => r === 'GET /' || r === 'GET /_nodes/_local');
      return asks.filter((r) => r === 'GET /').length === 1 && asks[0] === 'GET /' && new Set(asks).size === asks.length ? 1 : asks;
    };

    const check = await runCli(['check', 'product-search', '--json', '--node', proxy.url], { cwd: w.cwd });
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ wouldRun: true });
    expect(identifications(proxy.take())).toBe(1);

    const built = await runCli(['rebuild', 'product-search', '--json', '--replicas', '0', '--node', proxy.url], { cwd: w.cwd });
    expect(built.code, built.stderr).toBe(0);
    expect(identifications(proxy.take())).toBe(1);
    const manifest = JSON.parse(built.stdout).manifest;
    const rich = target.engine === 'opensearch' && target.major >= 3;
    expect(manifest.mappingFile).toBe(rich ? 'mappings/product_search.v1.analysis-common.json' : 'mappings/product_search.v1.json');
    expect(manifest.counts.documents).toBeGreaterThan(0);

    // The same run, configured for the other engine, still stops before reading anything (exit 3).
    const other = engine === 'opensearch' ? 'elasticsearch' : 'opensearch';
    const wrong = await runCli(['rebuild', 'product-search', '--json', '--node', proxy.url, '--engine', other], { cwd: w.cwd });
    expect(wrong.code, wrong.stderr).toBe(3);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ error: 'ENGINE_MISMATCH' });
    expect(identifications(proxy.take())).toBe(1);
  });
});
