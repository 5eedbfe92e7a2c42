import type { Upcaster } from './contracts/contract-types.js';
import type { Projection } from './projections/projection.js';
import type { GeneratedEvent } from './fixtures/interleave-aggregates.js';
import type { QueryDeclaration } from './query/query-declaration.js';

export interface FixtureOptions {
  count: number;
  seed: number;
  invalidRate?: number;
  idPrefix?: string;
  /** Shape of the stream (see ProductStreamOptions.catalogue); models list what they support. */
  catalogue?: string;
  /** Later events to existing aggregates (long-lived catalogue). */
  updates?: number;
}

/** A smoke query: a search body that must return at least `minHits` documents before a swap. */
export interface SmokeQuery {
  name: string;
  query: Record<string, unknown>;
  minHits?: number;
}

/**
 * Everything the engine needs to know about one read model. Adding a read model means adding one of
 * these (contracts, projection, mapping, names): the engine has no model-specific code.
 */
export interface ReadModelDefinition<TDoc extends object = any> {
  name: string;
  projection: Projection<TDoc>;
  upcasters: readonly Upcaster[];
  /** Path of the versioned mapping file, e.g. `mappings/product_search.v1.json`. */
  mappingFile: string;
  /**
   * Richer mappings for engines that offer more analysis (e.g. edge n-grams and ASCII folding where
   * analysis-common exists), in order of preference: a build uses the first one the connected engine
   * supports, else `mappingFile`, which must work on every supported engine. Same `.v<N>` as
   * `mappingFile`, with a label: `mappings/product_search.v1.analysis-common.json`.
   */
  mappingVariants?: readonly string[];
  /**
   * Fields `readmodel suggest` completes on, most important first (it weighs matches in that order).
   * Each needs an `autocomplete` sub-field in every mapping of the model (validate-contracts checks it).
   */
  autocompleteFields?: readonly string[];
  topic: string;
  consumerGroup: string;
  /** Base name of indices and alias: `<indexBase>_v<N>_<hash>` and `<indexBase>_current`. */
  indexBase: string;
  smokeQueries: readonly SmokeQuery[];
  /** Seeded fixture generator used by `fixtures publish`, if the model ships one. */
  generateFixtures?: (o: FixtureOptions) => Iterable<GeneratedEvent>;
  /** Catalogue modes `generateFixtures` supports (default: only `recent`). */
  fixtureCatalogues?: readonly string[];
  /**
   * The seeded stream committed as `fixtures/<name>/events.ndjson`: `scripts/write-fixtures.ts` writes
   * it and a unit test checks the committed file is exactly this stream.
   */
  committedFixtures?: () => Iterable<GeneratedEvent>;
  /** How `readmodel query` reads this model: tie-breaker, text fields, facets, table columns. */
  query?: QueryDeclaration;
}

export function aliasName(model: Pick<ReadModelDefinition, 'indexBase'>): string {
  return `${model.indexBase}_current`;
}
