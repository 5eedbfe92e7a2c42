const SECRET_KEYS = /^(password|apiKey|api_key|secret|token|authorization)$/i;

/** Replaces every secret-looking value with "***", at any depth, for logs and JSON output. */
export function redact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(redact) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEYS.test(k) && v !== undefined && v !== null ? '***' : redact(v);
    }
    return out as T;
  }
  if (typeof value === 'string') return redactUrl(value) as T;
  return value;
}

/** `https://user:pass@host` -> `https://user:***@host`. */
export function redactUrl(s: string): string {
  return s.replace(/(\w+:\/\/[^:/@\s]+:)[^@/\s]+@/g, '$1***@');
}
