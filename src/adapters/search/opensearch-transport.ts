import { Client } from '@opensearch-project/opensearch';
import { responseOf, toClientParams, type SearchConnectionOptions, type SearchTransport } from './search-transport.js';

/** OpenSearch through its official client; retries are ours (see the sink), so the client's are off. */
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
      try {
        const res = await client.transport.request(toClientParams(req) as never, (req.signal ? { signal: req.signal } : {}) as never);
        return { status: res.statusCode ?? 0, body: res.body };
      } catch (err) {
        return responseOf(err);
      }
    },
    close: () => client.close(),
  };
}
