import { Client } from '@elastic/elasticsearch';
import type { SearchConnectionOptions, SearchTransport } from './search-transport.js';

/** Elasticsearch through its official client; retries are ours (see retry policy), so the client's are off. */
export function createElasticsearchTransport(options: SearchConnectionOptions): SearchTransport {
  const client = new Client({
    node: options.node,
    maxRetries: 0,
    requestTimeout: options.requestTimeoutMs ?? 60_000,
    ...(options.apiKey
      ? { auth: { apiKey: options.apiKey } }
      : options.username
        ? { auth: { username: options.username, password: options.password ?? '' } }
        : {}),
    ...(options.ca || options.rejectUnauthorized === false
      ? { tls: { ...(options.ca ? { ca: options.ca } : {}), rejectUnauthorized: options.rejectUnauthorized ?? true } }
      : {}),
  });
  return {
    async request(req) {
      const res = await client.transport.request(
        {
          method: req.method,
          path: req.path,
          ...(req.body !== undefined ? { body: req.body as Record<string, unknown> } : {}),
          ...(req.ndjson ? { bulkBody: req.ndjson as Array<Record<string, unknown>> } : {}),
          ...(req.query ? { querystring: req.query } : {}),
        },
        { meta: true, ignore: [400, 404, 409, 429], ...(req.signal ? { signal: req.signal } : {}) },
      );
      return { status: res.statusCode ?? 0, body: res.body };
    },
    close: () => client.close(),
  };
}
