import { Client } from '@opensearch-project/opensearch';
import type { SearchConnectionOptions, SearchTransport } from './search-transport.js';

/** OpenSearch through its official client; retries are ours (see retry policy), so the client's are off. */
export function createOpenSearchTransport(options: SearchConnectionOptions): SearchTransport {
  const client = new Client({
    node: options.node,
    maxRetries: 0,
    requestTimeout: options.requestTimeoutMs ?? 60_000,
    ...(options.username ? { auth: { username: options.username, password: options.password ?? '' } } : {}),
    ...(options.apiKey ? { headers: { authorization: `ApiKey ${options.apiKey}` } } : {}),
    ...(options.ca || options.rejectUnauthorized === false
      ? { ssl: { ...(options.ca ? { ca: options.ca } : {}), rejectUnauthorized: options.rejectUnauthorized ?? true } }
      : {}),
  });
  return {
    async request(req) {
      const controller = req.signal ? req.signal : undefined;
      const res = await client.transport.request(
        {
          method: req.method,
          path: req.path,
          ...(req.body !== undefined ? { body: req.body as Record<string, unknown> } : {}),
          ...(req.ndjson ? { bulkBody: req.ndjson as Array<Record<string, unknown>> } : {}),
          ...(req.query ? { querystring: req.query } : {}),
        },
        { ignore: [400, 404, 409, 429], ...(controller ? { signal: controller } : {}) } as never,
      );
      return { status: res.statusCode ?? 0, body: res.body };
    },
    close: () => client.close(),
  };
}
