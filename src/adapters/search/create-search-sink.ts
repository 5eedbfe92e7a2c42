import { SinkRejectedError } from '../../core/errors.js';
import { DEFAULT_BACKOFF, throwIfAborted, type BackoffPolicy } from '../../core/retry.js';
import type { AliasAction, EngineKind, IndexInfo, SearchSink, StoredDoc } from '../../core/ports/search-sink.js';
import { createAdaptiveLimiter, type LimiterState } from './adaptive-limiter.js';
import { createBulkWriter } from './bulk-writer.js';
import { reasonOf } from './classify-failure.js';
import { createSinkRequests, type RetryInfo } from './sink-requests.js';
import { type SearchConnectionOptions, type SearchRequest, type SearchResponse, type SearchTransport } from './search-transport.js';

export type { RetryInfo } from './sink-requests.js';

export interface SearchSinkOptions extends SearchConnectionOptions {
  engine: EngineKind;
  /** Retry budget and delays; anything left out takes the default (5 minutes, 200 ms doubling to 10 s). */
  backoff?: Partial<BackoffPolicy>;
  /** Bulk requests in flight at most, across all callers of this sink (adaptive concurrency works below it). */
  maxInFlight?: number;
  /** Target bulk body size in bytes (default 8 MiB), always kept below the engine's http.max_content_length. */
  bulkBytes?: number;
  /** Called on every retry and every 413 split, so progress can show them. */
  onRetry?: (info: RetryInfo) => void;
  /** Called when throttling starts, when the adaptive limits change, and when it has cleared. */
  onThrottle?: (state: LimiterState) => void;
  /** Injected for tests of the sink contract; by default the engine's official client is used. */
  transport?: SearchTransport;
}

const DEFAULT_BULK_BYTES = 8 * 1024 * 1024;

/**
 * One implementation of the sink port for both engines. Their REST APIs agree on everything readmodel
 * uses (index, _bulk with external versions, _mget, _aliases, search_after); only the client differs.
 *
 * Failures are classified (classify-failure.ts): throttling (429) and unavailability (502/503/504,
 * resets, refused connections, timeouts) are retried with jittered exponential backoff until the
 * time budget is spent (sink-requests.ts); an untrusted certificate or refused credentials fail at
 * once (sink-errors.ts). Bulks adapt to back-pressure (bulk-writer.ts, adaptive-limiter.ts).
 */
export function createSearchSink(options: SearchSinkOptions): SearchSink {
  const node = Array.isArray(options.node) ? options.node.join(',') : options.node;
  const requests = createSinkRequests({
    identity: {
      engine: options.engine,
      node,
      ...(options.username ? { username: options.username } : {}),
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
    },
    transport: options.transport ?? lazyTransport(options),
    policy: { ...DEFAULT_BACKOFF, ...options.backoff },
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
  const transport = requests.transport;
  const send = requests.send;
  const bulkWriter = createBulkWriter(
    requests,
    createAdaptiveLimiter({
      maxInFlight: options.maxInFlight ?? 8,
      maxBulkBytes: options.bulkBytes ?? DEFAULT_BULK_BYTES,
      ...(options.onThrottle ? { onChange: options.onThrottle } : {}),
    }),
  );

  async function ok(req: SearchRequest, what: string, accept: number[] = []): Promise<SearchResponse> {
    const res = await send(req, what);
    if (res.status >= 300 && !accept.includes(res.status)) {
      throw new SinkRejectedError(`${options.engine} refused ${what}: ${reasonOf(res.body)}`, {
        context: { node, request: `${req.method} ${req.path}`, status: res.status },
      });
    }
    return res;
  }

  const enc = encodeURIComponent;

  return {
    engine: options.engine,
    node,

    async info() {
      const res = await send({ method: 'GET', path: '/' }, 'the cluster info request');
      if (res.status === 200 && res.body?.version) {
        return {
          engine: res.body.version.distribution === 'opensearch' ? 'opensearch' : 'elasticsearch',
          version: String(res.body.version.number ?? 'unknown'),
          clusterName: String(res.body.cluster_name ?? ''),
        };
      }
      // Minimal distributions (Elasticsearch without its rest-root module) do not serve GET /.
      const nodes = await ok({ method: 'GET', path: '/_nodes/_local', query: { filter_path: 'cluster_name,nodes.*.version' } }, 'the cluster info request');
      const first = Object.values((nodes.body?.nodes ?? {}) as Record<string, { version?: string }>)[0];
      return { engine: options.engine, version: String(first?.version ?? 'unknown'), clusterName: String(nodes.body?.cluster_name ?? '') };
    },

    async indexExists(index) {
      const res = await send({ method: 'HEAD', path: `/${enc(index)}` }, `an existence check of ${index}`);
      return res.status === 200;
    },

    async createIndex(index, body) {
      await ok({ method: 'PUT', path: `/${enc(index)}`, body }, `creating index ${index}`);
    },

    async deleteIndex(index) {
      await ok({ method: 'DELETE', path: `/${enc(index)}` }, `deleting index ${index}`, [404]);
    },

    async listIndices(pattern) {
      const res = await ok(
        { method: 'GET', path: `/_cat/indices/${enc(pattern)}`, query: { format: 'json', h: 'index,docs.count,health', expand_wildcards: 'open' } },
        `listing indices ${pattern}`,
        [404],
      );
      if (res.status === 404 || !Array.isArray(res.body)) return [];
      const aliases = await ok({ method: 'GET', path: `/${enc(pattern)}/_alias` }, `reading aliases of ${pattern}`, [404]);
      const out: IndexInfo[] = (res.body as Array<Record<string, string>>).map((r) => ({
        name: r.index!,
        docsCount: Number(r['docs.count'] ?? 0),
        ...(r.health ? { health: r.health } : {}),
        aliases: Object.keys(aliases.body?.[r.index!]?.aliases ?? {}),
      }));
      return out.sort((a, b) => a.name.localeCompare(b.name));
    },

    async getSettings(index) {
      const res = await ok({ method: 'GET', path: `/${enc(index)}/_settings`, query: { flat_settings: true } }, `reading settings of ${index}`);
      return (res.body?.[index]?.settings ?? {}) as Record<string, unknown>;
    },

    async putSettings(index, settings) {
      await ok({ method: 'PUT', path: `/${enc(index)}/_settings`, body: settings }, `updating settings of ${index}`);
    },

    async getMapping(index) {
      const res = await ok({ method: 'GET', path: `/${enc(index)}/_mapping` }, `reading the mapping of ${index}`);
      return (res.body?.[index]?.mappings ?? {}) as Record<string, unknown>;
    },

    async getMeta(index) {
      const res = await ok({ method: 'GET', path: `/${enc(index)}/_mapping` }, `reading the manifest of ${index}`);
      return (res.body?.[index]?.mappings?._meta ?? {}) as Record<string, unknown>;
    },

    async putMeta(index, meta) {
      await ok({ method: 'PUT', path: `/${enc(index)}/_mapping`, body: { _meta: meta } }, `writing the manifest of ${index}`);
    },

    async refresh(index) {
      await ok({ method: 'POST', path: `/${enc(index)}/_refresh` }, `refreshing ${index}`);
    },

    async count(index, query) {
      const res = await ok(
        { method: 'POST', path: `/${enc(index)}/_count`, body: query ? { query } : {} },
        `counting documents in ${index}`,
      );
      return Number(res.body?.count ?? 0);
    },

    bulk: (index, writes, opts) => bulkWriter.bulk(index, writes, opts),

    async getMany(index, ids) {
      const out = new Map<string, StoredDoc>();
      if (ids.length === 0) return out;
      const res = await ok(
        { method: 'POST', path: `/${enc(index)}/_mget`, body: { ids }, query: { realtime: true } },
        `reading ${ids.length} documents from ${index}`,
      );
      for (const d of res.body?.docs ?? []) {
        if (d.found) out.set(d._id, { id: d._id, version: Number(d._version), doc: d._source });
      }
      return out;
    },

    async *scan(index, opts) {
      const size = opts.pageSize ?? 1000;
      let after: unknown[] | undefined;
      for (;;) {
        throwIfAborted(opts.signal);
        const res = await ok(
          {
            method: 'POST',
            path: `/${enc(index)}/_search`,
            body: {
              size,
              version: true,
              sort: [{ [opts.sortField]: 'asc' }],
              track_total_hits: false,
              ...(after ? { search_after: after } : {}),
            },
            ...(opts.signal ? { signal: opts.signal } : {}),
          },
          `scanning ${index}`,
        );
        const hits = (res.body?.hits?.hits ?? []) as Array<{ _id: string; _version: number; _source: Record<string, unknown>; sort: unknown[] }>;
        if (hits.length === 0) return;
        yield hits.map((h) => ({ id: h._id, version: Number(h._version), doc: h._source }));
        if (hits.length < size) return;
        after = hits[hits.length - 1]!.sort;
      }
    },

    async search(index, body) {
      const res = await ok({ method: 'POST', path: `/${enc(index)}/_search`, body: { version: true, ...body } }, `searching ${index}`);
      const total = res.body?.hits?.total;
      return {
        total: typeof total === 'number' ? total : Number(total?.value ?? 0),
        hits: (res.body?.hits?.hits ?? []).map((h: { _id: string; _version: number; _source: Record<string, unknown> }) => ({
          id: h._id,
          version: Number(h._version),
          doc: h._source,
        })),
      };
    },

    async aliasTargets(alias) {
      const res = await ok({ method: 'GET', path: `/_alias/${enc(alias)}` }, `reading alias ${alias}`, [404]);
      if (res.status === 404) return [];
      return Object.keys(res.body ?? {}).sort();
    },

    async updateAliases(actions: readonly AliasAction[]) {
      await ok({ method: 'POST', path: '/_aliases', body: { actions } }, 'switching aliases');
    },

    close: () => transport.close(),
  };
}

/** Loads only the client of the engine in use: each official client costs tens of ms to import. */
function lazyTransport(options: SearchConnectionOptions & { engine: EngineKind }): SearchTransport {
  let ready: Promise<SearchTransport> | undefined;
  const get = () =>
    (ready ??=
      options.engine === 'elasticsearch'
        ? import('./elasticsearch-transport.js').then((m) => m.createElasticsearchTransport(options))
        : import('./opensearch-transport.js').then((m) => m.createOpenSearchTransport(options)));
  return {
    request: async (req) => (await get()).request(req),
    close: async () => {
      if (ready) await (await ready).close();
    },
  };
}
