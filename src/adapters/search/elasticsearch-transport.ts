import { Client } from '@elastic/elasticsearch';
import { responseOf, toClientParams, type SearchConnectionOptions, type SearchTransport } from './search-transport.js';

/** Elasticsearch through its official client; retries are ours (see the sink), so the client's are off. */
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
      try {
        const res = await client.transport.request(toClientParams(req) as never, {
          meta: true,
          ...(req.signal ? { signal: req.signal } : {}),
        });
        return { status: res.statusCode ?? 0, body: res.body };
      } catch (err) {
        return responseOf(err, options.node);
      }
    },
    close: () => client.close(),
  };
}
