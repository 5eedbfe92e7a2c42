import { ConfigError, SinkUnavailableError } from '../../core/errors.js';
import type { EngineKind } from '../../core/ports/search-sink.js';
import { describeDuration } from '../../core/retry.js';
import { reasonOf, TLS_PROTOCOL, type FailureKind } from './classify-failure.js';

/** Who the sink talks to, as its error messages name it (never the password). */
export interface SinkIdentity {
  engine: EngineKind;
  node: string;
  username?: string;
  apiKey?: string;
  ca?: string;
}

export interface RequestLine {
  method: string;
  path: string;
}

export interface GiveUp {
  /** The node answered at least once (else it is more likely a wrong URL than an outage). */
  reached: boolean;
  kind: 'throttled' | 'unavailable';
  reason: string;
  what: string;
  req: RequestLine;
  attempts: number;
  elapsedMs: number;
  budgetMs: number;
}

/** The retry budget is spent: exit 6, saying what failed, for how long, and how to wait longer. */
export function gaveUpError(id: SinkIdentity, g: GiveUp): SinkUnavailableError {
  const tried = describeDuration(g.elapsedMs);
  const context = {
    node: id.node,
    request: `${g.req.method} ${g.req.path}`,
    attempts: g.attempts,
    triedForMs: g.elapsedMs,
    retryBudgetMs: g.budgetMs,
    lastError: g.reason,
  };
  const waitLonger = `wait longer with --retry-budget / search.retryBudget (now ${describeDuration(g.budgetMs)})`;
  if (!g.reached) {
    return new SinkUnavailableError(
      `${id.engine} at ${id.node} is unreachable: ${g.what} failed for ${tried} (${g.attempts} attempts; last: ${g.reason})`,
      {
        context,
        suggestion: `check the URL in search.node and that ${id.engine} is up and reachable (readmodel sandbox status for the local one)`,
      },
    );
  }
  if (g.kind === 'throttled') {
    return new SinkUnavailableError(
      `${id.engine} at ${id.node} kept throttling (HTTP 429): ${g.what} was retried for ${tried} (${g.attempts} attempts) without getting through`,
      {
        context,
        suggestion: `the cluster is overloaded: retry later, lower --batch-size, or ${waitLonger}`,
      },
    );
  }
  return new SinkUnavailableError(
    `${id.engine} at ${id.node} is unavailable: ${g.what} kept failing for ${tried} (${g.attempts} attempts; last: ${g.reason})`,
    {
      context,
      suggestion: `check that ${id.engine} is up and reachable (readmodel sandbox status for the local one), or ${waitLonger}`,
    },
  );
}

/** 401/403: no retry changes credentials. Names the user (or the API key), never the HTML page. */
export function authError(id: SinkIdentity, status: number, body: unknown, what: string, req: RequestLine): ConfigError {
  const who = id.apiKey
    ? 'the API key in search.apiKey'
    : id.username
      ? `user "${id.username}"`
      : 'anonymous access (no credentials configured)';
  const reason = reasonOf(body);
  const detail = reason === 'no details' ? '' : `: ${reason}`;
  const context = {
    node: id.node,
    request: `${req.method} ${req.path}`,
    status,
    ...(id.username && !id.apiKey ? { user: id.username } : {}),
  };
  if (status === 401) {
    return new ConfigError(`authentication failed at ${id.node} for ${who} (HTTP 401${detail})`, {
      code: 'SEARCH_AUTH_FAILED',
      context,
      suggestion:
        id.apiKey || id.username
          ? 'check search.username and search.password (READMODEL_SEARCH_USERNAME, READMODEL_SEARCH_PASSWORD) or search.apiKey (READMODEL_SEARCH_API_KEY)'
          : 'the cluster requires credentials: set search.username and search.password, or search.apiKey',
    });
  }
  return new ConfigError(`access denied at ${id.node} for ${who}: ${what} was refused (HTTP 403${detail})`, {
    code: 'SEARCH_FORBIDDEN',
    context,
    suggestion: 'grant that user the index privileges readmodel needs on the read model indices and aliases, or configure another user',
  });
}

/** A failure with no HTTP answer that is not transient: a certificate problem, or something unknown. */
export function noAnswerError(
  id: SinkIdentity,
  kind: FailureKind,
  err: unknown,
  what: string,
  req: RequestLine,
): ConfigError | SinkUnavailableError {
  const message = shortMessage(err);
  if (kind === 'tls' && TLS_PROTOCOL.test(message)) {
    const detail = /wrong version number|packet length too long/i.exec(message)?.[0] ?? 'protocol mismatch';
    return new ConfigError(`the TLS handshake with ${id.node} failed (${detail}): the node does not seem to serve HTTPS there`, {
      code: 'SEARCH_TLS_MISMATCH',
      context: { node: id.node, key: 'search.node' },
      suggestion: 'use http:// in search.node for a node without TLS (or the HTTPS port of the node)',
      cause: err,
    });
  }
  if (kind === 'tls') {
    return new ConfigError(`the TLS certificate of ${id.node} is not trusted (${message})`, {
      code: 'SEARCH_TLS_UNTRUSTED',
      context: { node: id.node, key: 'search.caFile', ...(id.ca ? { caFile: 'configured' } : {}) },
      suggestion: id.ca
        ? 'the CA in search.caFile did not sign this certificate (or the host name does not match it): point search.caFile at the right CA'
        : 'set search.caFile (or READMODEL_SEARCH_CA_FILE) to the PEM file of the CA that signed the certificate',
      cause: err,
    });
  }
  return new SinkUnavailableError(`${id.engine} at ${id.node}: ${what} failed: ${message}`, {
    context: { node: id.node, request: `${req.method} ${req.path}` },
    suggestion: `check that ${id.engine} is up and reachable and that search.node points at it`,
    cause: err,
  });
}

/** The first clause of a client error ("self-signed certificate; if the root CA is ..." -> the part before ";"). */
export function shortMessage(err: unknown): string {
  const e = err as { message?: string; name?: string } | undefined;
  return String(e?.message || e?.name || err)
    .split(';')[0]!
    .trim();
}
