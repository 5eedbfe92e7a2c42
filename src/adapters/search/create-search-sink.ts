import { ConfigError, SinkRejectedError, SinkUnavailableError } from '../../core/errors.js';
import { DEFAULT_BACKOFF, describeDuration, sleep, startRetryClock, throwIfAborted, type BackoffPolicy, type RetryClock } from '../../core/retry.js';
import type {
  AliasAction,
  BulkOutcome,
  BulkWrite,
  EngineKind,
  IndexInfo,
  SearchSink,
  StoredDoc,
} from '../../core/ports/search-sink.js';
import { createAdaptiveLimiter, type LimiterState } from './adaptive-limiter.js';
import { chunkBytes, encodeWrites, parseByteSize, takeChunk, type EncodedWrite } from './bulk-chunks.js';
import { classifyError, classifyStatus, reasonOf, TLS_PROTOCOL, type FailureKind } from './classify-failure.js';
import { type SearchConnectionOptions, type SearchRequest, type SearchResponse, type SearchTransport } from './search-transport.js';

export interface RetryInfo {
  reason: string;
  /** Attempts of this request (or bulk) so far. */
  attempt: number;
  delayMs: number;
  kind: 'throttled' | 'unavailable' | 'too-large';
  /** How long this request has been failing, and how long it may. */
  elapsedMs: number;
  budgetMs: number;
  /** Bulk writes re-sent (bulk requests only). */
  writes?: number;
}

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

/** Until a node has answered once, a connection failure is more likely a wrong URL than an outage. */
const FIRST_CONTACT_BUDGET_MS = 10_000;
const DEFAULT_BULK_BYTES = 8 * 1024 * 1024;
/** Both engines' default http.max_content_length. */
const DEFAULT_MAX_CONTENT_LENGTH = 100 * 1024 * 1024;

/**
 * One implementation of the sink port for both engines. Their REST APIs agree on everything readmodel
 * uses (index, _bulk with external versions, _mget, _aliases, search_after); only the client differs.
 *
 * Failures are classified (classify-failure.ts): throttling (429) and unavailability (502/503/504,
 * resets, refused connections, timeouts) are retried with jittered exponential backoff until the
 * time budget is spent; an untrusted certificate or refused credentials fail at once.
 */
export function createSearchSink(options: SearchSinkOptions): SearchSink {
  const transport = options.transport ?? lazyTransport(options);
  const policy: BackoffPolicy = { ...DEFAULT_BACKOFF, ...options.backoff };
  const node = Array.isArray(options.node) ? options.node.join(',') : options.node;
  const limiter = createAdaptiveLimiter({
    maxInFlight: options.maxInFlight ?? 8,
    maxBulkBytes: options.bulkBytes ?? DEFAULT_BULK_BYTES,
    ...(options.onThrottle ? { onChange: options.onThrottle } : {}),
  });
  let reached = false;
  let limitsLearned: Promise<void> | undefined;

  const budgetNow = () => (reached ? policy.budgetMs : Math.min(policy.budgetMs, FIRST_CONTACT_BUDGET_MS));

  /** Waits before the next attempt, or throws once the budget is spent. */
  async function pause(
    clock: RetryClock,
    kind: 'throttled' | 'unavailable',
    reason: string,
    what: string,
    req: { method: string; path: string },
    signal: AbortSignal | undefined,
    writes?: number,
  ): Promise<void> {
    const budgetMs = budgetNow();
    const delayMs = clock.next(budgetMs);
    if (delayMs === undefined) throw gaveUp(clock, kind, reason, what, req, budgetMs);
    options.onRetry?.({
      reason,
      attempt: clock.attempts,
      delayMs,
      kind,
      elapsedMs: clock.elapsedMs(),
      budgetMs,
      ...(writes !== undefined ? { writes } : {}),
    });
    await sleep(delayMs, signal);
  }

  function gaveUp(clock: RetryClock, kind: 'throttled' | 'unavailable', reason: string, what: string, req: { method: string; path: string }, budgetMs: number) {
    const tried = describeDuration(clock.elapsedMs());
    const context = {
      node,
      request: `${req.method} ${req.path}`,
      attempts: clock.attempts,
      triedForMs: clock.elapsedMs(),
      retryBudgetMs: budgetMs,
      lastError: reason,
    };
    if (!reached) {
      return new SinkUnavailableError(`${options.engine} at ${node} is unreachable: ${what} failed for ${tried} (${clock.attempts} attempts; last: ${reason})`, {
        context,
        suggestion: `check the URL in search.node and that ${options.engine} is up and reachable (readmodel sandbox status for the local one)`,
      });
    }
    if (kind === 'throttled') {
      return new SinkUnavailableError(`${options.engine} at ${node} kept throttling (HTTP 429): ${what} was retried for ${tried} (${clock.attempts} attempts) without getting through`, {
        context,
        suggestion: `the cluster is overloaded: retry later, lower --batch-size, or wait longer with --retry-budget / search.retryBudget (now ${describeDuration(budgetMs)})`,
      });
    }
    return new SinkUnavailableError(`${options.engine} at ${node} is unavailable: ${what} kept failing for ${tried} (${clock.attempts} attempts; last: ${reason})`, {
      context,
      suggestion: `check that ${options.engine} is up and reachable (readmodel sandbox status for the local one), or wait longer with --retry-budget / search.retryBudget (now ${describeDuration(budgetMs)})`,
    });
  }

  function authError(status: number, body: unknown, what: string, req: { method: string; path: string }) {
    const who = options.apiKey ? 'the API key in search.apiKey' : options.username ? `user "${options.username}"` : 'anonymous access (no credentials configured)';
    const reason = reasonOf(body);
    const detail = reason === 'no details' ? '' : `: ${reason}`;
    const context = { node, request: `${req.method} ${req.path}`, status, ...(options.username && !options.apiKey ? { user: options.username } : {}) };
    if (status === 401) {
      return new ConfigError(`authentication failed at ${node} for ${who} (HTTP 401${detail})`, {
        code: 'SEARCH_AUTH_FAILED',
        context,
        suggestion:
          options.apiKey || options.username
            ? 'check search.username and search.password (READMODEL_SEARCH_USERNAME, READMODEL_SEARCH_PASSWORD) or search.apiKey (READMODEL_SEARCH_API_KEY)'
            : 'the cluster requires credentials: set search.username and search.password, or search.apiKey',
      });
    }
    return new ConfigError(`access denied at ${node} for ${who}: ${what} was refused (HTTP 403${detail})`, {
      code: 'SEARCH_FORBIDDEN',
      context,
      suggestion: 'grant that user the index privileges readmodel needs on the read model indices and aliases, or configure another user',
    });
  }

  function failedWithoutAnswer(kind: FailureKind, err: unknown, what: string, req: { method: string; path: string }) {
    const message = String((err as Error)?.message ?? err).split(';')[0]!.trim();
    if (kind === 'tls' && TLS_PROTOCOL.test(message)) {
      const detail = /wrong version number|packet length too long/i.exec(message)?.[0] ?? 'protocol mismatch';
      return new ConfigError(`the TLS handshake with ${node} failed (${detail}): the node does not seem to serve HTTPS there`, {
        code: 'SEARCH_TLS_MISMATCH',
        context: { node, key: 'search.node' },
        suggestion: 'use http:// in search.node for a node without TLS (or the HTTPS port of the node)',
        cause: err,
      });
    }
    if (kind === 'tls') {
      return new ConfigError(`the TLS certificate of ${node} is not trusted (${message})`, {
        code: 'SEARCH_TLS_UNTRUSTED',
        context: { node, key: 'search.caFile', ...(options.ca ? { caFile: 'configured' } : {}) },
        suggestion: options.ca
          ? 'the CA in search.caFile did not sign this certificate (or the host name does not match it): point search.caFile at the right CA'
          : 'set search.caFile (or READMODEL_SEARCH_CA_FILE) to the PEM file of the CA that signed the certificate',
        cause: err,
      });
    }
    return new SinkUnavailableError(`${options.engine} at ${node}: ${what} failed: ${message}`, {
      context: { node, request: `${req.method} ${req.path}` },
      suggestion: `check that ${options.engine} is up and reachable and that search.node points at it`,
      cause: err,
    });
  }

  async function send(req: SearchRequest, what: string): Promise<SearchResponse> {
    const clock = startRetryClock(policy);
    for (;;) {
      throwIfAborted(req.signal);
      let res: SearchResponse | undefined;
      let failure: unknown;
      try {
        res = await transport.request(req);
      } catch (err) {
        if (req.signal?.aborted) throwIfAborted(req.signal);
        failure = err;
      }
      const kind = res ? classifyStatus(res.status) : classifyError(failure);
      if (res) reached = true;
      if (res && kind === 'auth') throw authError(res.status, res.body, what, req);
      if (res && kind !== 'throttled' && kind !== 'unavailable') return res;
      if (!res && kind !== 'unavailable') throw failedWithoutAnswer(kind!, failure, what, req);
      await pause(clock, kind as 'throttled' | 'unavailable', res ? `HTTP ${res.status}` : shortMessage(failure), what, req, req.signal);
    }
  }

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

  /**
   * Bulks are cut below the engine's http.max_content_length, read once per sink. A node that does not
   * say (no permission, an older version) is assumed to have the default; a 413 still lowers the size.
   */
  function learnLimits(): Promise<void> {
    return (limitsLearned ??= (async () => {
      try {
        const res = await transport.request({
          method: 'GET',
          path: '/_cluster/settings',
          query: { include_defaults: true, filter_path: '*.http.max_content_length' },
        });
        const found = ['transient', 'persistent', 'defaults']
          .map((k) => parseByteSize(res.body?.[k]?.http?.max_content_length))
          .filter((n): n is number => n !== undefined && n > 0);
        limiter.capBytes(Math.floor((found.length ? Math.min(...found) : DEFAULT_MAX_CONTENT_LENGTH) * 0.9));
      } catch {
        limiter.capBytes(Math.floor(DEFAULT_MAX_CONTENT_LENGTH * 0.9));
      }
    })());
  }

  /** One round of bulk requests over `pending`, cut by the adaptive limits; see bulk() below. */
  async function bulkWrites(index: string, pending: EncodedWrite[], outcome: BulkOutcome, signal: AbortSignal | undefined) {
    const what = `a bulk write to ${index}`;
    const req = { method: 'POST', path: '/_bulk' } as const;
    const clock = startRetryClock(policy);
    while (pending.length > 0) {
      throwIfAborted(signal);
      const chunk = takeChunk(pending, limiter.bulkWrites, limiter.bulkBytes);
      const bytes = chunkBytes(chunk);
      const permit = await limiter.acquire(signal);
      let res: SearchResponse | undefined;
      let failure: unknown;
      try {
        res = await transport.request({ ...req, ndjson: chunk.map((c) => c.ndjson).join(''), ...(signal ? { signal } : {}) });
      } catch (err) {
        failure = err;
      }
      if (signal?.aborted) {
        permit.release();
        throwIfAborted(signal);
      }
      if (res) reached = true;
      const kind = res ? classifyStatus(res.status) : classifyError(failure);

      if (res && res.status >= 200 && res.status < 300) {
        const items = (res.body?.items ?? []) as Array<Record<string, { status: number; error?: unknown }>>;
        if (items.length !== chunk.length) {
          permit.release();
          throw new SinkRejectedError(`${options.engine} answered a bulk write to ${index} with ${items.length} results for ${chunk.length} writes`, {
            context: { node, index, status: res.status },
          });
        }
        const retry: EncodedWrite[] = [];
        let throttledItems = 0;
        items.forEach((item, i) => {
          const e = chunk[i]!;
          const w = e.write;
          const r = item.index ?? item.delete ?? Object.values(item)[0]!;
          const itemKind = classifyStatus(r.status);
          if (r.status >= 200 && r.status < 300) {
            if (w.action === 'index') outcome.written++;
            else outcome.deleted++;
          } else if (r.status === 409) {
            outcome.stale++; // the stored version is newer or equal: by design, nothing to do
          } else if (r.status === 404 && w.action === 'delete') {
            outcome.deleted++; // already gone; the external-version tombstone is still recorded
          } else if (itemKind === 'throttled' || itemKind === 'unavailable') {
            if (itemKind === 'throttled') throttledItems++;
            retry.push(e);
          } else {
            outcome.rejected.push({ id: w.id, action: w.action, version: w.version, status: r.status, reason: reasonOf(r.error) });
          }
        });
        if (throttledItems > 0) limiter.throttled(permit, chunk.length, bytes);
        else if (retry.length === 0) limiter.succeeded(permit);
        permit.release();
        if (retry.length === 0) {
          clock.progress(true);
          continue;
        }
        if (retry.length < chunk.length) clock.progress();
        outcome.retries += retry.length;
        outcome.throttled += throttledItems;
        pending.unshift(...retry);
        const reason = `${retry.length} of ${chunk.length} bulk items ${throttledItems > 0 ? 'throttled (429)' : 'unavailable'}`;
        await pause(clock, throttledItems > 0 ? 'throttled' : 'unavailable', reason, what, req, signal, retry.length);
        continue;
      }

      if (kind === 'too-large') {
        permit.release();
        if (chunk.length === 1) {
          const w = chunk[0]!.write;
          outcome.rejected.push({
            id: w.id,
            action: w.action,
            version: w.version,
            status: 413,
            reason: `the document is too large for ${options.engine}: its ${bytes}-byte bulk request exceeds the engine's http.max_content_length (HTTP 413)`,
          });
          continue;
        }
        // Halve and go again at once: the engine is healthy, the request was too big. The limiter
        // keeps the lower size for every later bulk of this sink.
        limiter.tooLarge(Math.ceil(bytes / 2) + 1);
        outcome.splits++;
        pending.unshift(...chunk);
        options.onRetry?.({
          reason: `HTTP 413: a ${chunk.length}-write bulk of ${bytes} bytes is too large; split in two`,
          attempt: clock.attempts,
          delayMs: 0,
          kind: 'too-large',
          elapsedMs: clock.elapsedMs(),
          budgetMs: budgetNow(),
          writes: chunk.length,
        });
        continue;
      }

      if (kind === 'throttled' || kind === 'unavailable') {
        if (kind === 'throttled') {
          limiter.throttled(permit, chunk.length, bytes);
          outcome.throttled += chunk.length;
        }
        permit.release();
        // Resending is safe even when the lost answer hid a bulk the engine did apply (a reset or a
        // timeout after the write): every write carries the aggregate version as an external
        // version, so a write applied twice comes back the second time as a version conflict
        // (counted as stale), and can never put an older state over a newer one.
        outcome.retries += chunk.length;
        pending.unshift(...chunk);
        await pause(clock, kind, res ? `HTTP ${res.status}` : shortMessage(failure), what, req, signal, chunk.length);
        continue;
      }

      permit.release();
      if (res && kind === 'auth') throw authError(res.status, res.body, what, req);
      if (!res) throw failedWithoutAnswer(kind!, failure, what, req);
      throw new SinkRejectedError(`${options.engine} refused ${what}: ${reasonOf(res.body)}`, {
        context: { node, index, request: `${req.method} ${req.path}`, status: res.status, writes: chunk.length },
      });
    }
  }

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

    async bulk(index, writes, opts = {}) {
      const started = Date.now();
      const outcome: BulkOutcome = { written: 0, deleted: 0, stale: 0, retries: 0, throttled: 0, splits: 0, rejected: [], tookMs: 0 };
      if (writes.length > 0) {
        await learnLimits();
        await bulkWrites(index, encodeWrites(index, writes, opts.versionType ?? 'external'), outcome, opts.signal);
      }
      outcome.tookMs = Date.now() - started;
      return outcome;
    },

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

function shortMessage(err: unknown): string {
  const e = err as { message?: string; name?: string } | undefined;
  return String(e?.message || e?.name || err).split(';')[0]!.trim();
}
