/**
 * JSON with object keys sorted at every depth: equal values give equal strings, whatever the key order.
 *
 * Every written document of a rebuild goes through here (its checksum), and documents of one model
 * share a handful of key orders, so each order's sorted keys, already quoted, are kept by the key list
 * they came from. Only key lists without NUL are kept: joined with NUL, such a list names itself
 * unambiguously among lists of the same length. Only short lists are kept (documents' own shapes, not
 * a mapping's or a contract's), and at most KEY_ORDERS_KEPT of them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const [k, quoted] of sortedQuotedKeys(Object.keys(obj))) {
    const v = obj[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${quoted}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

type QuotedKeys = readonly (readonly [key: string, quoted: string])[];

const KEY_ORDERS_KEPT = 1024;
const KEYS_KEPT = 64;
const keyOrders = new Map<string, QuotedKeys>();

function sortedQuotedKeys(keys: string[]): QuotedKeys {
  const name = keys.join('\0');
  const known = keyOrders.get(name);
  if (known !== undefined && known.length === keys.length) return known;
  const sorted = keys.sort().map((k) => [k, JSON.stringify(k)] as const);
  if (keys.length <= KEYS_KEPT && keyOrders.size < KEY_ORDERS_KEPT && !keys.some((k) => k.includes('\0'))) keyOrders.set(name, sorted);
  return sorted;
}
