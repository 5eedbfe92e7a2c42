import { createConnection, createServer } from 'node:net';
import { readFile } from 'node:fs/promises';
import { runCommand } from './host.js';
import { decodeApiVersionsResponse, encodeApiVersionsRequest } from './kafka-wire.js';
import { parseSsListeners } from './state.js';
import type { ServiceName } from './types.js';

/**
 * Network probes: is a port free, who holds it, is a service healthy, which version answers.
 */

/** True when we could bind 127.0.0.1:port ourselves right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port (whoever it belongs to). */
export function acceptsConnections(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const finish = (yes: boolean) => {
      socket.destroy();
      resolve(yes);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** "java (pid 2367): java -Xmx512m ... kafka.Kafka server.properties", best effort, or undefined. */
export async function describePortOwner(port: number, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const r = await runCommand('ss', ['-Hltnp', `sport = :${port}`], { env, timeoutMs: 5000 });
  if (r.code !== 0) return undefined;
  const owners = parseSsListeners(r.stdout, port);
  if (owners.length === 0) return undefined;
  const parts: string[] = [];
  for (const o of owners) {
    let cmdline = '';
    try {
      cmdline = (await readFile(`/proc/${o.pid}/cmdline`, 'utf8')).split('\0').filter(Boolean).join(' ');
    } catch {
      /* not readable */
    }
    const short = cmdline.length > 160 ? `${cmdline.slice(0, 157)}...` : cmdline;
    parts.push(`${o.command} (pid ${o.pid})${short ? `: ${short}` : ''}`);
  }
  return parts.join('; ');
}

export interface HealthResult {
  healthy: boolean;
  detail: string;
}

/** Cluster health of a search engine: healthy at yellow or green. */
export async function searchEngineHealth(port: number, timeoutMs: number): Promise<HealthResult> {
  const url = `http://127.0.0.1:${port}/_cluster/health?wait_for_status=yellow&timeout=1s`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.json().catch(() => ({}))) as { status?: unknown };
    const status = typeof body.status === 'string' ? body.status : `HTTP ${res.status}`;
    return { healthy: res.ok && (status === 'green' || status === 'yellow'), detail: `cluster health ${status}` };
  } catch (err) {
    return { healthy: false, detail: (err as Error).message };
  }
}

export interface SearchEngineInfo {
  product: 'opensearch' | 'elasticsearch';
  version: string;
}

/** GET / : which engine and version answers on the port. */
export async function searchEngineInfo(port: number, timeoutMs: number): Promise<SearchEngineInfo | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { version?: { number?: unknown; distribution?: unknown } };
    const version = body.version?.number;
    if (typeof version !== 'string') return undefined;
    return { product: body.version?.distribution === 'opensearch' ? 'opensearch' : 'elasticsearch', version };
  } catch {
    return undefined;
  }
}

/**
 * Kafka is healthy when the broker answers an ApiVersions request on its client port: it only
 * processes requests once its startup (metadata catch-up included) is complete.
 */
export function kafkaHealth(port: number, timeoutMs: number): Promise<HealthResult> {
  return new Promise((resolve) => {
    const correlationId = Math.floor(Math.random() * 0x7fffffff);
    let buf = Buffer.alloc(0);
    const socket = createConnection({ host: '127.0.0.1', port });
    const finish = (r: HealthResult) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => finish({ healthy: false, detail: 'no ApiVersions answer yet' }));
    socket.once('error', (err) => finish({ healthy: false, detail: err.message }));
    socket.once('close', () => finish({ healthy: false, detail: 'connection closed before an answer' }));
    socket.once('connect', () => socket.write(encodeApiVersionsRequest(correlationId, 'readmodel-sandbox-probe')));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        const res = decodeApiVersionsResponse(buf);
        if (res === undefined) return;
        if (res.correlationId !== correlationId) return finish({ healthy: false, detail: 'answer to another request' });
        finish(
          res.errorCode === 0
            ? { healthy: true, detail: `ApiVersions ok (${res.apis.length} APIs)` }
            : { healthy: false, detail: `ApiVersions error code ${res.errorCode}` },
        );
      } catch (err) {
        finish({ healthy: false, detail: (err as Error).message });
      }
    });
  });
}

export function probeHealth(service: ServiceName, port: number, timeoutMs: number): Promise<HealthResult> {
  return service === 'kafka' ? kafkaHealth(port, timeoutMs) : searchEngineHealth(port, timeoutMs);
}
