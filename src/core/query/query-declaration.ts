/**
 * How one read model is queried: declared in its model definition (src/core/read-models/<model>/),
 * so the engine stays free of model-specific code. Every part is optional.
 */
export interface QueryDeclaration {
  /**
   * A unique keyword field that breaks ties in every sort, so equal scores or values page the same way
   * every time (the engines refuse to sort on `_id` by default).
   */
  tieBreaker?: string;
  /** Fields free text searches, with optional boosts (`title^3`); default: the mapping's text fields. */
  textFields?: readonly string[];
  /** Facets counted over every query's matches, in this order. */
  facets?: readonly FacetDeclaration[];
  /** Columns of the text table, besides the id, the score and the sort fields. */
  columns?: readonly string[];
}

export type FacetDeclaration = TermsFacet | RangeFacet | HierarchyFacet;

/** The most frequent values of a keyword field (availability, `name=value` attribute pairs, ...). */
export interface TermsFacet {
  kind: 'terms';
  name: string;
  field: string;
  /** How many values at most (default 10). */
  size?: number;
}

/** Fixed numeric buckets, each counted even when empty, in the declared order. */
export interface RangeFacet {
  kind: 'range';
  name: string;
  field: string;
  ranges: ReadonlyArray<{ key: string; from?: number; to?: number }>;
}

/**
 * A path field indexed with every prefix (`Home`, `Home/Kitchen`, ...). Shows `levels` levels below the
 * category a `--filter <field>=<path>` selected (the top when none is), as a tree.
 */
export interface HierarchyFacet {
  kind: 'hierarchy';
  name: string;
  field: string;
  separator: string;
  levels?: number;
}
