import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../core/errors.js';
import type { LagReport } from '../core/lag/lag-report.js';
import { formatLagPrometheus, PROMETHEUS_CONTENT_TYPE } from '../core/lag/prometheus-format.js';
import { sleep, throwIfAborted } from '../core/retry.js';
import { readFailure } from './inspect-read-model.js';
import { createLagMonitor, type LagDeps } from './lag-monitor.js';
import { checkLagOptions, type LagOptions } from './lag-options.js';

export interface ServeLagOptions extends Omit<LagOptions, 'samples'> {
  signal: AbortSignal;
  port: number;
  host: string;
  /** The cluster label on every metric. */
  cluster: string;
  /** Called once the server listens, with the metrics URL. */
  onListening?: (url: string) => void;
  /** Called with every failed background sample (the server keeps serving the last good one). */
  onSampleError?: (err: unknown) => void;
}

/**
 * Prometheus exporter: samples every `intervalMs` in the background (the window builds up over
 * time), serves the newest sample at GET /metrics, and stops when the signal aborts.
 */
export async function serveLag(o: ServeLagOptions, deps: LagDeps): Promise<void> {
  checkLagOptions(o);
  throwIfAborted(o.signal);
  const monitor = createLagMonitor(o, deps);
  // Assigned once the port is ours: sampling before that would leave Kafka connections opening
  // after a failed listen, and the process would hang instead of exiting with the error.
  let latest!: Promise<LagReport>;

  const server = createServer(exporterHandler(() => latest, o.cluster));
  await listen(server, o);
  latest = monitor.sample();
  latest.catch(() => undefined);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  o.onListening?.(`http://${host}:${address.port}/metrics`);

  try {
    await latest.catch((err) => o.onSampleError?.(err));
    for (;;) {
      await sleep(o.intervalMs, o.signal);
      const next = monitor.sample();
      next.catch(() => undefined);
      try {
        await next;
        latest = next;
      } catch (err) {
        if (o.signal.aborted) break;
        o.onSampleError?.(err);
      }
    }
  } catch (err) {
    if (!o.signal.aborted) throw err;
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

/** GET /metrics serves the newest sample (503 while it failed); / and /healthz answer for probes. */
function exporterHandler(latest: () => Promise<LagReport>, cluster: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      latest().then(
        (report) => {
          const body = formatLagPrometheus(report, { cluster });
          res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
          res.end(req.method === 'HEAD' ? undefined : body);
        },
        (err) => {
          res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(`sampling failed: ${readFailure(err).message}\n`);
        },
      );
      return;
    }
    if (path === '/' || path === '/healthz') {
      res
        .writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
        .end(path === '/' ? 'readmodel lag exporter: GET /metrics\n' : 'ok\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
  };
}

function listen(server: Server, o: Pick<ServeLagOptions, 'host' | 'port'>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new UsageError(`cannot listen on ${o.host}:${o.port}: ${err.message}`, {
          code: 'LISTEN_FAILED',
          context: { host: o.host, port: o.port, errno: err.code },
          suggestion: 'pick another --port (0 picks a free one) or --host',
          cause: err,
        }),
      ),
    );
    server.listen(o.port, o.host, () => resolve());
  });
}
