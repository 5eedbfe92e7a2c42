/** One field that differs between two versions of a document; `path` is a JSON pointer. */
export interface FieldDifference {
  path: string;
  from: unknown;
  to: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => equal(a[k], b[k]));
  }
  return false;
}

const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Field-level differences between two documents. Objects are compared key by key, recursively;
 * arrays and scalars are compared as whole values (an array that differs is one difference).
 */
export function diffFields(from: unknown, to: unknown, path = '', ignore: ReadonlySet<string> = new Set()): FieldDifference[] {
  if (ignore.has(path)) return [];
  if (isObject(from) && isObject(to)) {
    const out: FieldDifference[] = [];
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    for (const k of keys) out.push(...diffFields(from[k], to[k], `${path}/${escape(k)}`, ignore));
    return out;
  }
  return equal(from, to) ? [] : [{ path: path || '/', from, to }];
}

/**
 * Compares ids the way the engines sort keyword fields: by UTF-8 bytes. JavaScript's `<` compares
 * UTF-16 code units, which disagrees for characters outside the BMP and would break the merge join.
 */
export function compareIds(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
