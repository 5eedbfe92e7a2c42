/**
 * The naming rules Elasticsearch and OpenSearch share for index and alias names, plus readmodel's own:
 * a name readmodel sends must address exactly one index or alias. A wildcard or comma would turn a
 * DELETE of one build into a DELETE of many (an `indexBase` of `orders*` once removed five indices).
 */

/** The engines cap names at 255 bytes; a base leaves room for `_v<N>_<hash>` and `_current`. */
export const MAX_INDEX_NAME_BYTES = 255;
export const MAX_INDEX_BASE_BYTES = 200;

const FORBIDDEN = ['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':'];

/** Why `name` is not a usable index or alias name, or undefined when it is. */
export function indexNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name === '.' || name === '..') return `"${name}" is reserved`;
  if (name !== name.toLowerCase()) return 'it contains uppercase letters (index names are lowercase)';
  const bad = [...new Set([...name].filter((c) => FORBIDDEN.includes(c) || c.charCodeAt(0) < 0x20))];
  if (bad.length) {
    const shown = bad.map((c) => (c === ' ' ? 'a space' : c.charCodeAt(0) < 0x20 ? 'a control character' : `"${c}"`)).join(', ');
    const why = bad.some((c) => c === '*' || c === '?' || c === ',') ? ' (a wildcard or list would address several indices)' : '';
    return `it contains ${shown}${why}`;
  }
  if (/^[-_+]/.test(name)) return `it starts with "${name[0]}"`;
  if (name.startsWith('.')) return 'it starts with "." (hidden and system indices are not read models)';
  if (utf8Bytes(name) > MAX_INDEX_NAME_BYTES) return `it is longer than ${MAX_INDEX_NAME_BYTES} bytes`;
  return undefined;
}

/**
 * Why `base` is not a usable index base (the stem of `<base>_v<N>_<hash>` and `<base>_current`), or
 * undefined. Stricter than a full name: lowercase letters, digits, `_` and `-`, starting with a letter
 * or digit, short enough for the suffixes.
 */
export function indexBaseProblem(base: string): string | undefined {
  const general = indexNameProblem(base);
  if (general) return general;
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(base))
    return 'only lowercase letters, digits, "_" and "-" are allowed, starting with a letter or digit';
  if (utf8Bytes(base) > MAX_INDEX_BASE_BYTES) return `it is longer than ${MAX_INDEX_BASE_BYTES} bytes`;
  return undefined;
}

export const INDEX_NAME_RULES =
  'lowercase, no wildcard (*, ?), comma, space or any of \\ / " < > | # :, not starting with -, _, + or ., at most 255 bytes';

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;
