export type EngineKind = 'elasticsearch' | 'opensearch';

export interface IndexBody {
  settings?: Record<string, unknown>;
  mappings?: Record<string, unknown>;
}

/** A write guarded by the aggregate version: the engine rejects it if the stored version is newer. */
export type BulkWrite =
  { action: 'index'; id: string; version: number; doc: Record<string, unknown> } | { action: 'delete'; id: string; version: number };

/** A write the engine refused for good (mapping conflict, document too large): never retried. */
export interface RejectedWrite {
  id: string;
  action: BulkWrite['action'];
  version: number;
  status: number;
  reason: string;
}

export interface BulkOutcome {
  written: number;
  deleted: number;
  /** Writes the engine refused because it already held a newer (or equal) version: not errors. */
  stale: number;
  retries: number;
  /** Retries caused by throttling (429) alone: a subset of `retries`. */
  throttled: number;
  /** Times a request was split in two because the engine refused its size (413). */
  splits: number;
  /** Items refused for good; the caller decides (the --on-invalid policy), the sink never throws for them. */
  rejected: RejectedWrite[];
  tookMs: number;
}

export interface SuggestHit {
  id: string;
  index: string;
  score: number | null;
  doc: Record<string, unknown>;
}

export interface StoredDoc {
  id: string;
  version: number;
  doc: Record<string, unknown>;
}

/** The engine's optimistic-concurrency token of a document. */
export interface DocToken {
  seqNo: number;
  primaryTerm: number;
}

export interface IndexInfo {
  name: string;
  docsCount: number;
  health?: string;
  aliases: string[];
}

/** One hit of a query: `score` is null when the engine computed none (sorted by a field, no free text). */
export interface SearchHit {
  id: string;
  score: number | null;
  version: number;
  doc: Record<string, unknown>;
}

/** One bucket of a terms or range aggregation; `key` is the engine's `key_as_string` when it gives one. */
export interface AggregationBucket {
  key: string;
  count: number;
  from?: number;
  to?: number;
}

/** A query's answer, read strictly: exact total, hits with scores, each requested aggregation's buckets. */
export interface SearchAnswer {
  total: number;
  hits: SearchHit[];
  aggregations: Record<string, AggregationBucket[]>;
}

export type AliasAction =
  { add: { index: string; alias: string; is_write_index?: boolean } } | { remove: { index: string; alias: string; must_exist?: boolean } };

/**
 * The one port both search engines sit behind. Everything the engine does to an index goes through
 * here, and one contract test suite runs it against real Elasticsearch and real OpenSearch.
 */
export interface SearchSink {
  readonly engine: EngineKind;
  readonly node: string;
  info(): Promise<{ engine: EngineKind; version: string; clusterName: string }>;
  indexExists(index: string): Promise<boolean>;
  createIndex(index: string, body: IndexBody): Promise<void>;
  deleteIndex(index: string): Promise<void>;
  listIndices(pattern: string): Promise<IndexInfo[]>;
  getSettings(index: string): Promise<Record<string, unknown>>;
  putSettings(index: string, settings: Record<string, unknown>): Promise<void>;
  getMapping(index: string): Promise<Record<string, unknown>>;
  /** The `_meta` object of the index mapping: where run manifests live. */
  getMeta(index: string): Promise<Record<string, unknown>>;
  putMeta(index: string, meta: Record<string, unknown>): Promise<void>;
  refresh(index: string): Promise<void>;
  count(index: string, query?: Record<string, unknown>): Promise<number>;
  /**
   * `external` (default) writes only when the version is newer than the stored one; `external_gte`
   * also overwrites an equal version, which is how a replay repairs a document corrupted in place.
   */
  bulk(
    index: string,
    writes: readonly BulkWrite[],
    options?: { signal?: AbortSignal; versionType?: 'external' | 'external_gte' },
  ): Promise<BulkOutcome>;
  /** Real-time reads (no refresh needed), with the stored version. Missing ids are absent. */
  getMany(index: string, ids: readonly string[]): Promise<Map<string, StoredDoc>>;
  /**
   * Streams every document sorted by `sortField` ascending, a page at a time; the next page may be
   * asked for while the caller works on this one (at most two pages held), and stopping early cancels it.
   */
  scan(index: string, options: { sortField: string; pageSize?: number; signal?: AbortSignal }): AsyncIterable<StoredDoc[]>;
  search(index: string, body: Record<string, unknown>): Promise<{ total: number; hits: StoredDoc[] }>;
  /**
   * A read-model query (`readmodel query`): the answer is checked like any state read, so a body the
   * tool does not understand is UNREADABLE_STATE, never "no results". `body.aggs` must be terms or range
   * aggregations; each comes back as its buckets.
   */
  searchDocuments(index: string, body: Record<string, unknown>): Promise<SearchAnswer>;
  /**
   * An autocomplete search (`_search` with `body`), read strictly: an answer without a hits list of the
   * expected shape is UNREADABLE_STATE, never "no suggestions". Each hit names the index it came from.
   */
  suggest(index: string, body: Record<string, unknown>): Promise<SuggestHit[]>;
  /** Indices the alias points at (empty only when the engine says the alias does not exist). */
  aliasTargets(alias: string): Promise<string[]>;
  /** Every alias pointing at one index. */
  indexAliases(index: string): Promise<string[]>;
  /** A small bookkeeping document (leases) with its optimistic-concurrency token; undefined when absent. */
  getDoc(index: string, id: string): Promise<{ doc: Record<string, unknown>; seqNo: number; primaryTerm: number } | undefined>;
  /**
   * Writes a bookkeeping document, refreshed at once unless `refresh: false` (durable either way; a
   * search sees it after the next refresh). `create` fails if it exists; `ifMatch` fails if it
   * changed since read. A lost race is `{ ok: false }`, not an error.
   */
  putDoc(
    index: string,
    id: string,
    doc: Record<string, unknown>,
    options?: { create?: boolean; ifMatch?: DocToken; refresh?: boolean },
  ): Promise<{ ok: true; seqNo: number; primaryTerm: number } | { ok: false }>;
  /** Deletes a bookkeeping document (only if unchanged, with `ifMatch`); false when it changed meanwhile. */
  deleteDoc(index: string, id: string, options?: { ifMatch?: DocToken; refresh?: boolean }): Promise<boolean>;
  updateAliases(actions: readonly AliasAction[]): Promise<void>;
  close(): Promise<void>;
}
