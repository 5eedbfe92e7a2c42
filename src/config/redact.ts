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

/**
 * `https://user:pass@host` -> `https://user:***@host`, also when the password holds `/`, `#`, `@` or
 * spaces (pasted unencoded): within one word the credentials end at its last `@`; across spaces, at the
 * first `@` that follows. Over-redacting odd text is acceptable, leaking a password is not.
 */
export function redactUrl(s: string): string {
  return (
    s
      .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)(?!\*\*\*@)\S*@(?=\S)/gi, '$1***@')
      // Across spaces only when what follows the colon is not a port (`http://es:9200 and user@x`).
      .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)(?!\*\*\*@)(?!\d+(?:[\s/]|$))[^@\n]{0,128}?@(?=\S)/gi, '$1***@')
  );
}
