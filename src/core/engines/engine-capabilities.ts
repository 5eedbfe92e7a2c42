import type { EngineKind } from '../ports/search-sink.js';

/** An engine family and major version: what decides which analysis components and field types exist. */
export interface EngineTarget {
  engine: EngineKind;
  major: number;
}

/** The engines and majors readmodel supports; every model must have a mapping that works on each. */
export const ENGINE_MATRIX: readonly EngineTarget[] = [
  { engine: 'opensearch', major: 2 },
  { engine: 'opensearch', major: 3 },
  { engine: 'elasticsearch', major: 8 },
  { engine: 'elasticsearch', major: 9 },
];

export const engineLabel = (t: EngineTarget): string => `${t.engine} ${t.major}.x`;

/** `"3.1.0"` -> 3. */
export const targetOf = (engine: EngineKind, version: string): EngineTarget => ({ engine, major: Number.parseInt(version, 10) });

/**
 * What a mapping may use on one engine and major, as its minimal integration-test distribution ships it
 * (the distribution readmodel is tested against, and the weakest cluster of that version it can meet).
 * Lists are conservative: only what was seen to work there; a name left out is reported, never assumed.
 */
export interface EngineCapabilities {
  target: EngineTarget;
  /** Modules beyond the bare server that the test distribution ships (shown in reports). */
  modules: readonly string[];
  fieldTypes: ReadonlySet<string>;
  /** Built-in analyzers, usable by name without a definition. */
  analyzers: ReadonlySet<string>;
  /** `type` of an analyzer defined in settings.analysis.analyzer. */
  analyzerTypes: ReadonlySet<string>;
  /** Tokenizers usable by name, and the `type` of a tokenizer definition. */
  tokenizers: ReadonlySet<string>;
  tokenizerTypes: ReadonlySet<string>;
  /** Token filters usable by name (pre-configured), and the `type` of a filter definition. */
  tokenFilters: ReadonlySet<string>;
  tokenFilterTypes: ReadonlySet<string>;
  charFilters: ReadonlySet<string>;
  charFilterTypes: ReadonlySet<string>;
  normalizers: ReadonlySet<string>;
  normalizerTypes: ReadonlySet<string>;
  /** Filters a normalizer may use: they must work per character on the whole value (multi-term aware). */
  normalizerFilters: ReadonlySet<string>;
  mappingKeys: ReadonlySet<string>;
  dynamicValues: ReadonlySet<unknown>;
}

/**
 * The bare server of OpenSearch 2.x/3.x and Elasticsearch 8.x/9.x (checked with `_analyze` and index
 * creation on each: test/integration/engine-capabilities.test.ts). Left out on purpose: field types only
 * one engine has in core (flat_object, match_only_text in OpenSearch; dense_vector, sparse_vector,
 * passthrough in Elasticsearch) and x-pack types. The servers register only the standard tokenizer; the
 * standard/simple/stop/whitespace/keyword analyzers (as definable types Elasticsearch has only custom
 * and standard); the stop and shingle filter types plus the pre-configured `lowercase` filter; the
 * `lowercase` normalizer; no char filter. Everything else lives in the analysis-common module.
 */
const CORE = {
  fieldTypes: [
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
  ],
  analyzers: ['default', 'standard', 'simple', 'stop', 'whitespace', 'keyword'],
  /** Elasticsearch's server registers only these two as definable types (the rest are built-in by name). */
  analyzerTypes: ['custom', 'standard'],
  tokenizers: ['standard'],
  tokenizerTypes: ['standard'],
  tokenFilters: ['lowercase'],
  tokenFilterTypes: ['stop', 'shingle'],
  charFilters: [] as string[],
  charFilterTypes: [] as string[],
  normalizers: ['lowercase'],
  normalizerTypes: ['custom', 'lowercase'],
  normalizerFilters: ['lowercase'],
};

/**
 * OpenSearch's analysis-common module (in the 3.x test distribution, not in 2.x): the n-gram and
 * pattern tokenizers, folding, stemming and synonym filters, char filters and language analyzers.
 */
const ANALYSIS_COMMON_ANALYZERS = [
  'pattern',
  'fingerprint',
  'snowball',
  'english',
  'french',
  'german',
  'spanish',
  'italian',
  'dutch',
  'portuguese',
];
const ANALYSIS_COMMON_TOKENIZERS = [
  'keyword',
  'whitespace',
  'letter',
  'lowercase',
  'classic',
  'uax_url_email',
  'pattern',
  'ngram',
  'edge_ngram',
  'path_hierarchy',
];
const ANALYSIS_COMMON = {
  // Each built-in analyzer and tokenizer is also a type to configure one from (char_group only that).
  analyzers: ANALYSIS_COMMON_ANALYZERS,
  analyzerTypes: ANALYSIS_COMMON_ANALYZERS,
  tokenizers: ANALYSIS_COMMON_TOKENIZERS,
  tokenizerTypes: [...ANALYSIS_COMMON_TOKENIZERS, 'char_group'],
  tokenFilters: [
    'asciifolding',
    'uppercase',
    'trim',
    'unique',
    'reverse',
    'porter_stem',
    'kstem',
    'classic',
    'apostrophe',
    'decimal_digit',
    'cjk_width',
    'edge_ngram',
    'ngram',
    'word_delimiter_graph',
    'elision',
    'remove_duplicates',
    'flatten_graph',
  ],
  tokenFilterTypes: [
    'asciifolding',
    'lowercase',
    'uppercase',
    'trim',
    'truncate',
    'unique',
    'length',
    'limit',
    'reverse',
    'elision',
    'stemmer',
    'snowball',
    'porter_stem',
    'kstem',
    'synonym',
    'synonym_graph',
    'word_delimiter',
    'word_delimiter_graph',
    'pattern_replace',
    'edge_ngram',
    'ngram',
    'remove_duplicates',
    'flatten_graph',
    'decimal_digit',
    'cjk_width',
  ],
  charFilters: ['html_strip'],
  charFilterTypes: ['html_strip', 'mapping', 'pattern_replace'],
  normalizerFilters: ['asciifolding', 'uppercase', 'decimal_digit', 'cjk_width'],
};

/** OpenSearch's mapper-extras module (3.x test distribution): extra field types. */
const MAPPER_EXTRAS_TYPES = ['search_as_you_type', 'scaled_float', 'token_count', 'rank_feature', 'rank_features'];

const MAPPING_KEYS = [
  'dynamic',
  'properties',
  '_source',
  '_meta',
  '_routing',
  'dynamic_templates',
  'date_detection',
  'numeric_detection',
  'dynamic_date_formats',
];
/** `runtime` is Elasticsearch-only, `strict_allow_templates` OpenSearch-only: neither is used. */
const DYNAMIC_VALUES: unknown[] = [true, false, 'true', 'false', 'strict'];

/** OpenSearch's server also lets these built-in analyzers be defined as types (checked on 2.19 and 3.x). */
const OPENSEARCH_CORE_ANALYZER_TYPES = ['simple', 'stop', 'whitespace', 'keyword'];

function build(target: EngineTarget, modules: readonly string[]): EngineCapabilities {
  const common = modules.includes('analysis-common');
  const extras = modules.includes('mapper-extras');
  const set = <T>(a: readonly T[], b: readonly T[] = []) => new Set<T>([...a, ...b]);
  return {
    target,
    modules,
    fieldTypes: set(CORE.fieldTypes, extras ? MAPPER_EXTRAS_TYPES : []),
    analyzers: set(CORE.analyzers, common ? ANALYSIS_COMMON.analyzers : []),
    analyzerTypes: set(
      [...CORE.analyzerTypes, ...(target.engine === 'opensearch' ? OPENSEARCH_CORE_ANALYZER_TYPES : [])],
      common ? ANALYSIS_COMMON.analyzerTypes : [],
    ),
    tokenizers: set(CORE.tokenizers, common ? ANALYSIS_COMMON.tokenizers : []),
    tokenizerTypes: set(CORE.tokenizerTypes, common ? ANALYSIS_COMMON.tokenizerTypes : []),
    tokenFilters: set(CORE.tokenFilters, common ? ANALYSIS_COMMON.tokenFilters : []),
    tokenFilterTypes: set(CORE.tokenFilterTypes, common ? ANALYSIS_COMMON.tokenFilterTypes : []),
    charFilters: set(CORE.charFilters, common ? ANALYSIS_COMMON.charFilters : []),
    charFilterTypes: set(CORE.charFilterTypes, common ? ANALYSIS_COMMON.charFilterTypes : []),
    normalizers: set(CORE.normalizers),
    normalizerTypes: set(CORE.normalizerTypes),
    normalizerFilters: set(CORE.normalizerFilters, common ? ANALYSIS_COMMON.normalizerFilters : []),
    mappingKeys: set(MAPPING_KEYS),
    dynamicValues: set(DYNAMIC_VALUES),
  };
}

/**
 * The modules each supported engine's test distribution ships beyond the server. OpenSearch 3.x zips
 * carry analysis-common and mapper-extras; the OpenSearch 2.x zips and Elasticsearch's test
 * distributions (8.x and 9.x; Maven Central has no analysis-common for Elasticsearch) carry neither.
 */
const MODULES: Record<string, readonly string[]> = {
  'opensearch 2': [],
  'opensearch 3': ['analysis-common', 'mapper-extras'],
  'elasticsearch 8': [],
  'elasticsearch 9': [],
};

/** What `target` offers; undefined for an engine or major outside the matrix. */
export function capabilitiesOf(target: EngineTarget): EngineCapabilities | undefined {
  const modules = MODULES[`${target.engine} ${target.major}`];
  return modules ? build(target, modules) : undefined;
}
