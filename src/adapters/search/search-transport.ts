/** The little an engine client must do for us: send one request, return status and parsed body. */
export interface SearchRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';
  path: string;
  body?: unknown;
  /** Bulk bodies are sent as NDJSON lines. */
  ndjson?: readonly unknown[];
  query?: Record<string, string | number | boolean>;
  signal?: AbortSignal;
}

export interface SearchResponse {
  status: number;
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

/** Connection-level failures are thrown as-is so the sink can classify them as "unavailable". */
export function statusOf(err: unknown): number | undefined {
  const e = err as { meta?: { statusCode?: number }; statusCode?: number };
  return e?.meta?.statusCode ?? e?.statusCode;
}
