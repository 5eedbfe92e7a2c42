import { SinkRejectedError } from '../../core/errors.js';
import { DEFAULT_BACKOFF, throwIfAborted, type BackoffPolicy } from '../../core/retry.js';
import type { AliasAction, EngineKind, IndexInfo, SearchSink, StoredDoc } from '../../core/ports/search-sink.js';
import { createAdaptiveLimiter, type LimiterState } from './adaptive-limiter.js';
import { createBulkWriter } from './bulk-writer.js';
import { reasonOf } from './classify-failure.js';
import { createSinkRequests, type RetryInfo } from './sink-requests.js';
import { type SearchConnectionOptions, type SearchRequest, type SearchResponse, type SearchTransport } from './search-transport.js';
import { assertIdentity, identityFromNodes, identityFromRoot, type EngineIdentity } from './engine-identity.js';
import { searchAnswerOf } from './search-answer.js';
import { aliasesOfIndex, aliasTargetsOf, countOf, existsOf, mappingOf, mgetDocsOf, searchHitsOf, unreadable } from './state-answers.js';
import { assertConcreteIndexName } from './concrete-index-name.js';

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

  async function detect(): Promise<EngineIdentity> {
    const root = await send({ method: 'GET', path: '/' }, 'the cluster info request');
    const fromRoot = identityFromRoot(root);
    if (fromRoot) return fromRoot;
    // Minimal distributions (Elasticsearch without its rest-root module) do not serve GET /.
    const nodes = await ok(
      { method: 'GET', path: '/_nodes/_local', query: { filter_path: 'cluster_name,nodes.*.version,nodes.*.build_flavor' } },
      'the cluster info request',
    );
    const fromNodes = identityFromNodes(nodes);
    if (!fromNodes) throw unreadable('what engine the node is', node, `HTTP ${nodes.status}`);
    return fromNodes;
  }

  // Every state read waits for this: the node must be the engine the configuration names before any
  // answer of it is trusted. A failure is not cached, so a node that comes back is checked again.
  let identified: Promise<EngineIdentity> | undefined;
  function identity(): Promise<EngineIdentity> {
    identified ??= detect().then(
      (id) => {
        assertIdentity(options.engine, id, node);
        return id;
      },
      (err) => {
        identified = undefined;
        throw err;
      },
    );
    return identified.catch((err) => {
      identified = undefined;
      throw err;
    });
  }
  return {
    engine: options.engine,
    node,

    async info() {
      const id = await identity();
      return { engine: id.engine, version: id.version, clusterName: id.clusterName };
    },

    async indexExists(index) {
      await identity();
      const res = await send({ method: 'HEAD', path: `/${enc(index)}` }, `an existence check of ${index}`);
      return existsOf(res, index, node);
    },

    async indexAliases(index) {
      await identity();
      const res = await ok({ method: 'GET', path: `/${enc(index)}/_alias` }, `reading the aliases of ${index}`);
      return aliasesOfIndex(res, index, node);
    },

    async createIndex(index, body) {
      assertConcreteIndexName(index);
      await identity();
      await ok({ method: 'PUT', path: `/${enc(index)}`, body }, `creating index ${index}`);
    },

    async deleteIndex(index) {
      // Never a pattern: a wildcard or a list here once removed five indices, two of them live.
      assertConcreteIndexName(index);
      await identity();
      await ok(
        { method: 'DELETE', path: `/${enc(index)}`, query: { expand_wildcards: 'none', allow_no_indices: false } },
        `deleting index ${index}`,
        [404],
      );
    },

    async listIndices(pattern) {
      await identity();
      const res = await ok(
        {
          method: 'GET',
          path: `/_cat/indices/${enc(pattern)}`,
          query: { format: 'json', h: 'index,docs.count,health', expand_wildcards: 'open' },
        },
        `listing indices ${pattern}`,
        [404],
      );
      if (res.status === 404) return [];
      if (!Array.isArray(res.body)) throw unreadable(`the indices ${pattern}`, node, `HTTP ${res.status}`);
      if (res.body.length === 0) return [];
      const aliases = await ok({ method: 'GET', path: `/${enc(pattern)}/_alias` }, `reading aliases of ${pattern}`);
      const out: IndexInfo[] = (res.body as Array<Record<string, string>>).map((r) => ({
        name: r.index!,
        docsCount: Number(r['docs.count'] ?? 0),
        ...(r.health ? { health: r.health } : {}),
        aliases: Object.keys(aliases.body?.[r.index!]?.aliases ?? {}),
      }));
      return out.sort((a, b) => a.name.localeCompare(b.name));
    },

    async getSettings(index) {
      const res = await ok(
        { method: 'GET', path: `/${enc(index)}/_settings`, query: { flat_settings: true } },
        `reading settings of ${index}`,
      );
      return (res.body?.[index]?.settings ?? {}) as Record<string, unknown>;
    },

    async putSettings(index, settings) {
      await ok({ method: 'PUT', path: `/${enc(index)}/_settings`, body: settings }, `updating settings of ${index}`);
    },

    async getMapping(index) {
      await identity();
      const res = await ok({ method: 'GET', path: `/${enc(index)}/_mapping` }, `reading the mapping of ${index}`);
      return mappingOf(res, index, node);
    },

    async getMeta(index) {
      await identity();
      const res = await ok({ method: 'GET', path: `/${enc(index)}/_mapping` }, `reading the manifest of ${index}`);
      const meta = mappingOf(res, index, node)._meta;
      if (meta === undefined) return {};
      if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
        throw unreadable(`the manifest of ${index}`, node, '_meta is not an object');
      return meta as Record<string, unknown>;
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
      return countOf(res, index, node);
    },

    async bulk(index, writes, opts) {
      await identity();
      return bulkWriter.bulk(index, writes, opts);
    },

    async getMany(index, ids) {
      const out = new Map<string, StoredDoc>();
      if (ids.length === 0) return out;
      const res = await ok(
        { method: 'POST', path: `/${enc(index)}/_mget`, body: { ids }, query: { realtime: true } },
        `reading ${ids.length} documents from ${index}`,
      );
      for (const d of mgetDocsOf(res, index, ids.length, node)) {
        if (d.found) out.set(String(d._id), { id: String(d._id), version: Number(d._version), doc: d._source as Record<string, unknown> });
      }
      return out;
    },

    async *scan(index, opts) {
      const size = opts.pageSize ?? 1000;
      type Hit = { _id: string; _version: number; _source: Record<string, unknown>; sort: unknown[] };
      // A caller that stops early (or fails) must not leave a page request retrying behind it.
      const stop = new AbortController();
      const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
      const page = async (after: unknown[] | undefined): Promise<Hit[]> => {
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
            signal,
          },
          `scanning ${index}`,
        );
        return (res.body?.hits?.hits ?? []) as Hit[];
      };
      // The next page is asked for while the caller works on this one (a restore hashes every body),
      // so up to two pages are held at once.
      let next = page(undefined);
      try {
        for (;;) {
          const hits = await next;
          if (hits.length === 0) return;
          const more = hits.length === size;
          if (more) {
            next = page(hits[hits.length - 1]!.sort);
            // Settled here if the caller stops early; awaited (and thrown) above otherwise.
            next.catch(() => undefined);
          }
          yield hits.map((h) => ({ id: h._id, version: Number(h._version), doc: h._source }));
          if (!more) return;
        }
      } finally {
        stop.abort();
      }
    },

    async search(index, body) {
      const res = await ok({ method: 'POST', path: `/${enc(index)}/_search`, body: { version: true, ...body } }, `searching ${index}`);
      const total = res.body?.hits?.total;
      const count = typeof total === 'number' ? total : total?.value;
      // Callers read bookkeeping (checkpoints, write logs, swap history) with it: no list is not "none".
      if (!Array.isArray(res.body?.hits?.hits) || typeof count !== 'number') {
        throw unreadable(`a search of ${index}`, node, `no hits list or total: ${JSON.stringify(res.body).slice(0, 200)}`);
      }
      return {
        total: count,
        hits: res.body.hits.hits.map((h: { _id: string; _version: number; _source: Record<string, unknown> }) => ({
          id: h._id,
          version: Number(h._version),
          doc: h._source,
        })),
      };
    },

    async searchDocuments(index, body) {
      await identity();
      const res = await ok({ method: 'POST', path: `/${enc(index)}/_search`, body: { version: true, ...body } }, `querying ${index}`);
      return searchAnswerOf(res, index, Object.keys((body.aggs ?? {}) as object), node);
    },

    async suggest(index, body) {
      await identity();
      const res = await ok({ method: 'POST', path: `/${enc(index)}/_search`, body }, `searching ${index} for suggestions`);
      return searchHitsOf(res, index, node);
    },

    async aliasTargets(alias) {
      assertConcreteIndexName(alias);
      await identity();
      const res = await ok({ method: 'GET', path: `/_alias/${enc(alias)}` }, `reading alias ${alias}`, [404]);
      return aliasTargetsOf(res, alias, node);
    },

    async getDoc(index, id) {
      await identity();
      const res = await ok({ method: 'GET', path: `/${enc(index)}/_doc/${enc(id)}` }, `reading ${id} in ${index}`, [404]);
      if (res.status === 404 && (res.body?.found === false || res.body?.error?.type === 'index_not_found_exception')) return undefined;
      if (res.status !== 200 || res.body?.found !== true || typeof res.body._seq_no !== 'number') {
        throw unreadable(`document ${id} of ${index}`, node, `HTTP ${res.status}`);
      }
      return {
        doc: res.body._source as Record<string, unknown>,
        seqNo: res.body._seq_no as number,
        primaryTerm: res.body._primary_term as number,
      };
    },

    async putDoc(index, id, doc, opts = {}) {
      await identity();
      const query: Record<string, string | number | boolean> = { refresh: opts.refresh === false ? 'false' : 'true' };
      if (opts.create) query.op_type = 'create';
      if (opts.ifMatch) {
        query.if_seq_no = opts.ifMatch.seqNo;
        query.if_primary_term = opts.ifMatch.primaryTerm;
      }
      const res = await ok({ method: 'PUT', path: `/${enc(index)}/_doc/${enc(id)}`, body: doc, query }, `writing ${id} in ${index}`, [409]);
      if (res.status === 409) return { ok: false };
      return { ok: true, seqNo: Number(res.body?._seq_no), primaryTerm: Number(res.body?._primary_term) };
    },

    async deleteDoc(index, id, opts = {}) {
      await identity();
      const query: Record<string, string | number | boolean> = { refresh: opts.refresh === false ? 'false' : 'true' };
      if (opts.ifMatch) {
        query.if_seq_no = opts.ifMatch.seqNo;
        query.if_primary_term = opts.ifMatch.primaryTerm;
      }
      const res = await ok({ method: 'DELETE', path: `/${enc(index)}/_doc/${enc(id)}`, query }, `deleting ${id} in ${index}`, [404, 409]);
      return res.status !== 409;
    },

    async updateAliases(actions: readonly AliasAction[]) {
      await identity();
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
