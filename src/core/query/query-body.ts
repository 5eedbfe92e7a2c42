import type { PlannedFacet, PlannedFilter, QueryPlan } from './query-plan.js';

// Lucene regular expressions (the terms aggregation's `include`) take any character escaped literally.
const literal = (s: string) => s.replace(/[^A-Za-z0-9]/g, (c) => `\\${c}`);

function filterClause(f: PlannedFilter): Record<string, unknown> {
  if (f.kind === 'range') return { range: { [f.field]: { [f.bound]: f.value } } };
  return f.values.length === 1 ? { term: { [f.field]: f.values[0] } } : { terms: { [f.field]: f.values } };
}

function facetAggregation(f: PlannedFacet): Record<string, unknown> {
  if (f.kind === 'terms') return { terms: { field: f.field, size: f.size } };
  if (f.kind === 'range') return { range: { field: f.field, ranges: f.ranges.map((r) => ({ ...r })) } };
  const segment = `[^${literal(f.separator)}]+`;
  const deeper = `(${literal(f.separator)}${segment}){1,${f.levels}}`;
  return {
    terms: {
      field: f.field,
      // The selected category itself and `levels` levels below it; from the top, `levels` levels.
      include:
        f.under === undefined ? `${segment}(${literal(f.separator)}${segment}){0,${f.levels - 1}}` : `${literal(f.under)}(${deeper})?`,
      size: 500,
      order: { _key: 'asc' },
    },
  };
}

/**
 * The `_search` body of a plan. Only what OpenSearch 2/3 and Elasticsearch 8/9 read alike: bool with
 * filter/must_not/must, term(s), range, multi_match, sort by field or `_score`, from/size, exact totals,
 * terms and range aggregations.
 */
export function queryRequestBody(plan: QueryPlan): Record<string, unknown> {
  const filter = plan.filters.filter((f) => f.kind === 'range' || !f.negate).map(filterClause);
  const mustNot = plan.filters.filter((f) => f.kind === 'terms' && f.negate).map(filterClause);
  const must = plan.text ? [{ multi_match: { query: plan.text.query, fields: plan.text.fields, operator: 'and' } }] : [];
  const bool = {
    ...(filter.length ? { filter } : {}),
    ...(mustNot.length ? { must_not: mustNot } : {}),
    ...(must.length ? { must } : {}),
  };
  const scoreNotSorted = plan.sort.every((k) => k.field !== '_score');
  return {
    from: plan.offset,
    size: plan.limit,
    track_total_hits: true,
    query: Object.keys(bool).length ? { bool } : { match_all: {} },
    ...(plan.sort.length ? { sort: plan.sort.map((k) => ({ [k.field]: { order: k.order } })) } : {}),
    // Scores are only computed when sorting by them unless asked: free text sorted by a field still shows them.
    ...(plan.text && scoreNotSorted ? { track_scores: true } : {}),
    ...(plan.facets.length ? { aggs: Object.fromEntries(plan.facets.map((f) => [f.name, facetAggregation(f)])) } : {}),
  };
}
