import type { SearchSink } from '../core/ports/search-sink.js';
import { facetResults, type FacetResult } from '../core/query/facet-results.js';
import { fieldCapabilities } from '../core/query/field-capabilities.js';
import { queryRequestBody } from '../core/query/query-body.js';
import { planQuery, type QueryPlan, type QueryRequest } from '../core/query/query-plan.js';
import type { ReadModelDefinition } from '../core/read-model.js';
import { resolveReadTarget } from './read-target.js';

export interface QueryOptions extends QueryRequest {
  model: ReadModelDefinition;
  /** Read this index (or alias) instead of `<model>_current`. */
  index?: string;
}

export interface QueryHit {
  id: string;
  /** Relevance; null when the engine computed none (no free text). */
  score: number | null;
  version: number;
  document: Record<string, unknown>;
}

export interface QueryResult {
  model: string;
  /** What was read (the alias, or --index) and the concrete index behind it. */
  target: { name: string; index: string };
  total: number;
  offset: number;
  limit: number;
  hits: QueryHit[];
  facets: FacetResult[];
  plan: QueryPlan;
}

/**
 * The read-model contract's query(filters, order_by, limit, offset), plus free text and facets. Read
 * only: it reads the alias (or --index), that index's mapping (which fields can be filtered, sorted and
 * searched), and runs one search.
 */
export async function runQuery(o: QueryOptions, deps: { sink: SearchSink }): Promise<QueryResult> {
  const { sink } = deps;
  const read = await resolveReadTarget(sink, o.model, o.index);
  const target = { name: o.index ?? read.alias, index: read.index };
  const caps = fieldCapabilities(await sink.getMapping(target.index));
  const plan = planQuery(o, caps, o.model.query);
  const answer = await sink.searchDocuments(target.index, queryRequestBody(plan));
  return {
    model: o.model.name,
    target,
    total: answer.total,
    offset: plan.offset,
    limit: plan.limit,
    hits: answer.hits.map((h) => ({ id: h.id, score: h.score, version: h.version, document: h.doc })),
    facets: facetResults(plan.facets, answer.aggregations),
    plan,
  };
}
