import { ConfigError } from '../../core/errors.js';
/** The little an engine client must do for us: send one request, return status and parsed body. */
export interface SearchRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';
  path: string;
  body?: unknown;
  /** Bulk bodies: NDJSON lines, or the whole NDJSON text already serialized. */
  ndjson?: readonly unknown[] | string;
  query?: Record<string, string | number | boolean>;
  signal?: AbortSignal;
}

export interface SearchResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped JSON of two engines' clients; callers read what they need
  body: any;
}

export type SearchTransport = {
  request(req: SearchRequest): Promise<SearchResponse>;
  close(): Promise<void>;
};

export interface SearchConnectionOptions {
  node: string | string[];
  username?: string;
  password?: string;
  apiKey?: string;
  /** PEM contents of a CA certificate for TLS clusters. */
  ca?: string;
  rejectUnauthorized?: boolean;
  requestTimeoutMs?: number;
}

export function toClientParams(req: SearchRequest) {
  return {
    method: req.method,
    path: req.path,
    ...(req.body !== undefined ? { body: req.body } : {}),
    ...(req.ndjson ? { bulkBody: req.ndjson } : {}),
    ...(req.query ? { querystring: req.query } : {}),
  };
}

/**
 * Both clients throw on any HTTP error status. We want statuses as data (404 on HEAD, 409 on a
 * version conflict are answers, not failures), so a thrown response becomes a response again; only
 * failures with no HTTP answer at all (refused, reset, timed out) stay thrown.
 */
export function responseOf(err: unknown, node?: string | string[]): SearchResponse {
  // The Elasticsearch client refuses a node that does not say it is Elasticsearch, but its error carries
  // the 200 it got: taken as an answer, every read would look empty. It is a configuration error.
  if ((err as { name?: string }).name === 'ProductNotSupportedError') {
    throw new ConfigError('the search node does not identify itself as Elasticsearch, but search.engine says elasticsearch', {
      code: 'ENGINE_MISMATCH',
      context: {
        key: 'search.engine',
        configured: 'elasticsearch',
        found: 'a node that does not answer as Elasticsearch (no X-Elastic-Product header; OpenSearch does not send it)',
        ...(node ? { node: Array.isArray(node) ? node.join(',') : node } : {}),
      },
      suggestion:
        'if the node is OpenSearch, set search.engine (or READMODEL_SEARCH_ENGINE / --engine) to "opensearch". Nothing was read or changed.',
    });
  }
  const meta = (err as { meta?: { statusCode?: number | null; body?: unknown } }).meta;
  if (typeof meta?.statusCode === 'number' && meta.statusCode >= 100) return { status: meta.statusCode, body: meta.body };
  throw err;
}
