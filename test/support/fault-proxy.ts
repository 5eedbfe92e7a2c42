import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fault-injecting HTTP proxy in front of a real search engine, switchable at runtime.
 *
 * It forwards every request to `target` and, while a fault is switched on, answers some of them the
 * way an overloaded or failing cluster does. Faults are chosen by a seeded generator so a test sees
 * the same sequence on every run. Per-item throttling is done the honest way: the throttled items are
 * NOT forwarded (so they really are not written), and the engine's answer for the rest is merged with
 * `429 es_rejected_execution_exception` items at the throttled positions, inside an `errors: true`
 * answer, exactly as a full write queue answers.
 */
export interface Faults {
  /** Share (0..1) of bulk items answered 429 inside an `errors: true` bulk answer (not forwarded). */
  itemThrottle?: number;
  /** Share (0..1) of matching requests answered 429 as a whole (not forwarded). */
  requestThrottle?: number;
  /** Share (0..1) of matching requests answered 503 (not forwarded). */
  unavailable?: number;
  /** Share (0..1) of matching requests whose connection is reset. */
  reset?: number;
  /**
   * `before`: reset without forwarding (nothing written); `after`: forward, then reset instead of
   * answering (the request took effect but its answer is lost). Default `before`.
   */
  resetWhen?: 'before' | 'after';
  /** Requests whose body is larger than this many bytes are answered 413 (not forwarded), like `http.max_content_length`. */
  maxContentLength?: number;
  /** Delay (ms) added before forwarding each matching request. */
  latencyMs?: number;
  /**
   * Which requests the whole-request faults (429, 503, reset, latency) hit. Default: only `/_bulk`;
   * or every request; or those whose method and path match (e.g. `{ method: 'POST', path: /^\/_aliases/ }`).
   */
  match?: 'bulk' | 'all' | { method: string; path: RegExp };
  /** Inject at most this many resets, then forward normally (e.g. 1: lose exactly one answer). */
  resetLimit?: number;
}

export interface FaultStats {
  requests: number;
  forwarded: number;
  bulkRequests: number;
  bulkItems: number;
  itemsThrottled: number;
  requestsThrottled: number;
  unavailable: number;
  resets: number;
  tooLarge: number;
  /** Largest request body seen, in bytes. */
  largestBody: number;
}

export interface FaultProxy {
  /** The proxy's base URL, e.g. `http://127.0.0.1:41234`: give it to the sink instead of the engine's. */
  readonly url: string;
  /**
   * Switches faults on (replacing the current ones); `forMs` switches them off again after that long,
   * counted from now or, with `fromFirstMatch`, from the first request they hit (so a slow start of the
   * client under load cannot let the window pass unseen).
   */
  set(faults: Faults, opts?: { forMs?: number; fromFirstMatch?: boolean }): void;
  /** Switches every fault off. */
  clear(): void;
  /** Resolves when the current timed fault window (from `set(..., { forMs })`) has ended. */
  whenCleared(): Promise<void>;
  readonly faults: Readonly<Faults>;
  readonly stats: Readonly<FaultStats>;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string, opts: { seed?: number } = {}): Promise<FaultProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const random = seeded(opts.seed ?? 42);
  let faults: Faults = {};
  let timer: NodeJS.Timeout | undefined;
  /** Set by `set(..., { forMs, fromFirstMatch: true })` until the first matching request starts the window. */
  let windowOnFirstMatch: number | undefined;
  let cleared: Promise<void> = Promise.resolve();
  let resolveCleared: () => void = () => undefined;
  const stats: FaultStats = {
    requests: 0,
    forwarded: 0,
    bulkRequests: 0,
    bulkItems: 0,
    itemsThrottled: 0,
    requestsThrottled: 0,
    unavailable: 0,
    resets: 0,
    tooLarge: 0,
    largestBody: 0,
  };
  const hit = (share: number | undefined) => share !== undefined && share > 0 && random() < share;
  const resetAllowed = () => faults.resetLimit === undefined || stats.resets < faults.resetLimit;

  const server = http.createServer(async (req, res) => {
    try {
      const body = await readAll(req);
      stats.requests++;
      stats.largestBody = Math.max(stats.largestBody, body.length);
      const path = req.url ?? '/';
      const isBulk = /(^|\/)_bulk$/.test(path.split('?')[0]!);
      const f = faults;
      const matches =
        f.match === 'all' || (typeof f.match === 'object' ? req.method === f.match.method && f.match.path.test(path) : isBulk);
      if (isBulk) stats.bulkRequests++;
      if (matches && windowOnFirstMatch !== undefined) {
        const ms = windowOnFirstMatch;
        windowOnFirstMatch = undefined;
        timer = setTimeout(() => proxy.clear(), ms);
      }

      if (f.maxContentLength !== undefined && body.length > f.maxContentLength) {
        stats.tooLarge++;
        // Both engines answer an oversize request with a bare 413 and close the connection.
        res.writeHead(413, { 'content-length': '0', connection: 'close' });
        return res.end();
      }
      if (matches) {
        if (f.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs));
        // hit() is drawn first, as always, so a seed gives the same fault sequence with or without a limit.
        if (hit(f.reset) && (f.resetWhen ?? 'before') === 'before' && resetAllowed()) {
          stats.resets++;
          return req.socket.destroy();
        }
        if (hit(f.unavailable)) {
          stats.unavailable++;
          return sendJson(res, 503, { error: { type: 'unavailable', reason: 'injected 503' }, status: 503 });
        }
        if (hit(f.requestThrottle)) {
          stats.requestsThrottled++;
          return sendJson(res, 429, {
            error: { type: 'es_rejected_execution_exception', reason: 'rejected execution (injected whole-request 429)' },
            status: 429,
          });
        }
      }
      const resetAfter = matches && (f.resetWhen ?? 'before') === 'after' && hit(f.reset) && resetAllowed();

      if (isBulk && req.method === 'POST') {
        const answer = await bulkWithThrottle(req, body, f.itemThrottle);
        if (resetAfter) {
          stats.resets++;
          return req.socket.destroy();
        }
        return relay(res, answer);
      }
      const answer = await forward(req, body);
      if (resetAfter) {
        stats.resets++;
        return req.socket.destroy();
      }
      return relay(res, answer);
    } catch (err) {
      if (!res.headersSent) sendJson(res, 502, { error: { type: 'proxy_error', reason: (err as Error).message }, status: 502 });
      else res.destroy();
    }
  });

  async function bulkWithThrottle(req: http.IncomingMessage, body: Buffer, share: number | undefined): Promise<Upstream> {
    const items = parseBulk(body);
    stats.bulkItems += items.length;
    const throttled = items.map(() => hit(share));
    const kept = items.filter((_, i) => !throttled[i]);
    stats.itemsThrottled += items.length - kept.length;
    if (kept.length === items.length) return forward(req, body);
    let upstreamItems: unknown[] = [];
    let took = 0;
    if (kept.length > 0) {
      const answer = await forward(req, Buffer.from(kept.map((it) => it.lines.join('\n') + '\n').join('')));
      if (answer.status !== 200) return answer;
      const parsed = JSON.parse(answer.body.toString('utf8')) as { took: number; items: unknown[] };
      upstreamItems = parsed.items;
      took = parsed.took;
    }
    let next = 0;
    const merged = items.map((it, i) => {
      if (!throttled[i]) return upstreamItems[next++];
      return {
        [it.action]: {
          _index: it.index,
          _id: it.id,
          status: 429,
          error: {
            type: 'es_rejected_execution_exception',
            reason: 'rejected execution of bulk item (injected: write queue full)',
          },
        },
      };
    });
    const json = Buffer.from(JSON.stringify({ took, errors: true, items: merged }));
    return { status: 200, headers: jsonHeaders(), body: json };
  }

  async function forward(req: http.IncomingMessage, body: Buffer): Promise<Upstream> {
    const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
    delete headers['accept-encoding']; // keep answers readable, bulk answers are rewritten
    delete headers['transfer-encoding'];
    delete headers.connection;
    stats.forwarded++;
    return new Promise((resolve, reject) => {
      const out = http.request(
        {
          protocol: upstream.protocol,
          hostname: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers,
          agent,
        },
        async (r) => {
          try {
            resolve({ status: r.statusCode ?? 502, headers: r.headers, body: await readAll(r) });
          } catch (err) {
            reject(err);
          }
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    set(next, o = {}) {
      if (timer) clearTimeout(timer);
      resolveCleared();
      faults = { ...next };
      cleared = new Promise((r) => (resolveCleared = r));
      windowOnFirstMatch = o.fromFirstMatch ? o.forMs : undefined;
      if (o.forMs !== undefined && !o.fromFirstMatch) timer = setTimeout(() => proxy.clear(), o.forMs);
    },
    clear() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      windowOnFirstMatch = undefined;
      faults = {};
      resolveCleared();
    },
    whenCleared: () => cleared,
    get faults() {
      return faults;
    },
    stats,
    async close() {
      proxy.clear();
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}

interface Upstream {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface BulkItem {
  action: string;
  index?: string;
  id?: string;
  lines: string[];
}

/** Splits an NDJSON bulk body into items: an action line, plus a source line except for deletes. */
function parseBulk(body: Buffer): BulkItem[] {
  const lines = body
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  const items: BulkItem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const meta = JSON.parse(lines[i]!) as Record<string, { _index?: string; _id?: string }>;
    const action = Object.keys(meta)[0]!;
    const item: BulkItem = { action, index: meta[action]?._index, id: meta[action]?._id, lines: [lines[i]!] } as BulkItem;
    if (action !== 'delete') item.lines.push(lines[++i]!);
    items.push(item);
  }
  return items;
}

function relay(res: http.ServerResponse, answer: Upstream): void {
  const headers = { ...answer.headers, 'content-length': String(answer.body.length) };
  delete headers['transfer-encoding'];
  delete headers['content-encoding'];
  delete headers.connection;
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

function jsonHeaders(): http.IncomingHttpHeaders {
  // The Elasticsearch client refuses answers without its product header; OpenSearch ignores it.
  return { 'content-type': 'application/json; charset=UTF-8', 'x-elastic-product': 'Elasticsearch' };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const buf = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...jsonHeaders(), 'content-length': String(buf.length) });
  res.end(buf);
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** mulberry32: a tiny seeded generator, so a fault sequence is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
