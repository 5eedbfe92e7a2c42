import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSearchSink, type RetryInfo } from '../../src/adapters/search/create-search-sink.js';
import { ENGINES } from '../support/services.js';

/**
 * Failures no retry can fix end the run at once, saying what to change: an untrusted certificate
 * (against a self-signed HTTPS endpoint started here) and refused credentials (a server answering
 * 401/403 with an HTML page, as proxies and security plugins do). Both official clients.
 */

const HTML_401 =
  '<!DOCTYPE html><html><head><title>401 Authorization Required</title></head><body><h1>401 Authorization Required</h1><hr><center>nginx</center></body></html>';

/** Answers `GET /` as the engine whose client asks: the Elasticsearch client announces itself in a header. */
function identify(req: http.IncomingMessage, res: http.ServerResponse) {
  const es = req.headers['x-elastic-client-meta'] !== undefined;
  res.writeHead(200, { 'content-type': 'application/json', ...(es ? { 'x-elastic-product': 'Elasticsearch' } : {}) });
  res.end(
    JSON.stringify({
      cluster_name: 'tls-test',
      version: es ? { number: '8.19.0', build_flavor: 'default' } : { number: '2.19.0', distribution: 'opensearch' },
    }),
  );
}

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('failure classes', () => {
  let certPem: string;
  let tls: https.Server;
  let tlsPort: number;
  let connections = 0;
  let auth: http.Server;
  let authPort: number;
  let authRequests = 0;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'readmodel-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    certPem = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    tls = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: certPem }, (req, res) => {
      identify(req, res);
    });
    tls.on('connection', () => connections++);
    tlsPort = await listen(tls);

    auth = http.createServer((req, res) => {
      authRequests++;
      if (req.url?.startsWith('/forbidden')) {
        // The node says who it is (the sink checks that before anything else); the rest is forbidden.
        if (req.method === 'GET' && /^\/forbidden\/?(\?|$)/.test(req.url)) return identify(req, res);
        res.writeHead(403, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
        return res.end(
          JSON.stringify({
            error: { type: 'security_exception', reason: 'action [indices:admin/create] is unauthorized for user [alice]' },
            status: 403,
          }),
        );
      }
      res.writeHead(401, { 'content-type': 'text/html', 'www-authenticate': 'Basic realm="search"' });
      res.end(req.method === 'HEAD' ? undefined : HTML_401);
    });
    authPort = await listen(auth);
  });
  afterAll(async () => {
    tls.closeAllConnections();
    auth.closeAllConnections();
    await new Promise((r) => tls.close(r));
    await new Promise((r) => auth.close(r));
  });

  describe.each(ENGINES)('with the %s client', (engine) => {
    it('an untrusted certificate fails at once, says so and names search.caFile; with the CA it works', async () => {
      const retries: RetryInfo[] = [];
      const before = connections;
      const sink = createSearchSink({ engine, node: `https://127.0.0.1:${tlsPort}`, onRetry: (r) => retries.push(r) });
      const err = await sink.info().then(
        () => undefined,
        (e: unknown) => e,
      );
      await sink.close();
      expect(err).toMatchObject({ code: 'SEARCH_TLS_UNTRUSTED', exitCode: 3, context: { key: 'search.caFile' } });
      expect((err as Error).message).toMatch(/certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted \(self[- ]signed certificate\)/);
      expect((err as { suggestion: string }).suggestion).toMatch(/search\.caFile/);
      expect(retries).toEqual([]);
      expect(connections - before).toBe(1); // one handshake, no retries

      const trusted = createSearchSink({ engine, node: `https://127.0.0.1:${tlsPort}`, ca: certPem });
      await expect(trusted.info()).resolves.toMatchObject({ clusterName: 'tls-test' });
      await trusted.close();
    });

    it('https:// to a plain-HTTP port fails at once, saying the node does not serve HTTPS there', async () => {
      const retries: RetryInfo[] = [];
      const sink = createSearchSink({ engine, node: `https://127.0.0.1:${authPort}`, onRetry: (r) => retries.push(r) });
      await expect(sink.info()).rejects.toMatchObject({
        code: 'SEARCH_TLS_MISMATCH',
        exitCode: 3,
        message: expect.stringContaining('(wrong version number): the node does not seem to serve HTTPS there'),
        suggestion: expect.stringContaining('http://'),
      });
      expect(retries).toEqual([]);
      await sink.close();
    });

    it('401 says authentication failed for which user, without the HTML page, and is not retried', async () => {
      const before = authRequests;
      const sink = createSearchSink({ engine, node: `http://127.0.0.1:${authPort}`, username: 'alice', password: 'wrong' });
      const err = await sink.info().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'SEARCH_AUTH_FAILED', exitCode: 3, context: { user: 'alice', status: 401 } });
      const message = (err as Error).message;
      expect(message).toContain('authentication failed at http://127.0.0.1:');
      expect(message).toContain('for user "alice" (HTTP 401: 401 Authorization Required)');
      expect(message).not.toMatch(/<|html|nginx/i);
      expect(JSON.stringify(err)).not.toContain('wrong');
      expect(authRequests - before).toBe(1);
      // A state read that is refused is an error, never "absent".
      await expect(sink.indexExists('anything')).rejects.toMatchObject({ code: 'SEARCH_AUTH_FAILED' });
      await sink.close();

      const anonymous = createSearchSink({ engine, node: `http://127.0.0.1:${authPort}` });
      await expect(anonymous.count('x')).rejects.toMatchObject({
        code: 'SEARCH_AUTH_FAILED',
        message: expect.stringContaining('anonymous access'),
        suggestion: expect.stringContaining('search.username'),
      });
      await anonymous.close();
    });

    it("403 says access was denied for which user and what, with the engine's reason", async () => {
      const sink = createSearchSink({ engine, node: `http://127.0.0.1:${authPort}/forbidden`, username: 'alice', password: 'pw' });
      const err = await sink.createIndex('idx', {}).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'SEARCH_FORBIDDEN', exitCode: 3, context: { user: 'alice', status: 403 } });
      expect((err as Error).message).toMatch(
        /access denied at http:\/\/127\.0\.0\.1:\d+\/forbidden for user "alice": creating index idx was refused \(HTTP 403: action \[indices:admin\/create\] is unauthorized for user \[alice\]\)/,
      );
      await sink.close();
    });
  });
});
