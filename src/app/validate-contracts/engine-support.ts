/**
 * What a mapping may use to be valid on BOTH OpenSearch 2.x and Elasticsearch 8.x, as each ships in its
 * minimal integration-test distribution: the server alone, with no modules or plugins. That is the
 * weakest cluster readmodel is tested against, and what a mapping must not outgrow without a decision.
 *
 * Why these lists and not more:
 * - Field types are those both servers register in core (IndicesModule). Left out on purpose: types
 *   from modules or x-pack (scaled_float, token_count, search_as_you_type, rank_feature(s) - mapper-extras;
 *   join, percolator; flattened, wildcard, constant_keyword, version, unsigned_long - x-pack in ES) and
 *   types only one engine has in core (flat_object, match_only_text, geo_shape in OpenSearch;
 *   dense_vector, sparse_vector, passthrough in Elasticsearch).
 * - Analysis: the server cores only register the standard tokenizer; the standard/simple/stop/whitespace/
 *   keyword analyzers; the stop and shingle token filter types plus the pre-configured `lowercase`
 *   filter; the `lowercase` normalizer; and no char filter at all. Everything else (edge_ngram, ngram,
 *   pattern, asciifolding, word_delimiter, html_strip, synonym, language analyzers...) lives in the
 *   analysis-common module, absent from a bare server. `hunspell` is left out: it needs dictionaries on disk.
 * Extending a list means checking both engines' minimal distributions first.
 */
export const PORTABLE_FIELD_TYPES: ReadonlySet<string> = new Set([
  'text',
  'keyword',
  'long',
  'integer',
  'short',
  'byte',
  'double',
  'float',
  'half_float',
  'boolean',
  'date',
  'date_nanos',
  'binary',
  'ip',
  'object',
  'nested',
  'alias',
  'completion',
  'geo_point',
  'integer_range',
  'long_range',
  'float_range',
  'double_range',
  'date_range',
  'ip_range',
]);

/** Built-in analyzers, usable by name without a definition. */
export const PORTABLE_ANALYZERS: ReadonlySet<string> = new Set(['default', 'standard', 'simple', 'stop', 'whitespace', 'keyword']);
/** `type` of an analyzer defined in settings.analysis.analyzer. */
export const PORTABLE_ANALYZER_TYPES: ReadonlySet<string> = new Set(['custom', 'standard', 'simple', 'stop', 'whitespace', 'keyword']);

/** Tokenizers usable by name, and as the `type` of a tokenizer definition. */
export const PORTABLE_TOKENIZERS: ReadonlySet<string> = new Set(['standard']);
export const PORTABLE_TOKENIZER_TYPES: ReadonlySet<string> = new Set(['standard']);

/** Token filters usable by name (pre-configured in core). */
export const PORTABLE_TOKEN_FILTERS: ReadonlySet<string> = new Set(['lowercase']);
/** `type` of a token filter defined in settings.analysis.filter. */
export const PORTABLE_TOKEN_FILTER_TYPES: ReadonlySet<string> = new Set(['stop', 'shingle']);

/** Char filters: the cores ship none. */
export const PORTABLE_CHAR_FILTERS: ReadonlySet<string> = new Set();
export const PORTABLE_CHAR_FILTER_TYPES: ReadonlySet<string> = new Set();

/** Built-in normalizers, and the `type` of a normalizer definition. */
export const PORTABLE_NORMALIZERS: ReadonlySet<string> = new Set(['lowercase']);
export const PORTABLE_NORMALIZER_TYPES: ReadonlySet<string> = new Set(['custom', 'lowercase']);
/** Filters a normalizer may use: they must work per character on the whole value (multi-term aware). */
export const PORTABLE_NORMALIZER_FILTERS: ReadonlySet<string> = new Set(['lowercase']);

/** Top-level keys of "mappings" both engines accept. */
export const PORTABLE_MAPPING_KEYS: ReadonlySet<string> = new Set([
  'dynamic',
  'properties',
  '_source',
  '_meta',
  '_routing',
  'dynamic_templates',
  'date_detection',
  'numeric_detection',
  'dynamic_date_formats',
]);

/** `dynamic` values both accept (`runtime` is Elasticsearch-only, `strict_allow_templates` OpenSearch-only). */
export const PORTABLE_DYNAMIC_VALUES: ReadonlySet<unknown> = new Set([true, false, 'true', 'false', 'strict']);
