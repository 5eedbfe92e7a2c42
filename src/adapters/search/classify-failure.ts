/**
 * What a failed request means, so each kind gets the right treatment: transient failures are retried
 * within the time budget, throttling also slows the sink down, and failures no retry can fix (an
 * untrusted certificate, refused credentials) end the run at once with what to change.
 */
export type FailureKind =
  /** 429: the engine's queues are full; retry later, and send less meanwhile. */
  | 'throttled'
  /** 502/503/504, a reset, refused or timed-out connection: the node is restarting or unreachable. */
  | 'unavailable'
  /** 413: the request body is larger than the engine's http.max_content_length. */
  | 'too-large'
  /** 401/403. */
  | 'auth'
  /** The TLS handshake failed on the certificate: retrying cannot make it trusted. */
  | 'tls'
  /** Any other failure without an HTTP answer: not known to be transient. */
  | 'fatal';

export function classifyStatus(status: number): FailureKind | undefined {
  if (status === 429) return 'throttled';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  if (status === 413) return 'too-large';
  if (status === 401 || status === 403) return 'auth';
  return undefined;
}

const TLS = /certificate|self[- ]signed|unable to verify|unable to get (local )?issuer|CERT_|altnames/i;
/** An https:// URL pointing at a plain-HTTP port (or the reverse through a proxy): no retry helps. */
export const TLS_PROTOCOL = /wrong version number|packet length too long|unknown protocol/i;
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
// The clients' own error classes for "no usable answer"; a body cut off mid-way is the same thing.
const TRANSIENT_NAMES = new Set(['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError', 'DeserializationError']);
const TRANSIENT_TEXT = /socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|other side closed|timed? ?out/i;

/** A failure that produced no HTTP answer at all. */
export function classifyError(err: unknown): FailureKind {
  const e = err as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } } | undefined;
  const text = `${e?.message ?? ''} ${e?.cause?.message ?? ''}`;
  if (TLS.test(text) || TLS_PROTOCOL.test(text) || /CERT|SELF_SIGNED/.test(`${e?.code ?? ''} ${e?.cause?.code ?? ''}`)) return 'tls';
  if (TRANSIENT_CODES.has(e?.code ?? '') || TRANSIENT_CODES.has(e?.cause?.code ?? '')) return 'unavailable';
  if (TRANSIENT_NAMES.has(e?.name ?? '') || TRANSIENT_TEXT.test(text)) return 'unavailable';
  return 'fatal';
}

/**
 * A short, single-line reason from an error answer. Proxies and security plugins answer 401/403 with
 * HTML pages: those become their title (or their text, clipped), never the markup.
 */
export function reasonOf(body: unknown): string {
  if (body === undefined || body === null || body === '') return 'no details';
  if (typeof body === 'string') return textOf(body);
  const b = body as {
    error?: { reason?: string; type?: string; caused_by?: { reason?: string } } | string;
    reason?: string;
    type?: string;
    message?: string;
  };
  if (typeof b.error === 'string') return textOf(b.error);
  const e = b.error ?? (b as { reason?: string; type?: string; caused_by?: { reason?: string } });
  const main = e.reason ?? e.type ?? b.message ?? JSON.stringify(b).slice(0, 300);
  return e.caused_by?.reason ? `${main} (${e.caused_by.reason})` : main;
}

function textOf(s: string): string {
  if (/<\s*(html|body|head|title|h1|p|div)\b/i.test(s)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(s)?.[1]?.trim();
    const text = (title || s.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
    return clip(text || 'an HTML page', 160);
  }
  return clip(s.replace(/\s+/g, ' ').trim(), 300);
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
