/**
 * Checks for single configuration values, whatever their source (file, environment, flag). Each
 * returns the normalized value or a problem sentence; the caller names the source.
 */
export type Checked<T> = { value: T } | { problem: string };

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

function portProblem(port: string): string | undefined {
  if (!/^\d+$/.test(port)) return `the port "${port}" is not a number`;
  const n = Number(port);
  if (n < 1 || n > 65535) return `the port ${port} is outside 1..65535`;
  return undefined;
}

/** `host:port` or `[ipv6]:port`, no scheme. */
export function checkBroker(s: string): Checked<string> {
  const broker = s.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(broker)) return { problem: 'a broker is host:port, without a scheme such as http://' };
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]@]+):([^:]*)$/.exec(broker);
  if (!m) return { problem: 'a broker is host:port, e.g. kafka-1:9092' };
  const problem = portProblem(m[2]!);
  return problem ? { problem } : { value: broker };
}

export interface NodeUrl {
  /** The URL without credentials: what is shown and what the client connects to. */
  url: string;
  username?: string;
  password?: string;
}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * Splits `scheme://user:password@host:port/path` leniently: the credentials end at the LAST `@`, so a
 * password holding a space, `#`, `/` or `@` (unencoded, as people paste them) is taken whole instead of
 * being read as a fragment or a path. Percent-encoded credentials are decoded.
 */
function splitCredentials(s: string): { scheme: string; userinfo?: string; rest: string } | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/s.exec(s.trim());
  if (!m) return undefined;
  const body = m[2]!;
  const at = body.lastIndexOf('@');
  return at < 0
    ? { scheme: m[1]!.toLowerCase(), rest: body }
    : { scheme: m[1]!.toLowerCase(), userinfo: body.slice(0, at), rest: body.slice(at + 1) };
}

/** The URL as it may be shown: a password in it becomes `***`, however odd its characters. */
export function redactNodeUrl(s: string): string {
  const parts = splitCredentials(s);
  if (!parts?.userinfo) return s;
  const colon = parts.userinfo.indexOf(':');
  const user = colon < 0 ? parts.userinfo : parts.userinfo.slice(0, colon);
  return `${parts.scheme}://${user}${colon < 0 ? '' : ':***'}@${parts.rest}`;
}

/** An http(s) URL with a host and a valid port; credentials are split off. */
export function checkNodeUrl(s: string): Checked<NodeUrl> {
  const parts = splitCredentials(s);
  if (!parts) return { problem: 'a node is a URL with a scheme, e.g. http://localhost:9200 or https://es-1:9200' };
  if (parts.scheme !== 'http' && parts.scheme !== 'https')
    return { problem: `the scheme "${parts.scheme}" is not supported: use http:// or https://` };
  const hostPort = /^([^/?#]*)/.exec(parts.rest)![1]!;
  const portMatch = /:([^:\]]*)$/.exec(hostPort);
  if (portMatch) {
    const problem = portProblem(portMatch[1]!);
    if (problem) return { problem };
  }
  let url: URL;
  try {
    url = new URL(`${parts.scheme}://${parts.rest}`);
  } catch {
    return { problem: 'it is not a valid URL' };
  }
  if (!url.hostname) return { problem: 'the URL names no host' };
  if (url.search || url.hash) return { problem: 'a node URL takes no query (?) or fragment (#)' };
  const value: NodeUrl = { url: `${url.origin}${url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')}` };
  if (parts.userinfo !== undefined) {
    const colon = parts.userinfo.indexOf(':');
    const username = decode(colon < 0 ? parts.userinfo : parts.userinfo.slice(0, colon));
    if (username) value.username = username;
    if (colon >= 0) value.password = decode(parts.userinfo.slice(colon + 1));
  }
  return { value };
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

export function checkBoolean(s: string): Checked<boolean> {
  const v = s.trim().toLowerCase();
  if (TRUE.includes(v)) return { value: true };
  if (FALSE.includes(v)) return { value: false };
  return { problem: 'not a boolean: use true or false (also 1/0, yes/no, on/off)' };
}

export function checkSaslMechanism(s: string): Checked<SaslMechanism> {
  const v = s.trim().toLowerCase();
  if ((SASL_MECHANISMS as readonly string[]).includes(v)) return { value: v as SaslMechanism };
  return { problem: `not a supported SASL mechanism: use ${SASL_MECHANISMS.join(', ')}` };
}

/** A certificate file's content: PEM with at least one certificate. */
export function checkPemCertificate(content: string): Checked<string> {
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(content)) {
    return { problem: 'it is not a PEM certificate (no -----BEGIN CERTIFICATE----- block)' };
  }
  return { value: content };
}
