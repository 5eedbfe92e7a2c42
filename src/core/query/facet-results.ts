import type { AggregationBucket } from '../ports/search-sink.js';
import type { PlannedFacet } from './query-plan.js';

export interface FacetBucket {
  value: string;
  count: number;
  /** Hierarchy facets: depth below the top (0 = a top-level category) and the last path segment. */
  level?: number;
  label?: string;
  /** Range facets: the bucket's bounds (from inclusive, to exclusive). */
  from?: number;
  to?: number;
}

export interface FacetResult {
  name: string;
  field: string;
  kind: PlannedFacet['kind'];
  /** Hierarchy facets: the category a filter selected, where the tree starts. */
  under?: string;
  buckets: FacetBucket[];
}

/** The facets of a plan, read from the engine's aggregation buckets (already checked by the sink). */
export function facetResults(
  facets: readonly PlannedFacet[],
  aggregations: Readonly<Record<string, readonly AggregationBucket[]>>,
): FacetResult[] {
  return facets.map((f) => {
    const buckets = aggregations[f.name] ?? [];
    const base = { name: f.name, field: f.field, kind: f.kind };
    if (f.kind !== 'hierarchy') {
      return {
        ...base,
        buckets: buckets.map((b) => ({
          value: b.key,
          count: b.count,
          ...(b.from !== undefined ? { from: b.from } : {}),
          ...(b.to !== undefined ? { to: b.to } : {}),
        })),
      };
    }
    return {
      ...base,
      ...(f.under !== undefined ? { under: f.under } : {}),
      buckets: buckets.map((b) => {
        const parts = b.key.split(f.separator);
        return { value: b.key, count: b.count, level: parts.length - 1, label: parts[parts.length - 1]! };
      }),
    };
  });
}
