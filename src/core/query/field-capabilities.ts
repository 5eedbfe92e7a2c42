/** What a query may do with one mapped field, by its mapping type. */
export type FieldKind = 'keyword' | 'numeric' | 'date' | 'boolean' | 'text';

export interface FieldCapabilities {
  /** Every field a query can use, by dotted path (`title.keyword` for a multi-field). */
  kinds: ReadonlyMap<string, FieldKind>;
  /** Fields `--filter` and `--sort` accept: keyword, numeric, date and boolean (doc values on both engines). */
  filterable: readonly string[];
  /** Top-level text fields: what free text searches when the model declares none. */
  text: readonly string[];
}

const KIND_OF_TYPE: Record<string, FieldKind> = {
  keyword: 'keyword',
  constant_keyword: 'keyword',
  long: 'numeric',
  integer: 'numeric',
  short: 'numeric',
  byte: 'numeric',
  double: 'numeric',
  float: 'numeric',
  half_float: 'numeric',
  scaled_float: 'numeric',
  unsigned_long: 'numeric',
  date: 'date',
  date_nanos: 'date',
  boolean: 'boolean',
  text: 'text',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads the fields a query may touch from an index mapping (`{ properties: ... }`). Types it does not
 * know (completion, search_as_you_type, nested, disabled objects, `index: false`) are left out, so a
 * filter on them is refused before the engine sees it. Text sub-fields are left out of free text: they
 * carry special analysers (autocomplete n-grams) that would distort relevance.
 */
export function fieldCapabilities(mapping: Record<string, unknown>): FieldCapabilities {
  const kinds = new Map<string, FieldKind>();
  const text: string[] = [];
  const walk = (properties: unknown, prefix: string) => {
    if (!isObject(properties)) return;
    for (const [name, def] of Object.entries(properties)) {
      if (!isObject(def)) continue;
      const path = `${prefix}${name}`;
      if (def.type === undefined || def.type === 'object') {
        if (def.enabled !== false) walk(def.properties, `${path}.`);
        continue;
      }
      const kind = typeof def.type === 'string' ? KIND_OF_TYPE[def.type] : undefined;
      if (kind && def.index !== false) {
        kinds.set(path, kind);
        if (kind === 'text') text.push(path);
      }
      if (isObject(def.fields)) {
        for (const [sub, subDef] of Object.entries(def.fields)) {
          const subKind = isObject(subDef) && typeof subDef.type === 'string' ? KIND_OF_TYPE[subDef.type] : undefined;
          if (subKind && subKind !== 'text' && isObject(subDef) && subDef.index !== false) kinds.set(`${path}.${sub}`, subKind);
        }
      }
    }
  };
  walk(mapping.properties, '');
  const filterable = [...kinds].filter(([, k]) => k !== 'text').map(([name]) => name);
  return { kinds, filterable: filterable.sort(), text };
}
