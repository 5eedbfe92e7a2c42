/**
 * Autocomplete over a read model's index, engine-neutral. A mapping offers autocomplete on a field by
 * giving it an `autocomplete` sub-field: on engines with analysis-common an edge n-gram analysed text
 * field (with ASCII folding), elsewhere a core text field with `index_prefixes`. `match_bool_prefix`
 * serves both: the words before the last must match whole, the last one as a prefix (an indexed prefix
 * or an edge n-gram, so both are cheap), after the field's own search analysis (folding included).
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const AUTOCOMPLETE_SUBFIELD = 'autocomplete';

/** Which of `fields` have an autocomplete sub-field in an index mapping (its `mappings` object). */
export function fieldsWithAutocomplete(mapping: Record<string, unknown>, fields: readonly string[]): string[] {
  const props = isObj(mapping.properties) ? mapping.properties : {};
  return fields.filter((name) => {
    const def = props[name];
    return isObj(def) && isObj(def.fields) && isObj(def.fields[AUTOCOMPLETE_SUBFIELD]);
  });
}

export interface SuggestQueryInput {
  prefix: string;
  /** Fields to complete on, most important first. */
  fields: readonly string[];
  /** The model's id field: ties in score are broken by it, so the same index always answers the same. */
  idField: string;
  limit: number;
}

/** The `_search` body of a suggestion request: a match in an earlier field weighs more. */
export function suggestQuery(o: SuggestQueryInput): Record<string, unknown> {
  return {
    size: o.limit,
    track_total_hits: false,
    _source: [o.idField, ...o.fields],
    query: {
      bool: {
        should: o.fields.map((f, i) => ({
          match_bool_prefix: { [`${f}.${AUTOCOMPLETE_SUBFIELD}`]: { query: o.prefix, operator: 'and', boost: o.fields.length - i } },
        })),
        minimum_should_match: 1,
      },
    },
    sort: [{ _score: 'desc' }, { [o.idField]: 'asc' }],
  };
}

/** A prefix is what a user typed: at least one letter or digit, and not a novel. */
const MAX_PREFIX_LENGTH = 200;
export function prefixProblem(prefix: string): string | undefined {
  if (!/[\p{L}\p{N}]/u.test(prefix)) return 'it has no letter or digit';
  if (prefix.length > MAX_PREFIX_LENGTH) return `it is longer than ${MAX_PREFIX_LENGTH} characters`;
  return undefined;
}
